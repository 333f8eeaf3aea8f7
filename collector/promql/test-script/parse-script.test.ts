import { describe, expect, it } from 'vitest';
import { parseScript } from './parse-script.js';
import type { EvalCommand, LoadCommand, Script } from './script-types.js';

const parse = (text: string): Script => {
  const r = parseScript('t.test', text);
  if (!r.ok) throw r.error;
  return r.value;
};
const errorOf = (text: string): string => {
  const r = parseScript('t.test', text);
  return r.ok ? 'no error' : r.error.message;
};
const evalAt = (s: Script, i: number): EvalCommand => {
  const c = s.commands.filter((x) => x.kind === 'eval')[i];
  if (c?.kind !== 'eval') throw new Error('no eval');
  return c;
};

describe('parseScript', () => {
  it('reads load, clear and eval commands with their lines', () => {
    const s = parse(`# comment
load 30s
  up{job="a"} 1 2
  up{job="b"} 0+1x2

eval instant at 1m up
  up{job="a"} 2
  up{job="b"} 2

clear
`);
    expect(s.commands.map((c) => `${c.kind}@${c.line}`)).toEqual(['load@2', 'eval@6', 'clear@10']);
    const load = s.commands[0] as LoadCommand;
    expect(load.stepMs).toBe(30_000);
    expect(load.series.map((x) => x.line)).toEqual([3, 4]);
    const ev = evalAt(s, 0);
    expect(ev.timing).toEqual({ kind: 'instant', atMs: 60_000 });
    expect([...ev.expectedSeries.values()].map((x) => x.pos)).toEqual([1, 2]);
  });

  it('ends a block at a comment line, as promqltest does', () => {
    expect(errorOf('load 1m\n  a 1\n# note\n  b 2\n')).toBe('t.test:4: invalid command "b 2"');
  });

  it('reads range evals, including a greedy "from" that contains " to "', () => {
    const ev = evalAt(parse('eval range from 0 to 10m step 30s rate(x[1m])\n  {} 1x20\n'), 0);
    expect(ev.timing).toEqual({ kind: 'range', startMs: 0, endMs: 600_000, stepMs: 30_000 });
    expect(ev.expr).toBe('rate(x[1m])');
    expect([...ev.expectedSeries.values()][0]?.values).toHaveLength(21);
  });

  it('reads expect lines, deprecated suffixes and messages', () => {
    const s = parse(`eval instant at 1m foo
  expect fail msg: vector cannot contain metrics with the same labelset

eval instant at 1m foo
  expect warn regex: PromQL warning: .* \\(1:[0-9]+\\)
  expect no_info
  expect ordered
  {a="1"} 1

eval_fail instant at 0 bar
  expected_fail_regexp some (thing|else)

eval_ordered instant at 0 baz
`);
    const [a, b, c, d] = [0, 1, 2, 3].map((i) => evalAt(s, i));
    expect(a?.expect.fail).toEqual([{ kind: 'msg', text: 'vector cannot contain metrics with the same labelset' }]);
    expect(b?.expect.warn[0]?.kind).toBe('regex');
    const re = b?.expect.warn[0];
    expect(re?.kind === 'regex' && re.test('PromQL warning: boom (1:15)')).toBe(true);
    expect(b?.expect.noInfo && b.expect.ordered).toBe(true);
    expect(c?.legacy.fail).toBe(true);
    expect(c?.legacyFail?.kind === 'regex' && c.legacyFail.test('xx some else')).toBe(true);
    expect(d?.legacy.ordered).toBe(true);
  });

  it('reads scalar and string results and range vector expectations', () => {
    const s = parse(`eval instant at 0 1 + 1
  2

eval instant at 0 "a"
  expect string "a\\tb"

eval instant at 1m some_metric[1m]
  expect range vector from 10s to 1m step 10s
  some_metric{env="a"} 2 3 4 5 6
`);
    expect(evalAt(s, 0).expectedScalar).toBe(2);
    expect(evalAt(s, 1).expectedString).toBe('a\tb');
    expect(evalAt(s, 2).rangeVector).toEqual({ startMs: 10_000, endMs: 60_000, stepMs: 10_000 });
  });

  it('marks series with start timestamps and checks @st lines', () => {
    const s = parse(`load 1m
  c{t="a"}@st _ -30s-1mx1
  c{t="a"} _ 0+1x1
  c{t="b"} 1 2
`);
    const load = s.commands[0] as LoadCommand;
    expect(load.series.map((x) => x.startTimestamps)).toEqual([true, false]);
    expect(errorOf('load 1m\n  c{t="a"}@st 1s\n  c{t="b"} 1\n')).toBe(
      't.test:2: @st metric does not match the following sample line metric',
    );
    expect(errorOf('load 1m\n  c@st 1s 2s\n  c 1\n')).toBe('t.test:2: @st line has 2 values but sample line has 1');
  });

  it('reports bad input with file:line', () => {
    expect(errorOf('\n\nfrobnicate 1\n')).toBe('t.test:3: invalid command "frobnicate 1"');
    expect(errorOf('load 1x\n')).toBe('t.test:1: invalid step definition "1x": not a duration');
    expect(errorOf('load 1m\n  a{b="c"} 1 2 x\n')).toBe(
      't.test:2:14: unexpected "x" in series values (expected a number, Inf, NaN, stale or _)',
    );
    expect(errorOf('eval instant at 1m foo\n  {} 1 2\n')).toContain(
      't.test:2: expecting multiple values in instant evaluation not allowed',
    );
    expect(errorOf('eval instant at 1q foo\n')).toBe('t.test:1: error in eval foo: invalid timestamp definition "1q"');
    expect(errorOf('eval range from 5m to 1m step 1m foo\n')).toBe(
      't.test:1: error in eval foo: invalid test definition, end timestamp (1m) is before start timestamp (5m)',
    );
    expect(errorOf('eval instant at 1m foo\n  expect warn\n  expect no_warn\n')).toBe(
      't.test:3: invalid expect lines, warn and no_warn cannot be used together',
    );
    expect(errorOf('eval instant at 1m foo\n  expect sometimes\n')).toContain('t.test:2: invalid expect statement');
    expect(errorOf('eval instant at 1m foo\n  expect string foo\n')).toBe(
      't.test:2: expected string literal not valid - check that the string is correctly quoted',
    );
  });
});
