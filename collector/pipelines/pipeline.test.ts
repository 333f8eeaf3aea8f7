import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.js';
import type { Collection, Source } from '../sources/source.js';
import { isStaleNaN } from '../tsdb/index.js';
import { recordingAppendable as recordingStore } from '../tsdb/testing/recording-appendable.js';
import { createPipeline } from './pipeline.js';

/** A source that yields the given series names with value 1, changeable between collections. */
function namedSource(name: string, series: string[]): Source & { series: string[] } {
  const s = {
    name,
    series,
    collect(): Promise<Collection> {
      const labels = (n: string): Record<string, string> => (n === 'y' ? { __name__: n, note: 'þÿ\u00fe=",{}' } : { __name__: n });
      return Promise.resolve({ samples: s.series.map((n) => ({ labels: labels(n), value: 1 })), metadata: [], problems: [] });
    },
  };
  return s;
}

const logger = createLogger({ level: 'error', format: 'json', write: () => {} });

describe('pipeline', () => {
  it('labels each source with its own target labels and stamps every sample of a cycle with one time', async () => {
    const store = recordingStore();
    const p = createPipeline({
      name: 'resource',
      sources: [
        { source: namedSource('procfs', ['node_cpu']), targetLabels: { job: 'node', instance: 'n1' } },
        { source: namedSource('cgroup', ['container_cpu']), targetLabels: { job: 'cadvisor', instance: 'n1', node: 'n1' } },
      ],
      intervalMs: 15_000,
      appendable: store,
      logger,
      registry: new Registry(),
      targetLabels: { cluster: 'kind' },
    });
    await p.collectOnce(1000);
    const byName = new Map(store.committed.map((a) => [a.labels.__name__, a]));
    expect(byName.get('node_cpu')).toEqual({ labels: { __name__: 'node_cpu', cluster: 'kind', job: 'node', instance: 'n1' }, t: 1000, v: 1 });
    expect(byName.get('container_cpu')?.labels).toEqual({ __name__: 'container_cpu', cluster: 'kind', job: 'cadvisor', instance: 'n1', node: 'n1' });
    expect([...p.latest().keys()].sort()).toEqual(['cgroup', 'procfs']);
  });

  it('marks a series stale when its source stops reporting it, and only that source\'s series', async () => {
    const store = recordingStore();
    const a = namedSource('a', ['x', 'y']);
    const b = namedSource('b', ['z']);
    const p = createPipeline({ name: 'full', sources: [a, b], intervalMs: 30_000, appendable: store, logger, registry: new Registry() });
    await p.collectOnce(1000);
    a.series = ['x'];
    await p.collectOnce(2000);
    const at2000 = store.committed.filter((s) => s.t === 2000);
    const stale = at2000.filter((s) => isStaleNaN(s.v)).map((s) => s.labels);
    // The marker carries exactly the series' labels, whatever characters its values hold.
    expect(stale).toEqual([{ __name__: 'y', note: 'þÿ\u00fe=",{}' }]);
    expect(at2000.filter((s) => !isStaleNaN(s.v)).map((s) => s.labels.__name__).sort()).toEqual(['x', 'z']);
  });

  it('hands the same label object downstream for the same source object, and finds the gone one among kept objects', async () => {
    const store = recordingStore();
    // A source that keeps its label objects between collections, as the cgroup source does (SeriesLabels).
    const kept = [1, 2, 3].map((i) => ({ __name__: 'container_cpu', id: `/c${i}` }));
    let current = kept;
    const source: Source = {
      name: 'cgroup',
      collect: () => Promise.resolve({ samples: current.map((labels) => ({ labels, value: 1 })), metadata: [], problems: [] }),
    };
    const p = createPipeline({
      name: 'full',
      sources: [{ source, targetLabels: { job: 'cadvisor' } }],
      intervalMs: 30_000,
      appendable: store,
      logger,
      registry: new Registry(),
    });
    await p.collectOnce(1000);
    await p.collectOnce(2000);
    const first = store.committed.filter((s) => s.t === 1000).map((s) => s.labels);
    const second = store.committed.filter((s) => s.t === 2000).map((s) => s.labels);
    expect(first[0]).toEqual({ __name__: 'container_cpu', id: '/c1', job: 'cadvisor' });
    second.forEach((l, i) => expect(l).toBe(first[i]));
    // /c2 goes; /c3 comes back as a new object with the same content: only /c2 is stale.
    current = [kept[0] as (typeof kept)[number], { __name__: 'container_cpu', id: '/c3' }];
    await p.collectOnce(3000);
    const at3000 = store.committed.filter((s) => s.t === 3000);
    expect(at3000.filter((s) => isStaleNaN(s.v)).map((s) => s.labels.id)).toEqual(['/c2']);
    expect(at3000.filter((s) => !isStaleNaN(s.v)).map((s) => s.labels.id)).toEqual(['/c1', '/c3']);
  });

  it('passes on, uncopied, a label object that already carries the target labels, and copies one that differs', async () => {
    const store = recordingStore();
    const target = { job: 'cadvisor', instance: 'n1', node: 'n1' };
    // As SeriesLabels makes them with constLabels: the series' labels, then the target's.
    const carried = { __name__: 'container_cpu', id: '/c1', ...target };
    const otherNode = { __name__: 'container_cpu', id: '/c2', ...target, node: 'n2' };
    const source: Source = {
      name: 'cgroup',
      collect: () => Promise.resolve({ samples: [carried, otherNode].map((labels) => ({ labels, value: 1 })), metadata: [], problems: [] }),
    };
    const p = createPipeline({ name: 'full', sources: [{ source, targetLabels: target }], intervalMs: 30_000, appendable: store, logger, registry: new Registry() });
    await p.collectOnce(1000);
    const [a, b] = store.committed.map((x) => x.labels);
    expect(a).toBe(carried);
    // The target label wins over the series' own, as for any source.
    expect(b).not.toBe(otherNode);
    expect(b).toEqual({ __name__: 'container_cpu', id: '/c2', job: 'cadvisor', instance: 'n1', node: 'n1' });
  });

  it('keeps collecting the other sources when one throws, and counts the problem per pipeline and source', async () => {
    const store = recordingStore();
    const registry = new Registry();
    const broken: Source = { name: 'broken', collect: () => Promise.reject(new Error('boom')) };
    const p = createPipeline({ name: 'full', sources: [broken, namedSource('ok', ['fine'])], intervalMs: 30_000, appendable: store, logger, registry });
    await p.collectOnce(1000);
    expect(store.committed.map((s) => s.labels.__name__)).toEqual(['fine']);
    const text = await registry.metrics();
    expect(text).toContain('kubepulse_source_errors_total{pipeline="full",source="broken"} 1');
    expect(text).toContain('kubepulse_source_samples{pipeline="full",source="ok"} 1');
  });
});
