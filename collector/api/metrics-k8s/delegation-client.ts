/**
 * The two calls delegated authentication and authorization make to the
 * kube-apiserver: read ConfigMap kube-system/extension-apiserver-authentication
 * and POST a SubjectAccessReview. Authenticated as the KubeConfig says (in a
 * pod, the hub's ServiceAccount, which needs the extension-apiserver-
 * authentication-reader Role and system:auth-delegator ClusterRole).
 */
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { err, ok, type Result } from '../../result.js';
import { s } from '../../schema/index.js';
import { AUTH_CONFIGMAP_PATH, parseAuthConfigMap, type AuthConfig } from './auth-config.js';
import type { Decision, SubjectAccessReviewFn } from './authorize.js';

export interface DelegationApi {
  readAuthConfig(signal?: AbortSignal): Promise<Result<AuthConfig, string>>;
  review: SubjectAccessReviewFn;
}

const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const SarStatus = s.object({
  status: s
    .object({
      allowed: s.boolean().default(false),
      denied: s.boolean().optional(),
      reason: s.string().optional(),
      evaluationError: s.string().optional(),
    })
    .default({ allowed: false }),
});

export function createDelegationApi(kc: KubeConfig, timeoutMs = 10_000): DelegationApi {
  const cluster = kc.getCurrentCluster();
  const server = (cluster?.server ?? '').replace(/\/+$/, '');

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<Result<unknown, string>> => {
    const where = `${method} ${server}${path}`;
    if (server === '') return err(`${where}: the kubeconfig names no cluster`);
    let res;
    try {
      const ctx = new RequestContext(server + path, method === 'GET' ? HttpMethod.GET : HttpMethod.POST);
      await kc.applySecurityAuthentication(ctx);
      const dispatcher = ctx.getDispatcher();
      const timeout = AbortSignal.timeout(timeoutMs);
      res = await fetch(server + path, {
        method,
        headers: {
          ...ctx.getHeaders(),
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        ...(dispatcher ? { dispatcher } : {}),
      });
    } catch (e) {
      return err(
        `${where}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
      );
    }
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status > 299) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not a Status body; keep the text
      }
      return err(`${where}: HTTP ${res.status}: ${message}`);
    }
    try {
      return ok(JSON.parse(text) as unknown);
    } catch {
      return err(`${where}: the answer is not JSON`);
    }
  };

  return {
    async readAuthConfig(signal) {
      const r = await call('GET', AUTH_CONFIGMAP_PATH, undefined, signal);
      return r.ok ? parseAuthConfigMap(r.value) : r;
    },
    async review(spec) {
      const r = await call('POST', SAR_PATH, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec,
      });
      if (!r.ok) return r;
      const parsed = SarStatus.safeParse(r.value);
      if (!parsed.success) return err(`POST ${server}${SAR_PATH}: not a SubjectAccessReview`);
      const s = parsed.data.status;
      const decision: Decision = {
        allowed: s.allowed && s.denied !== true,
        reason: s.reason ?? s.evaluationError ?? '',
      };
      return ok(decision);
    },
  };
}
