/**
 * One resource's informer: list, then watch from the list's resourceVersion,
 * keeping a local cache of the objects. Relists when the server says the
 * resourceVersion is gone (410), reconnects with backoff when the connection
 * breaks, and keeps the last known objects while the API server is away.
 */
import type { Logger } from '../../log/logger.js';
import type { Result } from '../../result.js';
import { err, ok } from '../../result.js';
import { prettifyError, s, type Schema } from '../../schema/index.js';
import type { ApiError, KubeApi } from './api-client.js';
import type { BackoffOptions, Sleep } from './backoff.js';
import { Backoff, sleep as realSleep } from './backoff.js';
import type { KubeObject } from './objects.js';
import { BookmarkObject, ObjectList, ObjectMeta, objectKey, Status, WatchEvent } from './objects.js';

export interface ReflectorOptions<T extends KubeObject> {
  readonly resource: string;
  readonly path: string;
  readonly schema: Schema<T, unknown>;
  readonly api: KubeApi;
  readonly fieldSelector?: string;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  /** Asked of the server per watch; it then ends the stream cleanly and we re-watch. */
  readonly watchTimeoutSeconds: number;
  /** Silence longer than this aborts the watch; defaults to timeoutSeconds + 30 s. */
  readonly idleTimeoutMs?: number;
  readonly clock: () => number;
  readonly sleep?: Sleep;
}

export interface ReflectorStatus {
  /** A list has succeeded at least once: the cache means something. */
  readonly synced: boolean;
  /** The last list or watch succeeded and no failure has happened since. */
  readonly healthy: boolean;
  readonly lastError?: string;
  readonly lastErrorAtMs?: number;
  readonly errors: number;
  readonly relists: number;
}

type StreamEnd =
  | { readonly kind: 'closed' }
  | { readonly kind: 'gone'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

const Meta = s.object({ metadata: ObjectMeta });

export class Reflector<T extends KubeObject> {
  readonly objects = new Map<string, T>();
  /** Objects the schema rejected, by key, with the reason; reported until they change or go. */
  readonly invalid = new Map<string, string>();
  private state: ReflectorStatus = { synced: false, healthy: false, errors: 0, relists: 0 };
  private readonly backoff: Backoff;
  private readonly sleep: Sleep;
  private readonly log: Logger;
  private resourceVersion = '';
  private syncWaiters: (() => void)[] = [];
  private eventsThisWatch = 0;

  constructor(private readonly o: ReflectorOptions<T>) {
    this.backoff = new Backoff(o.backoff);
    this.sleep = o.sleep ?? realSleep;
    this.log = o.logger.child({ resource: o.resource });
  }

  get status(): ReflectorStatus {
    return this.state;
  }

  /** Resolves true once synced, false if `signal` aborts first. */
  whenSynced(signal?: AbortSignal): Promise<boolean> {
    if (this.state.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        // Unregister both ways, so collect() calls that time out while the API server is away do not pile up.
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        signal?.removeEventListener('abort', done);
        resolve(this.state.synced);
      };
      if (signal?.aborted) return done();
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Runs until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.resourceVersion === '') {
        const listed = await this.list(signal);
        if (signal.aborted) break;
        if (!listed.ok) {
          this.fail(listed.error.message);
          await this.sleep(this.backoff.next(), signal);
          continue;
        }
      }
      const query = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(this.o.watchTimeoutSeconds),
        fieldSelector: this.o.fieldSelector,
      };
      // The server ends the stream after timeoutSeconds; silence well past that is a dead connection.
      const idleTimeoutMs = this.o.idleTimeoutMs ?? (this.o.watchTimeoutSeconds + 30) * 1000;
      const opened = await this.o.api.watch(this.o.path, query, { signal, idleTimeoutMs });
      if (signal.aborted) break;
      if (!opened.ok) {
        if (opened.error.kind === 'gone') this.expire(opened.error.message);
        else {
          this.fail(opened.error.message);
          await this.sleep(this.backoff.next(), signal);
        }
        continue;
      }
      this.healthy();
      const startedMs = this.o.clock();
      this.eventsThisWatch = 0;
      const end = await this.consume(opened.value, signal);
      if (signal.aborted) break;
      if (end.kind === 'gone') this.expire(end.message);
      else if (end.kind === 'error' || this.tooShort(startedMs)) {
        this.fail(end.kind === 'error' ? end.message : `${this.where()}: watch ended at once without an event`);
        await this.sleep(this.backoff.next(), signal);
      }
      // Otherwise the server's timeoutSeconds ran out; watch again from where we are.
    }
  }

  private async list(signal: AbortSignal): Promise<Result<void, ApiError | Error>> {
    const r = await this.o.api.list(this.o.path, { fieldSelector: this.o.fieldSelector }, signal);
    if (!r.ok) return r;
    const body = ObjectList.safeParse(r.value);
    if (!body.success) return err(new Error(`${this.where()}: list body: ${prettifyError(body.error)}`));
    const fresh = new Map<string, T>();
    this.invalid.clear();
    for (const item of body.data.items) {
      const parsed = this.parse(item);
      if (parsed) fresh.set(parsed[0], parsed[1]);
    }
    // Replace, don't merge: anything deleted while we were not watching must go.
    this.objects.clear();
    for (const [k, v] of fresh) this.objects.set(k, v);
    this.resourceVersion = body.data.metadata.resourceVersion ?? '';
    this.state = { ...this.state, synced: true, relists: this.state.relists + 1 };
    this.healthy();
    this.log.debug('listed', { objects: fresh.size, resourceVersion: this.resourceVersion });
    for (const w of [...this.syncWaiters]) w();
    return ok(undefined);
  }

  private async consume(stream: AsyncIterable<string>, signal: AbortSignal): Promise<StreamEnd> {
    try {
      for await (const line of stream) {
        const end = this.apply(line);
        if (end) return end;
      }
      return { kind: 'closed' };
    } catch (e) {
      if (signal.aborted) return { kind: 'closed' };
      return { kind: 'error', message: `${this.where()}: watch connection broke: ${describe(e)}` };
    }
  }

  /** Applies one watch line; returns how the stream ends if this line ends it. */
  private apply(line: string): StreamEnd | undefined {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      // A torn line means an event we cannot see; re-watching from the last good resourceVersion replays it.
      return { kind: 'error', message: `${this.where()}: watch line is not JSON: ${line.slice(0, 120)}` };
    }
    const ev = WatchEvent.safeParse(json);
    if (!ev.success) return { kind: 'error', message: `${this.where()}: bad watch event: ${prettifyError(ev.error)}` };
    const { type, object } = ev.data;
    this.eventsThisWatch++;
    if (type === 'ERROR') {
      const st = Status.safeParse(object);
      const message = `${this.where()}: watch ERROR: ${st.success ? (st.data.message ?? st.data.reason ?? `code ${st.data.code}`) : 'unreadable status'}`;
      const gone = st.success && (st.data.code === 410 || st.data.reason === 'Expired' || st.data.reason === 'Gone');
      return gone ? { kind: 'gone', message } : { kind: 'error', message };
    }
    if (type === 'BOOKMARK') {
      const b = BookmarkObject.safeParse(object);
      if (b.success) this.resourceVersion = b.data.metadata.resourceVersion;
      this.backoff.reset();
      return undefined;
    }
    const meta = Meta.safeParse(object);
    if (!meta.success) return { kind: 'error', message: `${this.where()}: ${type} object without metadata.name` };
    const key = objectKey(meta.data.metadata);
    if (type === 'DELETED') {
      this.objects.delete(key);
      this.invalid.delete(key);
    } else {
      const parsed = this.parse(object);
      if (parsed) this.objects.set(parsed[0], parsed[1]);
      else this.objects.delete(key);
    }
    this.resourceVersion = meta.data.metadata.resourceVersion ?? this.resourceVersion;
    this.backoff.reset();
    return undefined;
  }

  private parse(item: unknown): [string, T] | undefined {
    const r = this.o.schema.safeParse(item);
    if (r.success) {
      const key = objectKey(r.data.metadata);
      this.invalid.delete(key);
      return [key, r.data];
    }
    const meta = Meta.safeParse(item);
    const key = meta.success ? objectKey(meta.data.metadata) : '<unnamed>';
    const message = prettifyError(r.error).replace(/\n/g, '; ');
    this.invalid.set(key, message);
    this.count(`${this.where()} ${key}: object rejected: ${message}`);
    return undefined;
  }

  /**
   * A watch that ends within a second and brings nothing is not a timeout but a server or proxy
   * that will do the same again; re-watching at once would spin, so it is treated as a failure.
   */
  private tooShort(startedMs: number): boolean {
    const lastedMs = this.o.clock() - startedMs;
    return this.eventsThisWatch === 0 && lastedMs < 1000 && lastedMs < this.o.watchTimeoutSeconds * 1000;
  }

  private expire(message: string): void {
    // Not a failure: the server compacted past our resourceVersion. Relist now, as client-go does.
    this.log.info('resourceVersion expired, relisting', { reason: message });
    this.resourceVersion = '';
  }

  private healthy(): void {
    if (!this.state.healthy) this.state = { ...this.state, healthy: true };
  }

  private fail(message: string): void {
    this.state = { ...this.state, healthy: false, lastError: message, lastErrorAtMs: this.o.clock() };
    this.count(message);
  }

  private count(message: string): void {
    this.state = { ...this.state, errors: this.state.errors + 1 };
    this.log.warn('watch error', { error: message });
  }

  private where(): string {
    return `${this.o.api.server}${this.o.path}`;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message} (${e.cause.message})` : e.message;
  return String(e);
}
