/**
 * A small Kubernetes API server for tests: real HTTP on 127.0.0.1, list and
 * watch for the resources the kube source reads, with resourceVersions,
 * history, compaction (410 Gone), bookmarks, timeoutSeconds and field
 * selectors — plus controls to change objects, expire versions, drop
 * connections and go down, which a real API server does on its own schedule.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export const KUBE_RESOURCES = {
  pods: { path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod' },
  nodes: { path: '/api/v1/nodes', apiVersion: 'v1', kind: 'Node' },
  services: { path: '/api/v1/services', apiVersion: 'v1', kind: 'Service' },
  endpointslices: {
    path: '/apis/discovery.k8s.io/v1/endpointslices',
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
  },
  deployments: { path: '/apis/apps/v1/deployments', apiVersion: 'apps/v1', kind: 'Deployment' },
  replicasets: { path: '/apis/apps/v1/replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  daemonsets: { path: '/apis/apps/v1/daemonsets', apiVersion: 'apps/v1', kind: 'DaemonSet' },
  statefulsets: { path: '/apis/apps/v1/statefulsets', apiVersion: 'apps/v1', kind: 'StatefulSet' },
  jobs: { path: '/apis/batch/v1/jobs', apiVersion: 'batch/v1', kind: 'Job' },
  horizontalpodautoscalers: {
    path: '/apis/autoscaling/v2/horizontalpodautoscalers',
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
  },
} as const;
export type KubeResource = keyof typeof KUBE_RESOURCES;

export type KubeObj = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string };
};
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
interface HistoryEvent {
  readonly rv: number;
  readonly resource: KubeResource;
  readonly type: EventType;
  readonly object: KubeObj;
  /** The object before this change, so a filtered watch can tell entering from leaving its selector. */
  readonly previous?: KubeObj;
}
interface OpenWatch {
  readonly resource: KubeResource;
  readonly selector: FieldSelector;
  readonly bookmarks: boolean;
  readonly res: http.ServerResponse;
}
export interface WatchFailure {
  /** `close`: answer 200 and end the stream at once, with no event (a misbehaving proxy). */
  readonly kind: 'event' | 'http' | 'close';
  readonly code: number;
  readonly reason: string;
  readonly message?: string;
}

export interface RecordedRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly watch: boolean;
  readonly authorization?: string;
}

export interface KubeApiServer {
  /** `http://127.0.0.1:<port>`, or https with `options.tls`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Current resourceVersion (the last one handed out). */
  resourceVersion(): number;
  objects(resource: KubeResource): readonly KubeObj[];
  /** Creates or replaces an object and emits ADDED or MODIFIED. */
  apply(resource: KubeResource, object: KubeObj): void;
  remove(resource: KubeResource, namespace: string | undefined, name: string): void;
  /** Forgets history: watches and lists from any older resourceVersion get 410 Gone. */
  compact(): void;
  /** Answers the next `count` watches of `resource` with an ERROR 410 event instead of events. */
  goneOnNextWatch(resource: KubeResource, count?: number): void;
  /**
   * Answers the next watch of `resource` with a failure: an ERROR event carrying a Status
   * (`kind: 'event'`, how the API server ends a watch it cannot serve) or a plain HTTP error.
   */
  failNextWatch(resource: KubeResource, failure: WatchFailure): void;
  /** Sends a BOOKMARK to every open watch that allowed them. */
  bookmark(): void;
  /** Destroys the sockets of all open watches mid-stream. */
  dropWatches(): void;
  openWatches(resource?: KubeResource): number;
  /** Resolves when at least `n` watches of `resource` are open. */
  waitForWatches(resource: KubeResource, n: number, timeoutMs?: number): Promise<void>;
  /** Takes the server down: closes the port and every connection. */
  down(): Promise<void>;
  /** Listens again on the same port, with the same objects and history. */
  up(): Promise<void>;
  close(): Promise<void>;
}

type FieldSelector = (obj: KubeObj) => boolean;

export interface KubeApiServerOptions {
  /** Serve HTTPS with this certificate and key (PEM) instead of plain HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /**
   * Answers requests the built-in list/watch does not (discovery, ConfigMaps, SubjectAccessReviews,
   * an aggregated API's proxy): return true when `res` was answered. Called after the request is recorded.
   */
  readonly extra?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export async function startKubeApiServer(
  seed: Partial<Record<KubeResource, readonly KubeObj[]>> = {},
  options: KubeApiServerOptions = {},
): Promise<KubeApiServer> {
  let rv = 1000;
  let compactedRv = 0;
  const store = new Map<KubeResource, Map<string, KubeObj>>();
  const history: HistoryEvent[] = [];
  const watches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const watchFailures = new Map<KubeResource, WatchFailure[]>();

  for (const r of Object.keys(KUBE_RESOURCES) as KubeResource[]) store.set(r, new Map());
  for (const [r, objs] of Object.entries(seed) as [KubeResource, readonly KubeObj[]][]) {
    for (const o of objs) put(r, structuredClone(o));
  }

  function put(resource: KubeResource, object: KubeObj): HistoryEvent {
    const def = KUBE_RESOURCES[resource];
    const m = store.get(resource)!;
    const key = keyOf(object);
    const previous = m.get(key);
    const type: EventType = previous ? 'MODIFIED' : 'ADDED';
    const stored: KubeObj = {
      ...object,
      apiVersion: def.apiVersion,
      kind: def.kind,
      metadata: { ...object.metadata, resourceVersion: String(++rv) },
    };
    const event: HistoryEvent = { rv, resource, type, object: stored, ...(previous ? { previous } : {}) };
    m.set(key, stored);
    history.push(event);
    return event;
  }

  /**
   * What a watch with `selector` sees of `e`, as the API server's watch cache filters: an object
   * that starts matching arrives as ADDED, one that stops matching leaves as DELETED.
   */
  function filtered(e: HistoryEvent, selector: FieldSelector): { type: EventType; object: KubeObj } | undefined {
    const now = e.type !== 'DELETED' && selector(e.object);
    const before = e.type === 'DELETED' ? selector(e.object) : e.previous !== undefined && selector(e.previous);
    if (e.type === 'DELETED') return before ? { type: 'DELETED', object: e.object } : undefined;
    if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: e.object };
    return before ? { type: 'DELETED', object: e.object } : undefined;
  }

  function emit(e: HistoryEvent): void {
    for (const w of watches) {
      if (w.resource !== e.resource) continue;
      const seen = filtered(e, w.selector);
      if (seen) send(w.res, seen);
    }
  }

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const watch = query['watch'] === '1' || query['watch'] === 'true';
    requests.push({
      path: url.pathname,
      query,
      watch,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    if (options.extra?.(req, res)) return;
    const resource = (Object.keys(KUBE_RESOURCES) as KubeResource[]).find(
      (r) => KUBE_RESOURCES[r].path === url.pathname,
    );
    if (req.method !== 'GET' || !resource)
      return status(res, 404, 'NotFound', `the server could not find the requested resource ${url.pathname}`);
    const selector = parseFieldSelector(query['fieldSelector'] ?? '');
    if (!selector)
      return status(res, 400, 'BadRequest', `unable to parse requested fieldSelector "${query['fieldSelector']}"`);
    const since = query['resourceVersion'] ?? '';
    if (!watch) return list(res, resource, since, selector);
    startWatch(req, res, resource, since, selector, query);
  };
  const server: http.Server | https.Server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handle)
    : http.createServer(handle);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function list(res: http.ServerResponse, resource: KubeResource, since: string, selector: FieldSelector): void {
    if (since !== '' && since !== '0' && Number(since) < compactedRv) {
      return status(res, 410, 'Expired', `too old resource version: ${since} (${compactedRv})`);
    }
    const def = KUBE_RESOURCES[resource];
    const items = [...store.get(resource)!.values()].filter(selector);
    json(res, 200, {
      apiVersion: def.apiVersion,
      kind: `${def.kind}List`,
      metadata: { resourceVersion: String(rv) },
      items,
    });
  }

  function startWatch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    resource: KubeResource,
    since: string,
    selector: FieldSelector,
    query: Record<string, string>,
  ): void {
    const failure = watchFailures.get(resource)?.shift();
    if (failure?.kind === 'http') return status(res, failure.code, failure.reason, failure.message ?? failure.reason);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (failure?.kind === 'close') {
      res.end();
      return;
    }
    const from = since === '' || since === '0' ? undefined : Number(since);
    const expired = from !== undefined && from < compactedRv;
    if (failure || expired) {
      // The API server answers a watch it cannot serve with 200 and one ERROR event, then ends the stream.
      const f = failure ?? {
        code: 410,
        reason: 'Expired',
        message: `too old resource version: ${since} (${compactedRv})`,
      };
      const object = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: f.reason,
        code: f.code,
        message: f.message ?? f.reason,
      };
      send(res, { type: 'ERROR', object });
      res.end();
      return;
    }
    if (from === undefined) {
      for (const o of store.get(resource)!.values()) if (selector(o)) send(res, { type: 'ADDED', object: o });
    } else {
      for (const e of history) {
        const seen = e.rv > from && e.resource === resource ? filtered(e, selector) : undefined;
        if (seen) send(res, seen);
      }
    }
    const w: OpenWatch = { resource, selector, bookmarks: query['allowWatchBookmarks'] === 'true', res };
    watches.add(w);
    const timeoutS = Number(query['timeoutSeconds'] ?? '0');
    const timer = timeoutS > 0 ? setTimeout(() => res.end(), timeoutS * 1000) : undefined;
    const done = (): void => {
      clearTimeout(timer);
      watches.delete(w);
    };
    res.on('close', done);
    req.on('close', done);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const api: KubeApiServer = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    resourceVersion: () => rv,
    objects: (r) => [...store.get(r)!.values()],
    apply(resource, object) {
      emit(put(resource, structuredClone(object)));
    },
    remove(resource, namespace, name) {
      const m = store.get(resource)!;
      const key = namespace ? `${namespace}/${name}` : name;
      const old = m.get(key);
      if (!old) throw new Error(`kube-api-server: no ${resource} ${key}`);
      m.delete(key);
      const object: KubeObj = { ...old, metadata: { ...old.metadata, resourceVersion: String(++rv) } };
      const event: HistoryEvent = { rv, resource, type: 'DELETED', object };
      history.push(event);
      emit(event);
    },
    compact() {
      compactedRv = rv;
      history.length = 0;
    },
    goneOnNextWatch(resource, count = 1) {
      for (let i = 0; i < count; i++) {
        api.failNextWatch(resource, {
          kind: 'event',
          code: 410,
          reason: 'Expired',
          message: 'too old resource version',
        });
      }
    },
    failNextWatch(resource, failure) {
      const queue = watchFailures.get(resource) ?? [];
      queue.push(failure);
      watchFailures.set(resource, queue);
    },
    bookmark() {
      for (const w of watches) {
        if (!w.bookmarks) continue;
        const def = KUBE_RESOURCES[w.resource];
        send(w.res, {
          type: 'BOOKMARK',
          object: { kind: def.kind, apiVersion: def.apiVersion, metadata: { resourceVersion: String(rv) } },
        });
      }
    },
    dropWatches() {
      for (const w of [...watches]) {
        watches.delete(w);
        w.res.socket?.destroy();
      }
    },
    openWatches: (r) => [...watches].filter((w) => r === undefined || w.resource === r).length,
    async waitForWatches(resource, n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (api.openWatches(resource) < n) {
        if (Date.now() > deadline)
          throw new Error(`kube-api-server: ${n} watches of ${resource} not open after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async down() {
      watches.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async up() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    async close() {
      if (server.listening) await api.down();
    },
  };
  return api;
}

function keyOf(o: KubeObj): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

/** `a=b,c!=d` on the fields the API server supports for these kinds; undefined if unparsable. */
function parseFieldSelector(text: string): FieldSelector | undefined {
  if (text === '') return () => true;
  const terms: ((o: KubeObj) => boolean)[] = [];
  for (const term of text.split(',')) {
    const m = /^([a-zA-Z.]+)(!=|==|=)(.*)$/.exec(term);
    if (!m) return undefined;
    const [, field = '', op, value] = m;
    const read = (o: KubeObj): string => {
      let cur: unknown = o;
      for (const part of field.split('.'))
        cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
      return typeof cur === 'string' ? cur : '';
    };
    terms.push(op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value);
  }
  return (o) => terms.every((t) => t(o));
}

function send(res: http.ServerResponse, event: unknown): void {
  if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify(event) + '\n');
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: http.ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
