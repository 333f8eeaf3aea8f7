/**
 * The routing tree against SOURCES.md's expectations and against what the
 * real `amtool config routes test` (Debian prometheus-alertmanager 0.25)
 * prints for the same config and labels.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../config/index.js';
import { parseMatchers } from '../labels/index.js';
import { buildRouteTree, matchRoutes, receiversFor, type Route } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(repoRoot, '../shared/conformance/alertmanager-config');
const run = promisify(execFile);

async function tree(file: string): Promise<Route> {
  const r = await loadConfigFile(path.join(dir, file));
  if (!r.ok) throw r.error;
  return buildRouteTree(r.value.config.route);
}

/** Labels as amtool takes them on its command line: `a=b c=d`. */
function labelsOf(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const m = parseMatchers(a);
    if (!m.ok) throw new Error(m.error);
    for (const x of m.value) out[x.name] = x.value;
  }
  return out;
}

describe('SOURCES.md routing expectations', () => {
  it.each([
    ['amtool/conf.routing.yml', { test: '1' }, ['test1']],
    ['amtool/conf.routing.yml', { test: '2' }, ['test1', 'test2']],
    ['amtool/conf.routing.yml', { test: 'volovina' }, ['default']],
    ['amtool/conf.routing-reverted.yml', { test: '2' }, ['test2', 'test1']],
  ])('%s %j → %j', async (file, labels, want) => {
    expect(receiversFor(await tree(file), labels)).toEqual(want);
  });
});

describe('inherited options', () => {
  it('fills defaults and inherits from the parent unless a node sets its own', () => {
    const r = parseConfig(
      `route:\n  receiver: a\n  group_by: [x]\n  group_wait: 10s\n  routes:\n  - matchers: [team="db"]\n    repeat_interval: 1h\n    routes:\n    - matchers: [sev="page"]\n      receiver: b\n      group_by: ['...']\nreceivers:\n- name: a\n- name: b\n`,
    );
    if (!r.ok) throw r.error;
    const root = buildRouteTree(r.value.route);
    expect(root.opts).toMatchObject({
      receiver: 'a',
      groupBy: ['x'],
      groupWaitMs: 10_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
    const [leaf] = matchRoutes(root, { team: 'db', sev: 'page' });
    expect(leaf?.opts).toMatchObject({
      receiver: 'b',
      groupByAll: true,
      groupWaitMs: 10_000,
      repeatIntervalMs: 3_600_000,
    });
    expect(leaf?.id).toBe('{}/{team="db"}/0/{sev="page"}/0');
    expect(leaf?.key).toBe('{}/{team="db"}/{sev="page"}');
    expect(matchRoutes(root, { team: 'db' })[0]?.opts.receiver).toBe('a');
    expect(matchRoutes(root, { team: 'web' })).toEqual([root]);
  });
});

describe('differential against `amtool config routes test`', () => {
  const cases: Array<[string, string[]]> = [
    ['amtool/conf.routing.yml', ['test=1']],
    ['amtool/conf.routing.yml', ['test=2']],
    ['amtool/conf.routing.yml', ['test=volovina']],
    ['amtool/conf.routing-reverted.yml', ['test=2']],
    ['amtool/conf.routing-reverted.yml', ['test=1']],
    ['conf.good.yml', ['service=foo1']],
    ['conf.good.yml', ['service=foo1', 'severity=critical']],
    ['conf.good.yml', ['service=files', 'severity=critical']],
    ['conf.good.yml', ['service=database', 'owner2=team-X', 'owner=team-Y']],
    ['conf.good.yml', ['service=database', 'owner=team-Y']],
    ['conf.good.yml', ['service=database']],
    ['conf.good.yml', ['service=other']],
    ['conf.group-by-all.yml', ['a=b']],
  ];
  it.each(cases)('%s %j', async (file, args) => {
    const { stdout } = await run('/usr/bin/amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${path.join(dir, file)}`,
      ...args,
    ]);
    const ours = receiversFor(await tree(file), labelsOf(args)).join(',');
    expect(ours).toBe(stdout.trim());
  });
});
