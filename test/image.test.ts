/**
 * The container image, as far as this machine can build it (no Docker engine
 * here): the files deploy/Dockerfile copies into the final stage are laid out
 * in a temp dir exactly as its COPY lines say, and the real `kubepulse start`
 * runs from there with everything it reads at run time (dashboard, Chart.js,
 * rule pack, notification templates). The built code may import only
 * production dependencies, which are all `npm prune --omit=dev` leaves.
 */
import { builtinModules } from 'node:module';
import { cp, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, startDaemon, tempDir, type Daemon } from './support/cli.js';

const dockerfile = await readFile(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
/** `COPY --from=build /src/X Y` lines of the final stage: [X, Y]. */
const copies = [...finalStage.matchAll(/^COPY --from=build \/src\/(\S+) (\S+)$/gm)].map(
  (m) => [m[1] ?? '', m[2] ?? ''] as const,
);
const plainCopies = [...finalStage.matchAll(/^COPY (?!--)(\S+) (\S+)$/gm)].map(
  (m) => [m[1] ?? '', m[2] ?? ''] as const,
);

const daemons: Daemon[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
});

async function jsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await jsFiles(p)));
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

describe('container image (deploy/Dockerfile)', () => {
  it('copies what the final stage needs', () => {
    expect(copies.map(([from]) => from).sort()).toEqual([
      'alertmanager/templates',
      'dashboard/public',
      'dist',
      'node_modules',
      'rules',
    ]);
    expect(finalStage).toMatch(/^USER 65534:65534$/m);
  });

  it('imports nothing at run time that npm prune --omit=dev removes', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const missing = new Set<string>();
    for (const file of await jsFiles(join(REPO_ROOT, 'dist'))) {
      if (file.endsWith('.test.js') || file.includes('/testing/')) continue;
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(
        /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\.resolve\(\s*['"]([^'"]+)['"]\s*\)/gm,
      )) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!allowed.has(name)) missing.add(`${name} (${file.slice(REPO_ROOT.length)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('runs kubepulse start from the image layout: dashboard, Chart.js, rule pack and templates all there', async () => {
    const root = await tempDir('kp-image-');
    for (const [from, to] of copies) {
      const dest = join(root, to);
      // node_modules is the one part not copied: the import check above stands in for the prune.
      if (from === 'node_modules') await symlink(join(REPO_ROOT, 'node_modules'), dest);
      else await cp(join(REPO_ROOT, from), dest, { recursive: true });
    }
    for (const [from, to] of plainCopies) await cp(join(REPO_ROOT, from), join(root, to === './' ? from : to));
    const entry = /^ENTRYPOINT \["node", "([^"]+)"\]$/m.exec(finalStage)?.[1];
    expect(entry).toBe('dist/collector/cli/main.js');
    const port = await freePort();
    const daemon = await startDaemon(
      ['start', '--listen', `127.0.0.1:${port}`, '--data-dir', join(root, 'data'), '--log-level', 'warn'],
      port,
      { NODE_ENV: 'production', KUBECONFIG: '/nonexistent' },
      { entry: join(root, entry ?? ''), cwd: root },
    );
    daemons.push(daemon);
    const base = daemon.baseUrl;
    const stderr = (): string => daemon.output().stderr;
    expect((await fetch(`${base}/`)).status).toBe(200);
    const chart = await fetch(`${base}/vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect((await chart.text()).length).toBeGreaterThan(100_000);
    const rules = (await (await fetch(`${base}/api/v1/rules`)).json()) as { data: { groups: unknown[] } };
    expect(rules.data.groups.length).toBeGreaterThan(5);
    expect(stderr()).not.toMatch(/"level":"error"/);
  });
});
