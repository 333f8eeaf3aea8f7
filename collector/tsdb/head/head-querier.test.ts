import { describe, expect, it } from 'vitest';
import type { Labels } from '../interface.js';
import { canonicalPairs, compareLabelPairs } from '../labels/label-set.js';
import { Head } from './head.js';
import { HeadAppender } from './head-appender.js';
import { HeadQuerier } from './head-querier.js';

async function append(head: Head, rows: ReadonlyArray<readonly [Labels, number, number]>): Promise<void> {
  const app = new HeadAppender(head, undefined);
  for (const [l, t, v] of rows) {
    const r = app.append(l, t, v);
    if (!r.ok) throw r.error;
  }
  await app.commit();
}

/** Deterministic label values, some past U+D800 where UTF-16 and UTF-8 orders differ. */
function labelsOf(i: number): Labels {
  const odd = ['a', 'b\u{1F600}', 'b\uFF61', 'Z', ''];
  return {
    __name__: 'm',
    pod: `p-${(i * 7919) % 1000}`,
    zone: odd[i % odd.length]!,
    ...(i % 3 === 0 ? { extra: String(i % 11) } : {}),
  };
}

function expectSorted(labels: readonly Labels[]): void {
  const pairs = labels.map((l) => canonicalPairs(l));
  const sorted = [...pairs].sort(compareLabelPairs);
  expect(pairs).toEqual(sorted);
}

const select = (head: Head, minT = 0, maxT = 1e12) =>
  new HeadQuerier(head, minT, maxT).select([{ type: '=', name: '__name__', value: 'm' }]);

describe('HeadQuerier.select order', () => {
  it('sorts by labels in UTF-8 order, before and after series are added', async () => {
    const head = new Head();
    await append(head, Array.from({ length: 600 }, (_, i) => [labelsOf(i), 1000, i] as const));
    for (let round = 0; round < 3; round++) {
      const got = select(head);
      expect(got).toHaveLength(600);
      expectSorted(got.map((s) => s.labels));
    }
    // New series: the cached order does not know them.
    for (let round = 0; round < 8; round++) {
      await append(head, [[{ ...labelsOf(round), pod: `new-${round}` }, 2000, 0]]);
      const got = select(head);
      expect(got).toHaveLength(601 + round);
      expect(got.map((s) => s.labels.pod)).toContain(`new-${round}`);
      expectSorted(got.map((s) => s.labels));
    }
  });

  it('builds labels from the interned ids, sorted keys, empty values dropped', async () => {
    const head = new Head();
    await append(head, [[{ zone: 'z', __name__: 'm', a: '', job: 'j' }, 1, 1]]);
    const [s] = select(head);
    expect(Object.keys(s!.labels)).toEqual(['__name__', 'job', 'zone']);
    expect(s!.labels).toEqual({ __name__: 'm', job: 'j', zone: 'z' });
  });
});

describe('HeadQuerier samples', () => {
  it('reads completed chunks in place and keeps a snapshot of the growing chunk', async () => {
    const head = new Head();
    // 200 samples: one completed chunk (120) and a growing one, within the head's 1 h window.
    const ts = Array.from({ length: 200 }, (_, i) => i * 15_000);
    await append(
      head,
      ts.flatMap((t) => [[{ __name__: 'm', k: 'a' }, t, t / 7] as const, [{ __name__: 'm', k: 'b' }, t, -t] as const]),
    );
    const [a, b] = select(head);
    const itA = a!.samples();
    const itB = b!.samples();
    // Later appends cut the head chunks and hand their buffers to other series.
    const later = Array.from({ length: 400 }, (_, i) => 200 * 15_000 + i * 15_000);
    await append(
      head,
      later.flatMap((t) => [[{ __name__: 'm', k: 'a' }, t, 1] as const, [{ __name__: 'm', k: 'c' }, t, 2] as const]),
    );
    const read = (it: typeof itA) => {
      const out: Array<[number, number]> = [];
      while (it.next()) out.push([it.t, it.v]);
      return out;
    };
    expect(read(itA)).toEqual(ts.map((t) => [t, t / 7]));
    expect(read(itB)).toEqual(ts.map((t) => [t, -t]));
  });

  it('limits samples to the querier range across chunk boundaries', async () => {
    const head = new Head();
    const ts = Array.from({ length: 500 }, (_, i) => i * 15_000);
    await append(head, ts.map((t) => [{ __name__: 'm' }, t, t] as const));
    const [s] = select(head, 1_000_000, 6_000_000);
    const it = s!.samples();
    const got: number[] = [];
    while (it.next()) got.push(it.t);
    expect(got).toEqual(ts.filter((t) => t >= 1_000_000 && t <= 6_000_000));
  });
});
