import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SourceSample } from '../source.js';
import { SCRAPE_ACCEPT_HEADER } from './content-type.js';
import { ScrapeTarget, type ScrapeTargetOptions } from './scrape-target.js';
import { isStaleNaN, STALE_NAN } from './stale-nan.js';
import { scrapeTlsAgent } from './scrape-tls.js';
import { localServers } from './testing/local-servers.js';
import { selfSignedCertificate } from '../../../test/support/kubelet-server.js';

type Handler = (res: ServerResponse, headers: IncomingHttpHeaders) => void;

const servers = localServers();

/** A local exporter whose answer the test changes between scrapes. */
async function exporter(): Promise<{ url: string; respond: (h: Handler) => void; requests: IncomingHttpHeaders[]; server: Server }> {
  let handler: Handler = (res) => res.end('');
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    handler(res, req.headers);
  });
  const port = await servers.listen(server);
  return { url: `http://127.0.0.1:${port}/metrics`, respond: (h) => (handler = h), requests, server };
}

const text =
  (body: string): Handler =>
  (res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(body);
  };

/** A clock that moves 10 ms each time it is read, from 1_000_000. */
function steppingClock(): () => number {
  let t = 1_000_000;
  return () => (t += 10);
}

const target = (url: string, extra: Partial<ScrapeTargetOptions> = {}) =>
  new ScrapeTarget({ url, job: 'node', timeoutMs: 2_000, clock: steppingClock(), ...extra });

const byName = (samples: readonly SourceSample[], name: string) => samples.filter((s) => s.labels.__name__ === name);
const report = (samples: readonly SourceSample[], name: string) => byName(samples, name)[0]?.value;

describe('ScrapeTarget', () => {
  it('scrapes with target labels, scrape time, report series and the Prometheus Accept header', async () => {
    const ex = await exporter();
    ex.respond(text('# TYPE a gauge\na{x="1"} 5\na{x="2"} 6 1234\n'));
    const t = target(ex.url);
    const c = await t.collect();
    const instance = new URL(ex.url).host;
    expect(byName(c.samples, 'a')).toEqual([
      { labels: { __name__: 'a', x: '1', job: 'node', instance }, value: 5, t: 1_000_010 },
      { labels: { __name__: 'a', x: '2', job: 'node', instance }, value: 6, t: 1234 },
    ]);
    expect(report(c.samples, 'up')).toBe(1);
    expect(report(c.samples, 'scrape_samples_scraped')).toBe(2);
    expect(report(c.samples, 'scrape_samples_post_metric_relabeling')).toBe(2);
    expect(report(c.samples, 'scrape_series_added')).toBe(2);
    expect(report(c.samples, 'scrape_duration_seconds')).toBe(0.01);
    expect(byName(c.samples, 'up')[0]?.labels).toEqual({ __name__: 'up', job: 'node', instance });
    expect(c.metadata).toEqual([{ name: 'a', type: 'gauge', help: '' }]);
    expect(c.problems).toEqual([]);
    expect(ex.requests[0]?.accept).toBe(SCRAPE_ACCEPT_HEADER);
    expect(ex.requests[0]?.['x-prometheus-scrape-timeout-seconds']).toBe('2');
    expect(t.health.health).toBe('up');
  });

  it('marks series stale when they disappear, and everything stale when the scrape fails', async () => {
    const ex = await exporter();
    ex.respond(text('a{x="1"} 1\na{x="2"} 2\n'));
    const t = target(ex.url);
    await t.collect();
    ex.respond(text('a{x="1"} 1\na{x="3"} 3\n'));
    const second = await t.collect();
    const stale = second.samples.filter((s) => isStaleNaN(s.value));
    expect(stale.map((s) => s.labels.x)).toEqual(['2']);
    expect(report(second.samples, 'scrape_series_added')).toBe(1);

    ex.respond((res) => {
      res.statusCode = 503;
      res.end('overloaded');
    });
    const third = await t.collect();
    expect(
      third.samples
        .filter((s) => isStaleNaN(s.value))
        .map((s) => s.labels.x)
        .sort(),
    ).toEqual(['1', '3']);
    expect(report(third.samples, 'up')).toBe(0);
    expect(third.problems).toEqual([
      { source: 'scrape', place: ex.url, message: 'server returned HTTP status 503 Service Unavailable' },
    ]);
    expect(t.health).toMatchObject({
      health: 'down',
      lastError: 'server returned HTTP status 503 Service Unavailable',
    });

    // A series with its own timestamp is never marked stale.
    ex.respond(text('a{x="1"} 1\nts_series 5 1234\n'));
    await t.collect();
    ex.respond(text('a{x="1"} 1\n'));
    const fourth = await t.collect();
    expect(fourth.samples.filter((s) => isStaleNaN(s.value))).toEqual([]);
    expect(report(fourth.samples, 'scrape_series_added')).toBe(0);

    // The target goes away: its report series go stale too.
    const gone = t.dispose(5);
    expect(gone.map((s) => s.labels.__name__).sort()).toEqual([
      'a',
      'scrape_duration_seconds',
      'scrape_samples_post_metric_relabeling',
      'scrape_samples_scraped',
      'scrape_series_added',
      'up',
    ]);
    expect(gone.every((s) => isStaleNaN(s.value) && s.t === 5)).toBe(true);
  });

  it('reads gzip and OpenMetrics with exemplars and second timestamps', async () => {
    const ex = await exporter();
    ex.respond((res, headers) => {
      expect(headers['accept-encoding']).toContain('gzip');
      res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync('# TYPE r counter\nr_total 3 1700000000.5 # {trace_id="t1"} 1\n# EOF\n'));
    });
    const c = await target(ex.url).collect();
    expect(byName(c.samples, 'r_total')[0]).toMatchObject({
      value: 3,
      t: 1_700_000_000_500,
      exemplar: { labels: { trace_id: 't1' } },
    });
  });

  it('fails the scrape on a bad exposition, with the line in the message', async () => {
    const ex = await exporter();
    ex.respond(text('ok 1\nbad{ 1\n'));
    const c = await target(ex.url).collect();
    expect(report(c.samples, 'up')).toBe(0);
    expect(c.problems[0]?.message).toBe('invalid exposition: line 2: expected label name, got "1" at column 6');
  });

  it('says why a target could not be reached, not only that fetch failed', async () => {
    const ex = await exporter();
    const port = new URL(ex.url).port;
    await servers.close(ex.server);
    const c = await target(ex.url).collect();
    expect(report(c.samples, 'up')).toBe(0);
    expect(c.problems[0]?.message).toBe(`scrape failed: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('scrapes https targets: verified by default, with a CA file, or with insecureSkipVerify', async () => {
    const cert = selfSignedCertificate();
    const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('secure_up 1\n');
    });
    const url = `https://127.0.0.1:${await servers.listen(server)}/metrics`;

    const verified = await target(url).collect();
    expect(report(verified.samples, 'up')).toBe(0);
    expect(verified.problems[0]?.message).toMatch(/^scrape failed: fetch failed: self[- ]signed certificate/);

    const caFile = join(tmpdir(), `kp-scrape-ca-${process.pid}.pem`);
    await writeFile(caFile, cert.cert);
    for (const tls of [{ caFile }, { insecureSkipVerify: true }]) {
      const agent = scrapeTlsAgent(tls);
      if (!agent.ok || !agent.value) throw new Error('no agent');
      const c = await target(url, { transport: agent.value }).collect();
      expect(report(c.samples, 'up')).toBe(1);
      expect(report(c.samples, 'secure_up')).toBe(1);
      agent.value.destroy();
    }
    const missing = scrapeTlsAgent({ caFile: join(tmpdir(), 'no-such-ca.pem') });
    expect(missing.ok ? '' : missing.error.message).toMatch(/^cannot read CA file .*no-such-ca\.pem: ENOENT$/);
    expect(scrapeTlsAgent({})).toEqual({ ok: true, value: undefined });
  });

  it('enforces timeout, body size, sample and label limits', async () => {
    const ex = await exporter();
    ex.respond(text('a{x="1"} 1\na{x="2"} 2\na{x="3",y="long value"} 3\n'));
    const msg = async (o: Partial<ScrapeTargetOptions>) => (await target(ex.url, o).collect()).problems[0]?.message;
    expect(await msg({ sampleLimit: 2 })).toBe('sample_limit exceeded: 3 samples, limit is 2');
    expect(await msg({ bodyLimitBytes: 20 })).toBe('body size limit exceeded: more than 20 bytes');
    expect(await msg({ labelLimit: 4 })).toBe('label_limit exceeded: "a" has 5 labels, limit is 4');
    expect(await msg({ labelValueLengthLimit: 5 })).toMatch(/^label_value_length_limit exceeded: value of "instance"/);
    expect(await msg({ sampleLimit: 3 })).toBeUndefined();

    ex.respond(() => undefined); // never answers
    expect(await msg({ timeoutMs: 100 })).toBe('scrape timed out after 100ms');
  });

  it('renames conflicting exposed labels unless honor_labels, and applies metric relabelling', async () => {
    const ex = await exporter();
    ex.respond(text('a{job="app",exported_job="older"} 1\nb 2\n'));
    const plain = await target(ex.url).collect();
    expect(byName(plain.samples, 'a')[0]?.labels).toMatchObject({
      job: 'node',
      exported_job: 'older',
      exported_exported_job: 'app',
    });
    const honored = await target(ex.url, { honorLabels: true }).collect();
    expect(byName(honored.samples, 'a')[0]?.labels.job).toBe('app');
    const relabelled = await target(ex.url, {
      metricRelabel: (l) => (l.__name__ === 'b' ? undefined : { ...l, team: 'x' }),
    }).collect();
    expect(byName(relabelled.samples, 'b')).toEqual([]);
    expect(byName(relabelled.samples, 'a')[0]?.labels.team).toBe('x');
    expect(report(relabelled.samples, 'scrape_samples_scraped')).toBe(2);
    expect(report(relabelled.samples, 'scrape_samples_post_metric_relabeling')).toBe(1);
  });
});

describe('STALE_NAN', () => {
  it('is the Prometheus bit pattern and survives being stored in an array of doubles', () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, STALE_NAN);
    expect([view.getUint32(0), view.getUint32(4)]).toEqual([0x7ff00000, 2]);
    expect(isStaleNaN(new Float64Array([STALE_NAN])[0] as number)).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
    expect(isStaleNaN(1)).toBe(false);
  });
});
