import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../http/tls.js';
import { parseAuthConfigMap } from './auth-config.js';
import { requestAttributes } from './authorize.js';

const ca = selfSignedCertificate({ commonName: 'front-proxy-ca', altNames: [], isCa: true }).cert;

describe('extension-apiserver-authentication', () => {
  it('reads the CA bundles, allowed names and header names (lower-cased, as Node presents headers)', () => {
    const r = parseAuthConfigMap({
      data: {
        'requestheader-client-ca-file': ca + ca,
        'requestheader-allowed-names': '["front-proxy-client"]',
        'requestheader-username-headers': '["X-Remote-User"]',
        'requestheader-group-headers': '["X-Remote-Group"]',
        'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
      },
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.clientCa).toBeUndefined();
    expect(r.value.requestHeader?.cas).toHaveLength(2);
    expect(r.value.requestHeader).toMatchObject({
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['x-remote-user'],
      groupHeaders: ['x-remote-group'],
      extraPrefixes: ['x-remote-extra-'],
    });
  });

  it('an empty allowed-names list allows any name the CA signed; no requestheader CA, no front proxy', () => {
    const r = parseAuthConfigMap({ data: { 'requestheader-client-ca-file': ca, 'requestheader-allowed-names': '[]' } });
    expect(r.ok && r.value.requestHeader?.allowedNames).toEqual([]);
    const none = parseAuthConfigMap({ data: { 'client-ca-file': ca } });
    expect(none.ok && none.value.requestHeader).toBeUndefined();
    expect(none.ok && none.value.clientCa?.cas).toHaveLength(1);
  });

  it('names the key that is broken', () => {
    expect(
      parseAuthConfigMap({
        data: { 'requestheader-client-ca-file': ca, 'requestheader-allowed-names': 'front-proxy-client' },
      }),
    ).toEqual({
      ok: false,
      error: 'extension-apiserver-authentication: requestheader-allowed-names is not JSON: front-proxy-client',
    });
    expect(
      parseAuthConfigMap({ data: { 'requestheader-client-ca-file': ca, 'requestheader-group-headers': '[1]' } }),
    ).toEqual({
      ok: false,
      error: 'extension-apiserver-authentication: requestheader-group-headers is not a JSON list of strings',
    });
    expect(parseAuthConfigMap({ data: { 'client-ca-file': 'garbage' } })).toEqual({
      ok: false,
      error: 'extension-apiserver-authentication: client-ca-file: no PEM CERTIFICATE block',
    });
    const broken = ca.replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA');
    const r = parseAuthConfigMap({ data: { 'requestheader-client-ca-file': ca + broken } });
    expect(!r.ok && r.error).toMatch(
      /^extension-apiserver-authentication: requestheader-client-ca-file: certificate 2 of 2 does not parse/,
    );
    expect(parseAuthConfigMap('nope')).toEqual({
      ok: false,
      error: 'extension-apiserver-authentication: not a ConfigMap with data',
    });
  });
});

describe('request attributes', () => {
  it('names verb, resource, namespace and name as the API server RequestInfo does', () => {
    expect(requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1/nodes', false)).toEqual({
      kind: 'resource',
      verb: 'list',
      resource: 'nodes',
      version: 'v1beta1',
    });
    expect(requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1/nodes/n1', false)).toEqual({
      kind: 'resource',
      verb: 'get',
      resource: 'nodes',
      version: 'v1beta1',
      name: 'n1',
    });
    expect(requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1/pods', true)).toEqual({
      kind: 'resource',
      verb: 'watch',
      resource: 'pods',
      version: 'v1beta1',
    });
    expect(requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods', false)).toEqual({
      kind: 'resource',
      verb: 'list',
      resource: 'pods',
      version: 'v1beta1',
      namespace: 'ns',
    });
    expect(requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/p', false)).toEqual({
      kind: 'resource',
      verb: 'get',
      resource: 'pods',
      version: 'v1beta1',
      namespace: 'ns',
      name: 'p',
    });
    expect(requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1', false)).toEqual({
      kind: 'non-resource',
      path: '/apis/metrics.k8s.io/v1beta1',
      verb: 'get',
    });
    expect(requestAttributes('GET', '/openapi/v2', false)).toEqual({
      kind: 'non-resource',
      path: '/openapi/v2',
      verb: 'get',
    });
  });
});
