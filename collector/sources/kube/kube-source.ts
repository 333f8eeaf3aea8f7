/**
 * The kube source: informers on the API server's objects, rendered on every
 * collect() into kube-state-metrics' kube_* series. Between collections the
 * caches follow watch events; collect() only reads them, so it is cheap and
 * keeps answering (with the last known state and a problem) while the API
 * server is away.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import type { Collection, Source } from '../source.js';
import type { KubeApi } from './api-client.js';
import { createKubeApi } from './api-client.js';
import type { BackoffOptions, Sleep } from './backoff.js';
import { CollectionBuilder, counter } from './collection-builder.js';
import { emitHorizontalPodAutoscaler, emitJob } from './job-metrics.js';
import { emitNode } from './node-metrics.js';
import type { KubeObject } from './objects.js';
import { emitPod } from './pod-metrics.js';
import type { ReflectorStatus } from './reflector.js';
import { Reflector } from './reflector.js';
import type { KubeResourceName, ResourceObject } from './resources.js';
import { ALL_RESOURCES, RESOURCES } from './resources.js';
import { emitService, emitServicePods } from './service-metrics.js';
import { emitDaemonSet, emitDeployment, emitReplicaSet, emitStatefulSet } from './workload-metrics.js';

export interface KubeSourceOptions {
  /** From loadKubeConfig(): a kubeconfig file, the in-cluster ServiceAccount, or a server URL + token + CA. */
  readonly kubeConfig: KubeConfig;
  /** Which resources to watch; all of them by default (the hub). */
  readonly resources?: readonly KubeResourceName[];
  /**
   * Watch only this node's pods (fieldSelector spec.nodeName) and this node — what a
   * per-node collector wants, so N collectors do not each hold the whole cluster.
   */
  readonly nodeName?: string;
  readonly logger?: Logger;
  /** ms since epoch. */
  readonly clock?: () => number;
  /** Reconnect delays; 500 ms doubling to 30 s, with jitter, by default. */
  readonly backoff?: Partial<BackoffOptions>;
  /** timeoutSeconds asked of the server per watch (default 300). */
  readonly watchTimeoutSeconds?: number;
  /** A watch silent for this long is a dead connection and is re-opened (default timeoutSeconds + 30 s). */
  readonly watchIdleTimeoutMs?: number;
  /** How long the first collect() waits for the initial lists (default 10 000). */
  readonly initialSyncTimeoutMs?: number;
  readonly sleep?: Sleep;
}

export interface KubeSource extends Source {
  /** Starts the informers; collect() does this itself on first use. Idempotent. */
  start(): void;
  /** Stops every watch and waits for the loops to end. */
  stop(): Promise<void>;
  /** Resolves true when every resource has listed once, false if `signal` aborts first. */
  whenSynced(signal?: AbortSignal): Promise<boolean>;
  status(): Readonly<Partial<Record<KubeResourceName, ReflectorStatus>>>;
}

const WATCH_ERRORS = counter(
  'kubepulse_kube_watch_errors_total',
  'Failed lists, broken watch connections and rejected objects, per API resource.',
);

type Emit<R extends KubeResourceName> = (out: CollectionBuilder, obj: ResourceObject<R>) => void;
const EMITTERS: { readonly [R in KubeResourceName]: Emit<R> | undefined } = {
  pods: emitPod,
  nodes: emitNode,
  services: emitService,
  endpointslices: undefined, // rendered all at once: one series per (service, pod) across slices
  deployments: emitDeployment,
  replicasets: emitReplicaSet,
  daemonsets: emitDaemonSet,
  statefulsets: emitStatefulSet,
  jobs: emitJob,
  horizontalpodautoscalers: emitHorizontalPodAutoscaler,
};

/**
 * @example
 * const kc = loadKubeConfig({ kind: 'in-cluster' });
 * if (!kc.ok) throw kc.error;
 * const source = createKubeSource({ kubeConfig: kc.value, nodeName: process.env.NODE_NAME, resources: ['pods', 'nodes'] });
 * const { samples, problems } = await source.collect();
 */
export function createKubeSource(options: KubeSourceOptions): KubeSource {
  const api = createKubeApi(options.kubeConfig);
  const logger = (options.logger ?? silentLogger).child({ component: 'kube-source' });
  const wanted = options.resources ?? ALL_RESOURCES;
  const reflectors = new Map<KubeResourceName, Reflector<KubeObject>>();
  for (const r of new Set(wanted)) reflectors.set(r, makeReflector(r, api, options, logger));

  let controller: AbortController | undefined;
  let loops: Promise<void>[] = [];

  const start = (): void => {
    if (controller) return;
    controller = new AbortController();
    const signal = controller.signal;
    loops = [...reflectors.values()].map((r) => r.run(signal));
    logger.info('watching', { server: api.server, resources: [...reflectors.keys()], nodeName: options.nodeName });
  };

  const whenSynced = async (signal?: AbortSignal): Promise<boolean> => {
    const all = await Promise.all([...reflectors.values()].map((r) => r.whenSynced(signal)));
    return all.every(Boolean);
  };

  return {
    name: 'kube',
    start,
    whenSynced,
    async stop() {
      controller?.abort();
      await Promise.all(loops);
      controller = undefined;
      loops = [];
    },
    status() {
      return Object.fromEntries([...reflectors].map(([name, r]) => [name, r.status]));
    },
    async collect(signal?: AbortSignal): Promise<Collection> {
      start();
      const timeout = AbortSignal.timeout(options.initialSyncTimeoutMs ?? 10_000);
      await whenSynced(signal ? AbortSignal.any([signal, timeout]) : timeout);
      const out = new CollectionBuilder();
      for (const [name, r] of reflectors) render(out, name, r, api.server);
      return out.build();
    },
  };
}

function makeReflector(
  resource: KubeResourceName,
  api: KubeApi,
  o: KubeSourceOptions,
  logger: Logger,
): Reflector<KubeObject> {
  const def = RESOURCES[resource];
  let fieldSelector: string | undefined;
  if (o.nodeName !== undefined && resource === 'pods') fieldSelector = `spec.nodeName=${o.nodeName}`;
  if (o.nodeName !== undefined && resource === 'nodes') fieldSelector = `metadata.name=${o.nodeName}`;
  return new Reflector<KubeObject>({
    resource,
    path: def.path,
    schema: def.schema,
    api,
    logger,
    backoff: { initialMs: 500, maxMs: 30_000, ...o.backoff },
    watchTimeoutSeconds: o.watchTimeoutSeconds ?? 300,
    ...(o.watchIdleTimeoutMs !== undefined ? { idleTimeoutMs: o.watchIdleTimeoutMs } : {}),
    clock: o.clock ?? Date.now,
    ...(fieldSelector !== undefined ? { fieldSelector } : {}),
    ...(o.sleep !== undefined ? { sleep: o.sleep } : {}),
  });
}

function render(out: CollectionBuilder, name: KubeResourceName, r: Reflector<KubeObject>, server: string): void {
  const place = `${server}${RESOURCES[name].path}`;
  const s = r.status;
  out.add(WATCH_ERRORS, { resource: name }, s.errors);
  if (!s.synced) {
    out.problem(place, `not listed yet${s.lastError ? `: ${s.lastError}` : ''}`);
    return;
  }
  if (!s.healthy)
    out.problem(place, `serving the last known ${name}; the API server is unreachable: ${s.lastError ?? ''}`);
  for (const [key, message] of r.invalid) out.problem(`${place} ${key}`, message);
  const objects = r.objects.values();
  if (name === 'endpointslices') {
    emitServicePods(out, objects as Iterable<ResourceObject<'endpointslices'>>);
    return;
  }
  // The schema for `name` produced these objects, so they have the emitter's type.
  const emit: Emit<KubeResourceName> | undefined = EMITTERS[name];
  if (emit) for (const obj of objects) emit(out, obj as ResourceObject<KubeResourceName>);
}
