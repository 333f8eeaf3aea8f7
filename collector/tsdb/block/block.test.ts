import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Labels, Matcher } from '../interface.js';
import { compareLabels, compileMatchers, eq, neq, nre, re } from '../labels/index.js';
import { openBlock, type Block } from './block.js';
import { openBlocks } from './block-dir.js';
import { writeBlock } from './block-writer.js';
import { dumpWithPromtool, promtoolKey } from './testing/promtool.js';
import { drain, selectAll } from './testing/collect.js';
import { makeSeries, toBlockInput, type TestSeries } from './testing/sample-series.js';

const START = 1_700_000_000_000;
let dir: string;
let opened: Block[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kp-blockr-'));
});
afterEach(async () => {
  await Promise.all(opened.map((b) => b.close()));
  opened = [];
  await rm(dir, { recursive: true, force: true });
});

async function writeAndOpen(series: readonly TestSeries[], perChunk = 120): Promise<Block> {
  const w = await writeBlock(dir, toBlockInput(series, perChunk));
  if (!w.ok) throw w.error;
  const r = await openBlock(join(dir, w.value!.ulid));
  if (!r.ok) throw r.error;
  opened.push(r.value);
  return r.value;
}

/** What a correct select must return, computed by brute force over the input. */
function expected(series: readonly TestSeries[], matchers: readonly Matcher[], minT: number, maxT: number) {
  const c = compileMatchers(matchers);
  if (!c.ok) throw c.error;
  return series
    .filter((s) => c.value.every((m) => m.matches(s.labels[m.name] ?? '')))
    .map((s) => ({ labels: s.labels, samples: s.samples.filter((x) => x.t >= minT && x.t <= maxT) }))
    .filter((s) => s.samples.length > 0)
    .sort((a, b) => compareLabels(a.labels, b.labels));
}

const sortKeys = (l: Labels): Labels => Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));

describe('openBlock querier', () => {
  const series = makeSeries(START, 15_000, 480, 11);

  it('returns every series and sample it was written with, sorted by labels', async () => {
    const b = await writeAndOpen(series);
    const got = selectAll(b.querier(-Infinity, Infinity), [re('__name__', '.+')]);
    expect(got.map((s) => sortKeys(s.labels))).toEqual(
      expected(series, [], -Infinity, Infinity).map((s) => sortKeys(s.labels)),
    );
    expect(got).toEqual(expected(series, [], -Infinity, Infinity));
  });

  const cases: [string, Matcher[]][] = [
    ['equal', [eq('job', 'db')]],
    ['not equal', [neq('job', 'db'), eq('__name__', 'node_load1')]],
    ['regex', [re('instance', '10\\.0\\.0\\.[02]:9100'), re('job', 'a.*|cache')]],
    ['negative regex', [nre('job', 'api|db')]],
    ['absent label via =""', [eq('code', '')]],
    ['absent label via !=""', [neq('code', '')]],
    ['regex matching empty', [re('code', '|500'), eq('job', 'api')]],
    ['nothing', [eq('job', 'nope')]],
    ['unknown label name', [neq('zone', 'x'), eq('job', 'cache')]],
  ];
  it.each(cases)('selects with %s matchers exactly as brute force does', async (_name, matchers) => {
    const b = await writeAndOpen(series);
    expect(selectAll(b.querier(-Infinity, Infinity), matchers)).toEqual(
      expected(series, matchers, -Infinity, Infinity),
    );
  });

  it('sees only samples within [minT, maxT] and drops series with none there', async () => {
    const b = await writeAndOpen(series, 50);
    const minT = START + 40 * 60_000 + 1;
    const maxT = START + 55 * 60_000;
    const got = selectAll(b.querier(minT, maxT), [re('__name__', '.+')]);
    expect(got).toEqual(expected(series, [], minT, maxT));
    expect(got.some((s) => s.labels.__name__ === 'up')).toBe(false); // its only sample is at START
    expect(selectAll(b.querier(START - 10_000, START - 1), [re('__name__', '.+')])).toEqual([]);
  });

  it('seeks across chunks to the first sample at or after t', async () => {
    const b = await writeAndOpen(series, 20);
    const s = series[0]!;
    const [sel] = [...b.querier(-Infinity, Infinity).select(Object.entries(s.labels).map(([k, v]) => eq(k, v)))];
    for (const target of [s.samples[0]!.t, s.samples[57]!.t, s.samples[57]!.t + 1, s.samples[300]!.t - 1]) {
      const it = sel!.samples();
      expect(it.seek(target)).toBe(true);
      expect(it.at()).toEqual(s.samples.find((x) => x.t >= target));
      expect(it.seek(target - 100_000)).toBe(true); // never moves backwards
      expect(it.at()).toEqual(s.samples.find((x) => x.t >= target));
      expect(it.next()).toBe(true);
      expect(it.at()).toEqual(s.samples[s.samples.findIndex((x) => x.t >= target) + 1]);
    }
    const it = sel!.samples();
    expect(it.seek(s.samples[s.samples.length - 1]!.t + 1)).toBe(false);
    expect(it.next()).toBe(false);
  });

  it('lists label names and values, with and without matchers', async () => {
    const b = await writeAndOpen(series);
    const q = b.querier(-Infinity, Infinity);
    expect(q.labelNames()).toEqual(['__name__', 'code', 'instance', 'job']);
    expect(q.labelValues('job')).toEqual(['api', 'cache', 'db', 'ünïcode']);
    expect(q.labelValues('code', [eq('job', 'db')])).toEqual(['200']);
    expect(q.labelNames([eq('__name__', 'node_load1')])).toEqual(['__name__', 'instance', 'job']);
    expect(q.labelValues('nope')).toEqual([]);
    expect(b.querier(0, 1).labelValues('job')).toEqual([]);
  });

  it('throws the same MatcherError the head does on an invalid regular expression', async () => {
    const b = await writeAndOpen(series);
    expect(() => b.querier(0, Infinity).select([re('job', '(')])).toThrow(/invalid regular expression "\("/);
  });
});

describe('tombstones', () => {
  const series = makeSeries(START, 15_000, 480, 5);

  it('hides deleted samples now, after reopening, and in promtool dump', async () => {
    const b = await writeAndOpen(series);
    const from = START + 30 * 60_000;
    const to = START + 50 * 60_000;
    const r = await b.delete([eq('job', 'db')], from, to);
    expect(r).toEqual({ ok: true, value: 6 });
    expect(b.meta.stats.numTombstones).toBe(6);
    const deletedFrom = (s: TestSeries): TestSeries =>
      s.labels.job === 'db' ? { ...s, samples: s.samples.filter((x) => x.t < from || x.t > to) } : s;
    const want = expected(series.map(deletedFrom), [], -Infinity, Infinity);
    expect(selectAll(b.querier(-Infinity, Infinity), [re('__name__', '.+')])).toEqual(want);

    await b.close();
    opened = [];
    const again = await openBlock(b.dir);
    if (!again.ok) throw again.error;
    opened.push(again.value);
    expect(selectAll(again.value.querier(-Infinity, Infinity), [re('__name__', '.+')])).toEqual(want);

    const dumped = await dumpWithPromtool(dir);
    for (const s of want) expect(dumped.get(promtoolKey(s.labels))).toEqual(s.samples);
  });

  it('drops a series whose samples in range are all deleted', async () => {
    const b = await writeAndOpen(series);
    expect(await b.delete([eq('job', 'ünïcode')], -Infinity, Infinity)).toEqual({ ok: true, value: 1 });
    expect(selectAll(b.querier(-Infinity, Infinity), [eq('__name__', 'up')])).toEqual([]);
    expect(await b.delete([eq('job', 'api')], START, START + 3600_000)).toEqual({ ok: true, value: 6 });
    const q = b.querier(START, START + 3600_000);
    expect(selectAll(q, [eq('job', 'api')])).toEqual([]);
    expect(
      selectAll(b.querier(START, START + 3600_000 + 1), [eq('job', 'api')]).every((s) => s.samples.length <= 1),
    ).toBe(true);
  });
});

describe('damaged blocks', () => {
  const series = makeSeries(START, 15_000, 100, 9);

  /** A byte inside the first series entry: the TOC's second field says where the series section starts. */
  function seriesByte(_len: number, bytes?: Uint8Array): number {
    const view = new DataView(bytes!.buffer, bytes!.byteOffset, bytes!.byteLength);
    const sectionStart = Number(view.getBigUint64(bytes!.length - 52 + 8));
    return Math.ceil(sectionStart / 16) * 16 + 3; // each series is 16-byte aligned
  }

  async function corrupt(file: string, at: (len: number, bytes?: Uint8Array) => number): Promise<void> {
    const bytes = await readFile(file);
    const i = at(bytes.length, bytes);
    bytes[i] = bytes[i]! ^ 0x40;
    await writeFile(file, bytes);
  }

  const targets: [string, string, (len: number, bytes?: Uint8Array) => number, RegExp][] = [
    ['index magic', 'index', () => 1, /index: byte 0: bad magic 0xbae/],
    ['index symbol table', 'index', () => 20, /index: byte 9: symbol table: checksum mismatch/],
    ['index TOC', 'index', (n) => n - 10, /index: byte \d+: TOC: checksum mismatch/],
    ['a series entry', 'index', seriesByte, /index: byte \d+: series \d+: checksum mismatch/],
    ['chunk data', 'chunks/000001', () => 40, /chunks\/000001: byte 8: chunk 8: checksum mismatch/],
    ['chunk segment magic', 'chunks/000001', () => 0, /chunks\/000001: byte 0: bad magic/],
    ['tombstones', 'tombstones', () => 2, /tombstones: byte 0: bad magic/],
  ];

  it.each(targets)('refuses a block with damaged %s, naming file and offset', async (_what, file, at, message) => {
    const w = await writeBlock(dir, toBlockInput(series));
    if (!w.ok) throw w.error;
    const blockDir = join(dir, w.value!.ulid);
    await corrupt(join(blockDir, file), at);
    const r = await openBlock(blockDir);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain(`block ${blockDir} is unreadable: ${blockDir}/`);
      expect(r.error.message).toMatch(message);
    }
  });

  it('refuses a truncated index and an invalid meta.json', async () => {
    const w = await writeBlock(dir, toBlockInput(series));
    if (!w.ok) throw w.error;
    const blockDir = join(dir, w.value!.ulid);
    await writeFile(join(blockDir, 'index'), (await readFile(join(blockDir, 'index'))).subarray(0, 30));
    expect((await openBlock(blockDir)).ok).toBe(false);
    await writeFile(join(blockDir, 'meta.json'), '{"ulid": "x", "version": 1}');
    const r = await openBlock(blockDir);
    expect(r.ok ? '' : r.error.message).toMatch(/meta.json: ulid: expected a ULID.*; minTime: /);
  });

  it('skips the damaged block and opens the others', async () => {
    const good = await writeBlock(dir, toBlockInput(series));
    const bad = await writeBlock(dir, toBlockInput(makeSeries(START + 7200_000, 15_000, 100, 1)));
    if (!good.ok || !bad.ok) throw new Error('write failed');
    await corrupt(join(dir, bad.value!.ulid, 'index'), (n) => n - 60);
    const { blocks, problems } = await openBlocks(dir);
    opened.push(...blocks);
    expect(blocks.map((b) => b.meta.ulid)).toEqual([good.value!.ulid]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(join(dir, bad.value!.ulid));
  });
});

describe('blocks written by Prometheus', () => {
  it('reads what promtool create-blocks-from openmetrics wrote, sample for sample', async () => {
    const series = makeSeries(START, 15_000, 600, 21);
    const lines: string[] = [];
    const byName = new Map<string, TestSeries[]>();
    for (const s of series) byName.set(s.labels.__name__!, [...(byName.get(s.labels.__name__!) ?? []), s]);
    for (const [name, list] of byName) {
      const type = name.endsWith('_total') ? 'counter' : 'gauge';
      const family = type === 'counter' ? name.slice(0, -'_total'.length) : name;
      lines.push(`# TYPE ${family} ${type}`);
      for (const s of list) {
        const labels = Object.entries(s.labels)
          .filter(([k]) => k !== '__name__')
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        for (const x of s.samples) lines.push(`${name}{${labels.join(',')}} ${x.v} ${x.t / 1000}`);
      }
    }
    lines.push('# EOF', '');
    const om = join(dir, 'input.om');
    await writeFile(om, lines.join('\n'));
    const out = join(dir, 'prom');
    const { promtool } = await import('./testing/promtool.js');
    await promtool('tsdb', 'create-blocks-from', 'openmetrics', om, out);

    const { blocks, problems } = await openBlocks(out);
    opened.push(...blocks);
    expect(problems).toEqual([]);
    expect(blocks.length).toBeGreaterThan(1); // 2.5 h of data spans two 2 h-aligned blocks
    const ours = new Map<string, { t: number; v: number }[]>();
    for (const b of blocks) {
      for (const s of b.querier(-Infinity, Infinity).select([re('__name__', '.+')])) {
        const k = promtoolKey(s.labels);
        ours.set(k, [...(ours.get(k) ?? []), ...drain(s.samples())]);
      }
    }
    const theirs = await dumpWithPromtool(out);
    expect(ours.size).toBe(series.length);
    expect(ours).toEqual(theirs);
    for (const s of series) expect(ours.get(promtoolKey(s.labels))).toEqual(s.samples);
  });
});

describe('closed blocks', () => {
  it('end iteration with a logged error instead of reading through a stale descriptor', async () => {
    const w = await writeBlock(dir, toBlockInput(makeSeries(START, 15_000, 200, 3)));
    if (!w.ok) throw w.error;
    const lines: string[] = [];
    const { createLogger } = await import('../../log/logger.js');
    const r = await openBlock(join(dir, w.value!.ulid), {
      logger: createLogger({ level: 'error', format: 'json', write: (l) => lines.push(l) }),
    });
    if (!r.ok) throw r.error;
    const [s] = r.value.querier(-Infinity, Infinity).select([eq('__name__', 'node_load1'), eq('job', 'db')]);
    await r.value.close();
    expect(drain(s!.samples())).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('after the block was closed');
  });
});
