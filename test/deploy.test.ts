/**
 * The manifests in deploy/: least privilege, non-root, read-only where it can
 * be, and every container's command line accepted by the kubepulse binary.
 * (No cluster runs here; see deploy/README.md for where the line is.)
 */
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

type Container = { name: string; args: string[]; securityContext: Record<string, unknown>; resources: { requests?: unknown; limits?: unknown } };
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
