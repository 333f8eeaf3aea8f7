/**
 * One sender: it batches the samples of the series hashed to it and sends one
 * request at a time, so samples of a series arrive in the order committed.
 * A recoverable failure is retried with exponential backoff and jitter until
 * it succeeds or the client stops (then the samples stay in the disk queue).
 */
import type { Logger } from '../../log/index.js';
import type { RecordRef } from './disk-queue.js';
import type { HttpSender } from './http-sender.js';
import type { ResolvedClientOptions } from './options.js';
import type { QueuedSeries } from './record-codec.js';
import { encodeRequestBody } from './request-body.js';

/**
 * Samples as parallel columns, sample i being (series[i], t[i], v[i]) from
 * record refs[i]: numbers in typed arrays rather than an object per sample,
 * which was most of the client's garbage. Float64Array, not number[]: V8's
 * double arrays quieten NaNs, and the staleness marker's bits must survive.
 */
export interface ShardBatch {
  readonly series: QueuedSeries[];
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly refs: RecordRef[];
}

export interface ShardEvents {
  /** The batch is done with: sent, or dropped after a non-retryable answer. */
  acked(shard: number, batch: ShardBatch): void;
  sent(batch: ShardBatch, seconds: number): void;
  retried(batch: ShardBatch, reason: string, attempt: number, seconds: number): void;
  failed(batch: ShardBatch, status: number, body: string, seconds: number): void;
}

export class Shard {
  private series: QueuedSeries[] = [];
  private refs: RecordRef[] = [];
  private t = new Float64Array(1024);
  private v = new Float64Array(1024);
  private firstAt: number | undefined;
  private wake: (() => void) | undefined;
  private flushing = false;
  readonly done: Promise<void>;

  constructor(
    private readonly id: number,
    private readonly o: ResolvedClientOptions,
    private readonly sender: HttpSender,
    private readonly events: ShardEvents,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {
    this.done = this.run().catch((e: unknown) => {
      // A bug, not an expected failure: the unacknowledged samples stay on disk for the next start.
      this.logger.error('remote-write shard stopped', { shard: this.id, err: e });
    });
  }

  get size(): number {
    return this.series.length;
  }

  add(series: QueuedSeries, t: number, v: number, ref: RecordRef): void {
    const n = this.series.length;
    if (n === 0) this.firstAt = this.o.clock();
    if (n === this.t.length) {
      const grown = { t: new Float64Array(n * 2), v: new Float64Array(n * 2) };
      grown.t.set(this.t);
      grown.v.set(this.v);
      this.t = grown.t;
      this.v = grown.v;
    }
    this.t[n] = t;
    this.v[n] = v;
    this.series.push(series);
    this.refs.push(ref);
    // The first sample starts the batch deadline; a full batch goes at once.
    if (n === 0 || n + 1 >= this.o.maxSamplesPerSend) this.poke();
  }

  /** Send partial batches at once from now on (shutdown). */
  flush(): void {
    this.flushing = true;
    this.poke();
  }

  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.signal.aborted) {
      if (this.size === 0) {
        await this.pause(undefined);
        continue;
      }
      const waited = this.o.clock() - (this.firstAt ?? 0);
      const full = this.size >= this.o.maxSamplesPerSend;
      if (!full && !this.flushing && waited < this.o.batchSendDeadlineMs) {
        await this.pause(this.o.batchSendDeadlineMs - waited);
        continue;
      }
      const batch = this.take(this.o.maxSamplesPerSend);
      this.firstAt = this.size > 0 ? this.o.clock() : undefined;
      await this.sendWithRetry(batch);
    }
  }

  /** The first `n` buffered samples (all of them when that is fewer). */
  private take(n: number): ShardBatch {
    const size = this.series.length;
    n = Math.min(n, size);
    const batch: ShardBatch = {
      series: n === size ? this.series : this.series.splice(0, n),
      refs: n === size ? this.refs : this.refs.splice(0, n),
      t: this.t.slice(0, n),
      v: this.v.slice(0, n),
    };
    if (n === size) {
      this.series = [];
      this.refs = [];
    } else {
      this.t.copyWithin(0, n, size);
      this.v.copyWithin(0, n, size);
    }
    return batch;
  }

  private async sendWithRetry(batch: ShardBatch): Promise<void> {
    const body = encodeRequestBody(batch);
    let backoffMs = this.o.minBackoffMs;
    for (let attempt = 1; !this.signal.aborted; attempt++) {
      const started = performance.now();
      const outcome = await this.sender.send(body, this.signal);
      const seconds = (performance.now() - started) / 1000;
      if (outcome.kind === 'sent') {
        this.events.sent(batch, seconds);
        this.events.acked(this.id, batch);
        return;
      }
      if (outcome.kind === 'drop') {
        this.events.failed(batch, outcome.status, outcome.body, seconds);
        this.events.acked(this.id, batch);
        return;
      }
      if (this.signal.aborted) return; // shutting down: the batch stays queued on disk for the next start
      this.events.retried(batch, outcome.reason, attempt, seconds);
      // Jitter spreads the shards' (and other collectors') retries so a recovering endpoint is not hit in step.
      const delay = outcome.retryAfterMs ?? backoffMs / 2 + (Math.random() * backoffMs) / 2;
      this.logger.debug('remote write failed, retrying', {
        shard: this.id,
        attempt,
        delayMs: Math.round(delay),
        reason: outcome.reason,
      });
      await this.sleep(delay);
      backoffMs = Math.min(backoffMs * 2, this.o.maxBackoffMs);
    }
  }

  /** Until poked or `ms` passed (or stop). */
  private pause(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', finish);
        this.wake = undefined;
        resolve();
      };
      const timer = ms !== undefined ? setTimeout(finish, ms) : undefined;
      this.wake = finish;
      this.signal.addEventListener('abort', finish);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.signal.addEventListener('abort', finish);
    });
  }
}
