/**
 * The manifests in deploy/: least privilege, non-root, read-only where it can
 * be, and every container's command line accepted by the kubepulse binary.
 * (No cluster runs here; see deploy/README.md for where the line is.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../collector/cli/command.js';
import { COMMANDS } from '../collector/cli/main.js';
import { REPO_ROOT } from './support/cli.js';

type Obj = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; rules?: { verbs: string[]; resources: string[] }[] };
const base = join(REPO_ROOT, 'deploy/base');
const objects: Obj[] = readdirSync(base)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(base, f), 'utf8')).map((d) => d.toJS() as Obj));

type Container = { name: string; command?: string[]; args: string[]; env?: { name: string; value?: string }[]; securityContext: Record<string, unknown>; resources: { requests?: unknown; limits?: unknown } };
type PodSpec = { securityContext: { runAsNonRoot?: boolean; runAsUser?: number }; containers: Container[]; volumes?: { hostPath?: unknown; name: string }[] };
const podSpecs = objects
  .filter((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment')
  .map((o) => ({ name: o.metadata.name, spec: (o.spec as { template: { spec: PodSpec } }).template.spec }));

describe('deploy manifests', () => {
  it('has the collector DaemonSet and the hub Deployment', () => {
    expect(podSpecs.map((p) => p.name).sort()).toEqual(['kubepulse-collector', 'kubepulse-hub']);
  });

  it('grants only get/list/watch', () => {
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const r of roles) for (const rule of r.rules ?? []) expect(['get', 'list', 'watch']).toEqual(expect.arrayContaining(rule.verbs));
    for (const r of roles) for (const rule of r.rules ?? []) expect(rule.resources).not.toContain('secrets');
  });

  it('gives the collector its kubelet and nothing of the API server, and does not have it scrape itself', () => {
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'kubepulse-collector');
    expect(role?.rules).toEqual([{ apiGroups: [''], resources: ['nodes/metrics', 'nodes/stats', 'nodes/proxy'], verbs: ['get'] }]);
    const ds = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'kubepulse-collector');
    const annotations = (ds?.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBeUndefined();
  });

  it('runs every container as non-root with a read-only root filesystem and no capabilities', () => {
    for (const { spec } of podSpecs) {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).not.toBe(0);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(c.resources.requests).toBeDefined();
        expect(c.resources.limits).toBeDefined();
      }
    }
  });

  it('mounts host paths read-only', () => {
    for (const { spec } of podSpecs) {
      const hostVolumes = new Set((spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name));
      for (const c of spec.containers) {
        for (const m of (c as unknown as { volumeMounts: { name: string; readOnly?: boolean }[] }).volumeMounts) {
          if (hostVolumes.has(m.name)) expect(m.readOnly, m.name).toBe(true);
        }
      }
    }
  });

  it('runs the image entrypoint when a container sets its own command, with node flags node accepts', () => {
    const entry = /^ENTRYPOINT \["node", "([^"]+)"\]$/m.exec(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8'))?.[1];
    expect(entry).toBeDefined();
    const commands = podSpecs.flatMap(({ spec }) => spec.containers.flatMap((c) => (c.command ? [c] : [])));
    // The collector sets one: V8 flags that NODE_OPTIONS refuses.
    expect(commands.map((c) => c.name)).toContain('collector');
    for (const c of commands) {
      const [node, ...rest] = c.command ?? [];
      expect(node).toBe('node');
      expect(rest.at(-1)).toBe(entry);
      const flags = rest.slice(0, -1);
      expect(flags.every((f) => f.startsWith('--'))).toBe(true);
      // The node this repository runs on (24, as the image's) starts with them; an unknown flag exits non-zero.
      const env = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
      expect(execFileSync(process.execPath, [...flags, '-e', 'console.log("ok")'], { env: { ...process.env, ...env }, encoding: 'utf8' })).toBe('ok\n');
    }
  });

  it("passes arguments the kubepulse binary accepts", () => {
    for (const { spec } of podSpecs) {
      for (const c of spec.containers) {
        const [name, ...rest] = c.args;
        const command = COMMANDS.find((cmd) => cmd.path.length === 1 && cmd.path[0] === name);
        expect(command, `command ${name}`).toBeDefined();
        const parsed = parseCommandArgs(command!, rest);
        expect(parsed.ok ? [] : parsed.error).toEqual([]);
      }
    }
  });
});

describe('deploy config', () => {
  it('every kubepulse.yaml in the manifests and overlays is a valid configuration', async () => {
    const { loadConfig } = await import('../collector/config/index.js');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const docs: string[] = [];
    for (const o of objects.filter((x) => x.kind === 'ConfigMap')) {
      const text = (o as unknown as { data?: Record<string, string> }).data?.['kubepulse.yaml'];
      if (text) docs.push(text);
    }
    const overlay = readFileSync(join(REPO_ROOT, 'deploy/kind/overlay/kustomization.yaml'), 'utf8');
    for (const m of overlay.matchAll(/value: \|\n((?: {10}.*\n?)+)/g)) docs.push((m[1] as string).replace(/^ {10}/gm, ''));
    expect(docs.length).toBeGreaterThanOrEqual(3);
    const dir = await mkdtemp(join(tmpdir(), 'kp-deploy-'));
    for (const [i, text] of docs.entries()) {
      const file = join(dir, `kubepulse-${i}.yaml`);
      await writeFile(file, text);
      const r = await loadConfig(file, []);
      expect(r.ok ? '' : r.error.message).toBe('');
    }
  });
});

describe('metrics.k8s.io through the aggregation layer', () => {
  type Any = Record<string, unknown>;
  const find = (kind: string, name: string): Any | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const hubSa = { kind: 'ServiceAccount', name: 'kubepulse-hub', namespace: 'kubepulse' };

  it('registers APIService v1beta1.metrics.k8s.io on a Service port that reaches a real hub container port enabled in its config', async () => {
    const apiService = find('APIService', 'v1beta1.metrics.k8s.io') as { spec: { group: string; version: string; service: { name: string; namespace: string; port: number }; insecureSkipTLSVerify?: boolean; caBundle?: string } } | undefined;
    expect(apiService).toBeDefined();
    const spec = apiService!.spec;
    expect([spec.group, spec.version]).toEqual(['metrics.k8s.io', 'v1beta1']);
    // Exactly one way of trusting the serving certificate.
    expect(spec.insecureSkipTLSVerify === true).not.toBe(spec.caBundle !== undefined);

    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === spec.service.name && (o.metadata as { namespace?: string }).namespace === spec.service.namespace) as
      | { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] } }
      | undefined;
    expect(svc, `Service ${spec.service.namespace}/${spec.service.name}`).toBeDefined();
    const port = svc!.spec.ports.find((p) => p.port === spec.service.port);
    expect(port, `Service port ${spec.service.port}`).toBeDefined();

    const selected = objects.filter((o) => {
      const labels = (o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {};
      return (o.kind === 'Deployment' || o.kind === 'DaemonSet') && Object.entries(svc!.spec.selector).every(([k, v]) => labels[k] === v);
    });
    expect(selected.map((o) => o.metadata.name)).toEqual(['kubepulse-hub']);
    const containers = (selected[0]!.spec as { template: { spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] } } }).template.spec.containers;
    const containerPort = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port!.targetPort || p.containerPort === port!.targetPort);
    expect(containerPort, `container port ${port!.targetPort}`).toBeDefined();

    const { loadConfig } = await import('../collector/config/index.js');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const hubYaml = (find('ConfigMap', 'kubepulse-hub') as { data: Record<string, string> }).data['kubepulse.yaml']!;
    const file = join(await mkdtemp(join(tmpdir(), 'kp-deploy-')), 'hub.yaml');
    await writeFile(file, hubYaml);
    const config = await loadConfig(file, []);
    if (!config.ok) throw config.error;
    expect(config.value.metricsApi.authentication).toBe('requestheader');
    expect(Number(config.value.metricsApi.listen?.split(':').pop())).toBe(containerPort!.containerPort);
  });

  it('lets the hub delegate authentication and authorization, as metrics-server does', () => {
    const delegator = objects.find((o) => o.kind === 'ClusterRoleBinding' && (o as unknown as { roleRef: { name: string } }).roleRef.name === 'system:auth-delegator') as { roleRef: Any; subjects: Any[] } | undefined;
    expect(delegator?.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'system:auth-delegator' });
    expect(delegator?.subjects).toEqual([hubSa]);
    const reader = objects.find((o) => o.kind === 'RoleBinding' && (o as unknown as { roleRef: { name: string } }).roleRef.name === 'extension-apiserver-authentication-reader') as
      | { metadata: { namespace: string }; roleRef: Any; subjects: Any[] }
      | undefined;
    expect(reader?.metadata.namespace).toBe('kube-system');
    expect(reader?.roleRef).toMatchObject({ kind: 'Role', name: 'extension-apiserver-authentication-reader' });
    expect(reader?.subjects).toEqual([hubSa]);
  });

  it('aggregates read-only metrics access into view, edit and admin', () => {
    const role = find('ClusterRole', 'system:aggregated-metrics-reader') as { metadata: { labels: Record<string, string> }; rules: Any[] } | undefined;
    for (const to of ['view', 'edit', 'admin']) expect(role?.metadata.labels[`rbac.authorization.k8s.io/aggregate-to-${to}`]).toBe('true');
    expect(role?.rules).toEqual([{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list'] }]);
  });

  it('keeps every namespaced object in the namespace it names (no kustomize namespace transformer moving kube-system)', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'APIService']);
    for (const o of objects) {
      if (!clusterScoped.has(o.kind)) expect((o.metadata as { namespace?: string }).namespace, `${o.kind}/${o.metadata.name}`).toBeDefined();
    }
    const kustomization = parseAllDocuments(readFileSync(join(base, 'kustomization.yaml'), 'utf8'))[0]?.toJS() as Record<string, unknown>;
    expect(kustomization['namespace']).toBeUndefined();
    expect(kustomization['resources']).toContain('metrics-apiservice.yaml');
  });

  it('kubectl kustomize renders the base with the auth-reader RoleBinding still in kube-system', () => {
    const kubectl = process.env['KUBECTL'] ?? 'kubectl';
    const rendered = execFileSync(kubectl, ['kustomize', base], { encoding: 'utf8' });
    const docs = parseAllDocuments(rendered).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
    expect(docs.find((d) => d.kind === 'RoleBinding')?.metadata.namespace).toBe('kube-system');
    expect(docs.find((d) => d.kind === 'APIService')?.metadata.name).toBe('v1beta1.metrics.k8s.io');
    expect(docs.length).toBe(objects.length);
  });
});
