/**
 * Alertmanager's API v2 (api/v2/openapi.yaml) as one express Router with
 * full paths (`/api/v2/...`), to be mounted at `/` of the main app. Shapes
 * follow the OpenAPI definitions so that amtool, Grafana and Prometheus work
 * against it unchanged; errors are JSON strings, as go-swagger sends them.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AlertmanagerCore } from '../alertmanager.js';
import { resolvedAt, type StoredAlert } from '../alerts/index.js';
import { redactedConfig } from '../config/index.js';
import { matchRoutes } from '../dispatch/index.js';
import { compileAnchored, matchesAll, parseMatchers, type Matcher } from '../labels/index.js';
import { silenceState, type Silence } from '../silence/index.js';
import { describeZodError, PostableAlertsSchema, PostableSilenceSchema } from './schemas.js';

export interface V2RouterOptions {
  readonly version?: string;
  /** Largest JSON body accepted. */
  readonly maxBodyBytes?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** Go clients (amtool) send the zero time, 0001-01-01T00:00:00Z, for "unset". */
const parseTime = (s: string | undefined): number | undefined => {
  if (!s) return undefined;
  const ms = Date.parse(s);
  return ms <= GO_ZERO_MS ? undefined : ms;
};
const GO_ZERO_MS = Date.parse('0001-01-01T00:00:00Z');
const bad = (res: Response, status: number, msg: string): void => void res.status(status).json(msg);

function queryList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

function boolParam(req: Request, name: string, dflt: boolean): boolean | string {
  const v = req.query[name];
  if (v === undefined) return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return `${name}: expected true or false, got ${JSON.stringify(v)}`;
}

function filterMatchers(req: Request): Matcher[] | string {
  const out: Matcher[] = [];
  for (const f of queryList(req.query.filter)) {
    const r = parseMatchers(f, { origin: 'api' });
    if (!r.ok) return `bad matcher format: ${f}: ${r.error}`;
    out.push(...r.value);
  }
  return out;
}

interface AlertQuery {
  readonly matchers: Matcher[];
  readonly receiver: ((name: string) => boolean) | undefined;
  readonly active: boolean;
  readonly silenced: boolean;
  readonly inhibited: boolean;
}

function alertQuery(req: Request): AlertQuery | string {
  const matchers = filterMatchers(req);
  if (typeof matchers === 'string') return matchers;
  const flags = ['active', 'silenced', 'inhibited'].map((n) => boolParam(req, n, true));
  const wrong = flags.find((f) => typeof f === 'string');
  if (typeof wrong === 'string') return wrong;
  let receiver: AlertQuery['receiver'];
  if (typeof req.query.receiver === 'string' && req.query.receiver !== '') {
    const re = compileAnchored(req.query.receiver);
    if (!re.ok) return `failed to parse receiver param: ${re.error}`;
    receiver = (name) => re.value.matches(name);
  }
  const [active, silenced, inhibited] = flags as boolean[];
  return { matchers, receiver, active: active ?? true, silenced: silenced ?? true, inhibited: inhibited ?? true };
}

export function createV2Router(am: AlertmanagerCore, o: V2RouterOptions = {}): Router {
  const router = express.Router();
  const json = express.json({ limit: o.maxBodyBytes ?? 4 << 20, strict: false });

  /** GettableAlert, or undefined when the query filters it out. */
  const gettable = (a: StoredAlert, q: AlertQuery, now: number): Record<string, unknown> | undefined => {
    if (resolvedAt(a, now)) return undefined;
    const receivers = [...new Set(matchRoutes(am.route, a.labels).map((r) => r.opts.receiver))];
    if (q.receiver && !receivers.some(q.receiver)) return undefined;
    if (!matchesAll(q.matchers, a.labels)) return undefined;
    const silencedBy = am.silences.mutedBy(a.labels, now);
    const inhibitedBy = am.inhibitor.inhibitedBy(a.labels, now);
    const state = silencedBy.length > 0 || inhibitedBy.length > 0 ? 'suppressed' : 'active';
    if (state === 'active' && !q.active) return undefined;
    if (silencedBy.length > 0 && !q.silenced) return undefined;
    if (inhibitedBy.length > 0 && !q.inhibited) return undefined;
    return {
      annotations: a.annotations,
      endsAt: iso(a.endsAt),
      fingerprint: a.fingerprint,
      receivers: receivers.map((name) => ({ name })),
      startsAt: iso(a.startsAt),
      status: { inhibitedBy, silencedBy, mutedBy: [], state },
      updatedAt: iso(a.updatedAt),
      generatorURL: a.generatorURL,
      labels: a.labels,
    };
  };

  router.get('/api/v2/alerts', (req, res) => {
    const q = alertQuery(req);
    if (typeof q === 'string') return bad(res, 400, q);
    const now = am.clock();
    const out = am.store
      .list()
      .map((a) => gettable(a, q, now))
      .filter((x) => x !== undefined)
      .sort((x, y) => String(x.fingerprint).localeCompare(String(y.fingerprint)));
    res.json(out);
  });

  router.post('/api/v2/alerts', json, (req, res) => {
    const parsed = PostableAlertsSchema.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, describeZodError(parsed.error));
    const r = am.postAlerts(
      parsed.data.map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: parseTime(a.startsAt),
        endsAt: parseTime(a.endsAt),
        generatorURL: a.generatorURL,
      })),
    );
    if (r.errors.length > 0) return bad(res, 400, r.errors.join('; '));
    res.status(200).end();
  });

  router.get('/api/v2/alerts/groups', (req, res) => {
    const q = alertQuery(req);
    if (typeof q === 'string') return bad(res, 400, q);
    const now = am.clock();
    const groups = [];
    for (const g of am.dispatcher?.groups() ?? []) {
      if (q.receiver && !q.receiver(g.route.opts.receiver)) continue;
      const alerts = g
        .alerts()
        .map((a) => gettable(a, { ...q, receiver: undefined }, now))
        .filter((x) => x !== undefined);
      if (alerts.length === 0) continue;
      groups.push({ labels: g.groupLabels, receiver: { name: g.route.opts.receiver }, alerts });
    }
    res.json(groups);
  });

  const gettableSilence = (s: Silence, now: number): Record<string, unknown> => ({
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: iso(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: iso(s.endsAt),
    matchers: s.matchers,
    startsAt: iso(s.startsAt),
  });

  router.get('/api/v2/silences', (req, res) => {
    const matchers = filterMatchers(req);
    if (typeof matchers === 'string') return bad(res, 400, matchers);
    const now = am.clock();
    const rank = { active: 0, pending: 1, expired: 2 } as const;
    const list = am.silences
      .list()
      // A filter matcher selects silences that have a matcher on the same label whose value it accepts.
      .filter((s) => matchers.every((m) => s.matchers.some((sm) => sm.name === m.name && m.matches(sm.value))))
      .sort((a, b) => {
        const sa = silenceState(a, now);
        const sb = silenceState(b, now);
        if (sa !== sb) return rank[sa] - rank[sb];
        if (sa === 'active') return a.endsAt - b.endsAt;
        if (sa === 'pending') return a.startsAt - b.startsAt;
        return b.endsAt - a.endsAt;
      });
    res.json(list.map((s) => gettableSilence(s, now)));
  });

  router.post('/api/v2/silences', json, async (req, res) => {
    const parsed = PostableSilenceSchema.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, describeZodError(parsed.error));
    const b = parsed.data;
    const r = await am.silences.set({
      id: b.id || undefined,
      matchers: b.matchers.map((m) => ({
        name: m.name,
        value: m.value,
        isRegex: m.isRegex,
        isEqual: m.isEqual ?? true,
      })),
      startsAt: Date.parse(b.startsAt),
      endsAt: Date.parse(b.endsAt),
      createdBy: b.createdBy,
      comment: b.comment,
    });
    if (!r.ok) return bad(res, r.error.kind === 'not_found' ? 404 : 400, r.error.message);
    res.json({ silenceID: r.value });
  });

  router.get('/api/v2/silence/:id', (req, res) => {
    const s = am.silences.get(req.params.id);
    if (!s) return void res.status(404).end();
    res.json(gettableSilence(s, am.clock()));
  });

  router.delete('/api/v2/silence/:id', async (req, res) => {
    const r = await am.silences.expire(req.params.id);
    if (!r.ok) return bad(res, r.error.kind === 'not_found' ? 404 : 500, r.error.message);
    res.status(200).end();
  });

  router.get('/api/v2/status', (_req, res) => {
    res.json({
      cluster: { status: 'disabled', peers: [] },
      versionInfo: {
        branch: 'main',
        buildDate: '',
        buildUser: 'kubepulse',
        goVersion: `node ${process.version}`,
        revision: '',
        version: o.version ?? 'kubepulse',
      },
      config: { original: redactedConfig(am.config.config) },
      uptime: iso(am.startedAt),
    });
  });

  router.get('/api/v2/receivers', (_req, res) => {
    res.json(am.receiverNames().map((name) => ({ name })));
  });

  router.all(/^\/api\/v2\/.*/, (_req, res) => bad(res, 404, 'not found'));
  return router;
}
