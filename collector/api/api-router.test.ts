import express from 'express';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../promql/index.js';
import { QueryError, type QueryEngine } from '../promql/interface.js';
import { createMetadataStore, createRemoteWriteHandler, encodeWriteRequest, snappyCompress } from '../remote/index.js';
import { err, ok } from '../result.js';
import { openTsdb, type Tsdb } from '../tsdb/index.js';
import { createApiRouter, type ApiDeps } from './index.js';

const T0 = 1_700_000_000_000;
let db: Tsdb;
const servers: Server[] = [];

beforeAll(async () => {
  const opened = await openTsdb({});
  if (!opened.ok) throw opened.error;
  db = opened.value;
  const app = db.appender();
  for (let i = 0; i <= 10; i++) {
    const t = T0 + i * 15_000;
    app.append({ __name__: 'up', job: 'api', instance: 'a:1' }, t, 1);
    app.append({ __name__: 'up', job: 'node', instance: 'b:2' }, t, i % 2);
    app.append({ __name__: 'temp', room: 'lab' }, t, i === 10 ? Infinity : 20 + i / 10);
  }
  expect((await app.commit()).ok).toBe(true);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db.close();
});

async function serve(overrides: Partial<ApiDeps> = {}): Promise<string> {
  const app = express();
  app.use(createApiRouter({ engine: createEngine(db), queryable: db, clock: () => T0 + 150_000, ...overrides }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};
const postForm = async (url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text() };
};

describe('query endpoints', () => {
  it('answers an instant query with Prometheus’ exact JSON', async () => {
    const base = await serve();
    const r = await get(`${base}/api/v1/query?query=up{job="api"}&time=${(T0 + 20_123) / 1000}`);
    expect(r).toEqual({
      status: 200,
      text: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"a:1","job":"api"},"value":[1700000020.123,"1"]}]}}',
    });
  });

  it('uses the clock when time is absent, and writes +Inf, scalars and strings', async () => {
    const base = await serve();
    const inf = JSON.parse((await get(`${base}/api/v1/query?query=temp`)).text) as unknown;
    expect(inf).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { __name__: 'temp', room: 'lab' }, value: [1700000150, '+Inf'] }],
      },
    });
    expect((await get(`${base}/api/v1/query?query=NaN&time=10`)).text).toBe(
      '{"status":"success","data":{"resultType":"scalar","result":[10,"NaN"]}}',
    );
    expect((await get(`${base}/api/v1/query?query="hi"&time=10`)).text).toBe(
      '{"status":"success","data":{"resultType":"string","result":[10,"hi"]}}',
    );
  });

  it('answers range queries over GET and form POST alike', async () => {
    const base = await serve();
    const params = {
      query: 'up{job="node"}',
      start: String(T0 / 1000),
      end: String((T0 + 60_000) / 1000),
      step: '30s',
    };
    const viaGet = await get(`${base}/api/v1/query_range?${new URLSearchParams(params).toString()}`);
    const viaPost = await postForm(`${base}/api/v1/query_range`, { ...params, step: '30' });
    expect(viaGet.status).toBe(200);
    expect(viaPost.text).toBe(viaGet.text);
    expect(JSON.parse(viaGet.text)).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'up', instance: 'b:2', job: 'node' },
            values: [
              [1700000000, '0'],
              [1700000030, '0'],
              [1700000060, '0'],
            ],
          },
        ],
      },
    });
  });

  it('reports bad parameters as bad_data 400 with Prometheus’ wording', async () => {
    const base = await serve();
    const cases: [string, string][] = [
      [
        'query_range?query=up&start=1&end=0&step=1',
        'invalid parameter "end": end timestamp must not be before start time',
      ],
      [
        'query_range?query=up&start=0&end=1&step=0',
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      ],
      [
        'query_range?query=up&start=0&end=11001&step=1',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      ],
      ['query_range?query=up&start=x&end=1&step=1', 'invalid parameter "start": cannot parse "x" to a valid timestamp'],
      ['query_range?query=up&start=0&end=1&step=1x', 'invalid parameter "step": cannot parse "1x" to a valid duration'],
      [
        'query?query=up&time=yesterday',
        `invalid parameter "time": Invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`,
      ],
      ['query?query=up&timeout=soon', 'invalid parameter "timeout": cannot parse "soon" to a valid duration'],
    ];
    for (const [path, message] of cases) {
      const r = await get(`${base}/api/v1/${path}`);
      expect({ path, status: r.status, body: JSON.parse(r.text) as unknown }).toEqual({
        path,
        status: 400,
        body: { status: 'error', errorType: 'bad_data', error: message },
      });
    }
    // the parser's message is the engine's; the API passes it on unchanged as bad_data
    const parse = await get(`${base}/api/v1/query?query=up{`);
    expect([parse.status, JSON.parse(parse.text)]).toMatchObject([400, { status: 'error', errorType: 'bad_data' }]);
    expect((JSON.parse(parse.text) as { error: string }).error).toMatch(/^1:4: parse error: /);
    // exactly 11 000 points is still allowed
    expect((await get(`${base}/api/v1/query_range?query=up&start=0&end=11000&step=1`)).status).toBe(200);
  });

  it('maps every engine error kind to its status and passes warnings and infos through', async () => {
    const kinds = [
      ['execution', 422],
      ['timeout', 503],
      ['canceled', 499],
      ['internal', 500],
      ['bad_data', 400],
    ] as const;
    for (const [kind, status] of kinds) {
      const engine: QueryEngine = {
        instantQuery: () => Promise.resolve(err(new QueryError(kind, `${kind} happened`))),
        rangeQuery: () => Promise.resolve(err(new QueryError(kind, `${kind} happened`))),
      };
      const base = await serve({ engine });
      const r = await get(`${base}/api/v1/query?query=x`);
      expect([r.status, JSON.parse(r.text)]).toEqual([
        status,
        { status: 'error', errorType: kind, error: `${kind} happened` },
      ]);
    }
    const warned: QueryEngine = {
      instantQuery: (_e, t) =>
        Promise.resolve(ok({ value: { type: 'scalar', t, v: 1 }, warnings: ['w1'], infos: ['i1'] })),
      rangeQuery: () => Promise.resolve(ok({ value: { type: 'matrix', series: [] }, warnings: [], infos: [] })),
    };
    const base = await serve({ engine: warned });
    expect((await get(`${base}/api/v1/query?query=1&time=1`)).text).toBe(
      '{"status":"success","data":{"resultType":"scalar","result":[1,"1"]},"warnings":["w1"],"infos":["i1"]}',
    );
    expect((await get(`${base}/api/v1/query_range?query=1&start=1&end=2&step=1`)).text).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[]}}',
    );
  });

  it('passes timeout and lookback_delta to the engine', async () => {
    let seen: { lookback?: number; aborted?: boolean } = {};
    const engine: QueryEngine = {
      instantQuery: async (_e, t, o) => {
        await new Promise((r) => setTimeout(r, 50));
        seen = { lookback: o?.lookbackDeltaMs, aborted: o?.signal?.aborted };
        return ok({ value: { type: 'scalar', t, v: 1 }, warnings: [], infos: [] });
      },
      rangeQuery: () => Promise.reject(new Error('unused')),
    };
    const base = await serve({ engine });
    await get(`${base}/api/v1/query?query=1&lookback_delta=1m&timeout=0.01`);
    expect(seen).toEqual({ lookback: 60_000, aborted: true });
    const slow: QueryEngine = {
      instantQuery: async (_e, _t, o) => {
        await new Promise((r) => setTimeout(r, 50));
        return err(new QueryError(o?.signal?.aborted ? 'canceled' : 'internal', 'query was canceled'));
      },
      rangeQuery: () => Promise.reject(new Error('unused')),
    };
    const timedOut = await get(`${await serve({ engine: slow })}/api/v1/query?query=1&timeout=10ms`);
    expect([timedOut.status, JSON.parse(timedOut.text)]).toEqual([
      503,
      { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' },
    ]);
    await get(`${base}/api/v1/query?query=1`);
    expect(seen).toEqual({ lookback: undefined, aborted: false });
  });

  it('formats queries through the injected formatter and answers empty exemplars', async () => {
    const base = await serve({
      formatQuery: (q) =>
        q.includes('(') ? err(new QueryError('bad_data', '1:1: parse error: unclosed')) : ok(q.replace(/\s+/g, '')),
    });
    expect(JSON.parse((await get(`${base}/api/v1/format_query?query=up  {  }`)).text)).toEqual({
      status: 'success',
      data: 'up{}',
    });
    expect(JSON.parse((await get(`${base}/api/v1/format_query?query=(`)).text)).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "query": 1:1: parse error: unclosed',
    });
    expect(JSON.parse((await get(`${base}/api/v1/query_exemplars?query=up`)).text)).toEqual({
      status: 'success',
      data: [],
    });
  });
});

describe('series, labels and metadata', () => {
  it('lists series matching any match[], sorted, within start/end', async () => {
    const base = await serve();
    const r = await postForm(`${base}/api/v1/series`, { 'match[]': ['up{job="node"}', 'temp'] });
    expect(JSON.parse(r.text)).toEqual({
      status: 'success',
      data: [
        { __name__: 'temp', room: 'lab' },
        { __name__: 'up', instance: 'b:2', job: 'node' },
      ],
    });
    const none = await get(`${base}/api/v1/series?match[]=up&start=${T0 / 1000 + 1000}&end=${T0 / 1000 + 2000}`);
    expect(JSON.parse(none.text)).toEqual({ status: 'success', data: [] });
    const missing = await get(`${base}/api/v1/series`);
    expect([missing.status, JSON.parse(missing.text)]).toEqual([
      400,
      { status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' },
    ]);
    const bad = await get(`${base}/api/v1/series?match[]=${encodeURIComponent('{job=""}')}`);
    expect(JSON.parse(bad.text)).toMatchObject({
      errorType: 'bad_data',
      error:
        'invalid parameter "match[]": 1:1: parse error: vector selector must contain at least one non-empty matcher',
    });
  });

  it('reads match[] even when the main app already parsed the form with qs', async () => {
    const app = express();
    app.use(express.urlencoded({ extended: true }));
    app.use(createApiRouter({ engine: createEngine(db), queryable: db }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const addr = server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const r = await postForm(`${base}/api/v1/series`, { 'match[]': ['temp', 'up{job="api"}'] });
    expect(JSON.parse(r.text)).toMatchObject({
      status: 'success',
      data: [{ __name__: 'temp' }, { __name__: 'up', job: 'api' }],
    });
  });

  it('lists label names and values, filtered by match[] and cut by limit with a warning', async () => {
    const base = await serve();
    expect(JSON.parse((await get(`${base}/api/v1/labels`)).text)).toEqual({
      status: 'success',
      data: ['__name__', 'instance', 'job', 'room'],
    });
    expect(JSON.parse((await get(`${base}/api/v1/labels?match[]=temp`)).text)).toEqual({
      status: 'success',
      data: ['__name__', 'room'],
    });
    expect(JSON.parse((await get(`${base}/api/v1/label/job/values`)).text)).toEqual({
      status: 'success',
      data: ['api', 'node'],
    });
    expect(JSON.parse((await get(`${base}/api/v1/label/__name__/values?match[]={job="api"}`)).text)).toEqual({
      status: 'success',
      data: ['up'],
    });
    expect(JSON.parse((await get(`${base}/api/v1/label/job/values?limit=1`)).text)).toEqual({
      status: 'success',
      data: ['api'],
      warnings: ['results truncated due to limit'],
    });
    expect(JSON.parse((await get(`${base}/api/v1/label/bad-name/values`)).text)).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid label name: "bad-name"',
    });
    expect(JSON.parse((await get(`${base}/api/v1/labels?limit=-1`)).text)).toMatchObject({
      error: 'invalid parameter "limit": limit must be non-negative',
    });
  });

  it('serves metadata received by remote write, with metric and limit filters', async () => {
    const metadata = createMetadataStore();
    metadata.add([
      { type: 'counter', metricFamilyName: 'http_requests_total', help: 'Requests.', unit: '' },
      { type: 'gauge', metricFamilyName: 'temp', help: 'Temperature.', unit: 'celsius' },
    ]);
    const base = await serve({ metadata: [metadata] });
    expect(JSON.parse((await get(`${base}/api/v1/metadata`)).text)).toEqual({
      status: 'success',
      data: {
        http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }],
        temp: [{ type: 'gauge', help: 'Temperature.', unit: 'celsius' }],
      },
    });
    expect((JSON.parse((await get(`${base}/api/v1/metadata?metric=temp`)).text) as { data: unknown }).data).toEqual({
      temp: [{ type: 'gauge', help: 'Temperature.', unit: 'celsius' }],
    });
    expect(
      Object.keys((JSON.parse((await get(`${base}/api/v1/metadata?limit=1`)).text) as { data: object }).data),
    ).toEqual(['http_requests_total']);
  });
});

describe('status, targets, rules and alerts', () => {
  it('serves build info, config, flags, runtime info, TSDB statistics and WAL replay', async () => {
    const base = await serve({
      config: () => 'global: {}\n',
      flags: () => ({ 'storage.tsdb.retention.time': '15d' }),
      storageRetention: '15d',
    });
    const data = async (p: string) =>
      (JSON.parse((await get(`${base}/api/v1/status/${p}`)).text) as { data: Record<string, unknown> }).data;
    expect(Object.keys(await data('buildinfo')).sort()).toEqual([
      'branch',
      'buildDate',
      'buildUser',
      'goVersion',
      'revision',
      'version',
    ]);
    expect(await data('config')).toEqual({ yaml: 'global: {}\n' });
    expect(await data('flags')).toEqual({ 'storage.tsdb.retention.time': '15d' });
    expect(await data('walreplay')).toEqual({ min: 0, max: 0, current: 0 });
    const rt = await data('runtimeinfo');
    expect(rt.storageRetention).toBe('15d');
    expect(rt.serverTime).toBe(new Date(T0 + 150_000).toISOString());
    const tsdb = await data('tsdb');
    expect(tsdb.headStats).toMatchObject({ numSeries: 3 });
    expect(tsdb.seriesCountByMetricName).toEqual([
      { name: 'up', value: 2 },
      { name: 'temp', value: 1 },
    ]);
    const limited = await get(`${base}/api/v1/status/tsdb?limit=1`);
    expect(
      (JSON.parse(limited.text) as { data: { seriesCountByMetricName: unknown[] } }).data.seriesCountByMetricName,
    ).toHaveLength(1);
  });

  it('serves targets, rules and alerts from providers, and valid empty lists without them', async () => {
    const empty = await serve();
    expect(JSON.parse((await get(`${empty}/api/v1/targets`)).text)).toEqual({
      status: 'success',
      data: { activeTargets: [], droppedTargets: [], droppedTargetCounts: {} },
    });
    expect(JSON.parse((await get(`${empty}/api/v1/rules`)).text)).toEqual({ status: 'success', data: { groups: [] } });
    expect(JSON.parse((await get(`${empty}/api/v1/alerts`)).text)).toEqual({ status: 'success', data: { alerts: [] } });

    const alert = {
      labels: { alertname: 'Down' },
      annotations: {},
      state: 'firing' as const,
      activeAt: '2023-11-14T22:13:20Z',
      value: '0e+00',
    };
    const base = await serve({
      rules: () => [
        {
          name: 'g',
          file: 'rules.yaml',
          interval: 15,
          limit: 0,
          evaluationTime: 0.001,
          lastEvaluation: '2023-11-14T22:13:20Z',
          rules: [
            {
              type: 'recording',
              name: 'job:up:sum',
              query: 'sum by (job) (up)',
              health: 'ok',
              evaluationTime: 0,
              lastEvaluation: '2023-11-14T22:13:20Z',
            },
            {
              type: 'alerting',
              name: 'Down',
              query: 'up == 0',
              duration: 60,
              keepFiringFor: 0,
              labels: {},
              annotations: {},
              alerts: [alert],
              state: 'firing',
              health: 'ok',
              evaluationTime: 0,
              lastEvaluation: '2023-11-14T22:13:20Z',
            },
          ],
        },
      ],
    });
    const alertsOnly = JSON.parse((await get(`${base}/api/v1/rules?type=alert`)).text) as {
      data: { groups: { rules: { name: string }[] }[] };
    };
    expect(alertsOnly.data.groups[0]?.rules.map((r) => r.name)).toEqual(['Down']);
    expect(JSON.parse((await get(`${base}/api/v1/alerts`)).text)).toEqual({
      status: 'success',
      data: { alerts: [alert] },
    });
    expect(JSON.parse((await get(`${base}/api/v1/rules?type=bogus`)).text)).toMatchObject({
      error: 'invalid parameter "type": not supported value "bogus"',
    });
  });
});

describe('admin and write protection', () => {
  it('keeps admin endpoints off unless enabled, then deletes through the store', async () => {
    const off = await serve({ admin: db });
    const r = await postForm(`${off}/api/v1/admin/tsdb/delete_series`, { 'match[]': 'temp' });
    expect([r.status, JSON.parse(r.text)]).toEqual([
      503,
      { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' },
    ]);

    const on = await serve({ admin: db, enableAdminApi: true });
    expect((await postForm(`${on}/api/v1/admin/tsdb/delete_series`, {})).status).toBe(400);
    expect(JSON.parse((await get(`${on}/api/v1/series?match[]=temp`)).text)).toMatchObject({
      data: [{ __name__: 'temp' }],
    });
    const del = await postForm(`${on}/api/v1/admin/tsdb/delete_series`, {
      'match[]': 'temp',
      end: String((T0 + 300_000) / 1000),
    });
    expect([del.status, del.text]).toEqual([204, '']);
    expect(JSON.parse((await get(`${on}/api/v1/query?query=temp&time=${(T0 + 60_000) / 1000}`)).text)).toMatchObject({
      data: { result: [] },
    });
    expect((await postForm(`${on}/api/v1/admin/tsdb/clean_tombstones`, {})).status).toBe(204);
  });

  it('requires the configured credentials on remote write and admin, not on reads', async () => {
    const base = await serve({
      remoteWrite: createRemoteWriteHandler({ appendable: db }),
      writeAuth: { bearerToken: 's3cret', basic: { username: 'ops', password: 'pw' } },
      enableAdminApi: true,
      admin: db,
    });
    const body = snappyCompress(
      encodeWriteRequest({
        timeseries: [
          {
            labels: [{ name: '__name__', value: 'pushed' }],
            samples: [{ value: 7, timestamp: T0 }],
            exemplars: [],
            histograms: [],
          },
        ],
        metadata: [],
      }),
    );
    const send = (headers: Record<string, string>) =>
      fetch(`${base}/api/v1/write`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', ...headers },
      });
    const denied = await send({});
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="kubepulse", Basic realm="kubepulse"');
    expect((await send({ Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await send({ Authorization: 'Bearer s3cret' })).status).toBe(204);
    expect(JSON.parse((await get(`${base}/api/v1/query?query=pushed&time=${T0 / 1000}`)).text)).toMatchObject({
      data: { result: [{ value: [T0 / 1000, '7'] }] },
    });

    const adminDenied = await postForm(`${base}/api/v1/admin/tsdb/clean_tombstones`, {});
    expect([adminDenied.status, JSON.parse(adminDenied.text)]).toMatchObject([
      401,
      { status: 'error', errorType: 'unauthorized' },
    ]);
    const basic = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    expect((await postForm(`${base}/api/v1/admin/tsdb/clean_tombstones`, {}, { Authorization: basic })).status).toBe(
      204,
    );
  });

  it('sets CORS headers like Prometheus and answers preflight requests', async () => {
    const base = await serve({ corsOrigin: /https:\/\/grafana\.example/ });
    const pre = await fetch(`${base}/api/v1/query`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://grafana.example' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://grafana.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const other = await fetch(`${base}/api/v1/labels`, { headers: { Origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an oversized form body with a bad_data error in the API shape', async () => {
    const base = await serve({ maxFormBytes: 100 });
    const r = await postForm(`${base}/api/v1/series`, { 'match[]': 'x'.repeat(200) });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'error parsing form values: request entity too large',
    });
  });

  it('answers 404 on remote write when no receiver is wired', async () => {
    const base = await serve();
    const r = await fetch(`${base}/api/v1/write`, { method: 'POST', body: 'x' });
    expect(r.status).toBe(404);
  });
});
