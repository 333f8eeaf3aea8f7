/**
 * `rules test` against the real promtool (Debian prometheus 2.42): the same
 * test files must pass or fail in both, and ours must say why.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runRuleTests } from './run-tests.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/rules/', import.meta.url));

async function promtoolRun(file: string): Promise<{ code: number; out: string }> {
  try {
    // promtool writes the header to stdout and failures to stderr; merged, they read as a terminal shows them.
    const r = await promisify(execFile)('sh', ['-c', 'promtool test rules "$1" 2>&1', 'sh', file], { cwd: path.dirname(file) });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof x.code !== 'number' || x.code === 127) throw new Error(`promtool could not run (install Debian's prometheus package): ${String(e)}`, { cause: e });
    return { code: x.code, out: (x.stdout ?? '') + (x.stderr ?? '') };
  }
}

const promtool = async (file: string): Promise<number> => (await promtoolRun(file)).code;

async function ours(file: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runRuleTests([file], { stdout: (t) => (out += t) });
  return { code, out };
}

async function variant(edit: (test: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kp-rules-'));
  await copyFile(path.join(fixtures, 'alerts.yml'), path.join(dir, 'alerts.yml'));
  const file = path.join(dir, 'test.yml');
  await writeFile(file, edit(await readFile(path.join(fixtures, 'test.yml'), 'utf8')));
  return file;
}

describe('rules test (promtool test rules)', () => {
  it("passes Prometheus' documented example, as promtool does", async () => {
    const file = path.join(fixtures, 'test.yml');
    expect(await promtool(file)).toBe(0);
    expect(await ours(file)).toEqual({ code: 0, out: `Unit Testing:  ${file}\n  SUCCESS\n\n` });
  });

  it('fails a wrong alert expectation with expected and got, as promtool does', async () => {
    const file = await variant((t) => t.replace('summary: "Instance localhost:9090 down"', 'summary: "Instance localhost:9090 is fine"'));
    expect(await promtool(file)).toBe(1);
    const r = await ours(file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('alertname: InstanceDown, time: 10m');
    expect(r.out).toContain('summary="Instance localhost:9090 is fine"');
    expect(r.out).toContain('summary="Instance localhost:9090 down"');
  });

  it('prints failures exactly as promtool 2.42 does', async () => {
    const file = await variant((t) => t.replace('summary: "Instance localhost:9090 down"', 'summary: "X"').replace('value: 50', 'value: 51'));
    const theirs = await promtoolRun(file);
    const mine = await ours(file);
    expect(mine.code).toBe(theirs.code);
    expect(mine.out).toBe(theirs.out.replace(`Unit Testing:  ${path.basename(file)}`, `Unit Testing:  ${file}`));
  });

  it('fails a wrong PromQL expectation, as promtool does', async () => {
    const file = await variant((t) => t.replace('value: 50', 'value: 51'));
    expect(await promtool(file)).toBe(1);
    const r = await ours(file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('expr: "go_goroutines > 5", time: 4m');
  });

  it('fails when the alert has not fired yet (pending is not firing)', async () => {
    const file = await variant((t) => t.replace('- eval_time: 10m', '- eval_time: 4m'));
    expect(await promtool(file)).toBe(1);
    expect((await ours(file)).code).toBe(1);
  });
});

describe('rules test values', () => {
  it('accepts YAML infinities in exp_samples, as promtool does', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kp-rules-inf-'));
    await writeFile(path.join(dir, 'r.yaml'), 'groups: []\n');
    const file = path.join(dir, 't.yaml');
    await writeFile(
      file,
      "rule_files: [r.yaml]\ntests:\n  - input_series:\n      - series: 'x'\n        values: 'Inf'\n    promql_expr_test:\n      - expr: x\n        eval_time: 0m\n        exp_samples:\n          - labels: 'x'\n            value: .inf\n",
    );
    expect(await promtool(file)).toBe(0);
    expect((await ours(file)).code).toBe(0);
  });
});
