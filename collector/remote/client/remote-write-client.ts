/**
 * The remote-write client: an Appendable whose commit() puts the samples in a
 * durable queue on disk, and senders that drain the queue to the endpoint.
 *
 *   appender ─commit─► DiskQueue (segments, fsync) ─read─► dispatcher ─hash(series)─► Shard × n ─POST─► endpoint
 *                            ▲                                                              │
 *                            └──────────────── ack (segment deleted when all acked) ◄──────┘
 */
import { silentLogger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';
import { AppendError, StoreError, type Appendable, type Appender, type Labels } from '../../tsdb/interface.js';
import { createClientMetrics, urlLabel } from './client-metrics.js';
import { DiskQueue } from './disk-queue.js';
import { createHttpSender } from './http-sender.js';
import { RemoteWriteConfigError, resolveClientOptions, type RemoteWriteClientOptions } from './options.js';
import { RecordBuilder, SeriesEncoder, type QueuedSeries } from './record-codec.js';
import type { RecordRef } from './disk-queue.js';
import { Shard, type ShardEvents } from './shard.js';

export interface RemoteWriteStats {
  /** Committed samples not yet acknowledged by the endpoint (on disk or in a request). */
  readonly pendingSamples: number;
  readonly queueBytes: number;
  readonly queueSegments: number;
  readonly sentSamples: number;
  readonly retriedSamples: number;
  readonly failedSamples: number;
  readonly droppedSamples: number;
  /** Newest acknowledged sample timestamp, ms since epoch; 0 before the first. */
  readonly highestSentTimestampMs: number;
}

export interface CloseOutcome {
  /** Everything committed was acknowledged before the timeout. */
  readonly flushed: boolean;
  /** Samples left in the queue directory for the next start. */
  readonly pendingSamples: number;
}

/** An Appendable that sends to a remote-write endpoint; see RemoteWriteClientOptions. */
export interface RemoteWriteClient extends Appendable {
  /** The queue directory is open (or why it could not be opened). commit() waits for this itself. */
  ready(): Promise<Result<void, StoreError>>;
  /**
   * Stops taking commits, sends what is queued for up to `timeoutMs` (default
   * 10000 ms), then stops; unsent samples stay on disk for the next client.
   */
  close(timeoutMs?: number): Promise<CloseOutcome>;
  stats(): RemoteWriteStats;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Throws RemoteWriteConfigError for invalid options (a start-up error; use
 * validateRemoteWriteOptions to get it as a value). The queue opens in the background.
 * @example
 * const client = createRemoteWriteClient({ url: 'http://hub:9470/api/v1/write', queueDir: '/var/lib/kubepulse/queue' });
 * createPipeline({ ..., appendable: client });
 * // on shutdown:
 * await client.close(10_000);
 */
export function createRemoteWriteClient(options: RemoteWriteClientOptions): RemoteWriteClient {
  const resolved = resolveClientOptions(options);
  if (!resolved.ok) throw resolved.error;
  const o = resolved.value;
  const url = urlLabel(o.url);
  const logger = (o.logger ?? silentLogger).child({ component: 'remote-write', url });
  let metrics: ReturnType<typeof createClientMetrics>;
  try {
    metrics = createClientMetrics(o.registry);
  } catch (e) {
    throw new RemoteWriteConfigError(`remote write ${url}: registry: ${(e as Error).message}`);
  }
  let sender;
  try {
    sender = createHttpSender(o, o.clock);
  } catch (e) {
    throw new RemoteWriteConfigError(`remote write ${url}: tls: ${(e as Error).message}`);
  }
  const totals = { sent: 0, retried: 0, failed: 0, dropped: 0, highestMs: 0 };
  const stop = new AbortController();
  let closing = false;

  const opened = DiskQueue.open({
    dir: o.queueDir,
    maxBytes: o.maxQueueBytes,
    segmentMaxBytes: o.segmentMaxBytes,
    partitions: o.shards,
    logger,
    onDrop: (n, reason) => {
      totals.dropped += n;
      metrics.dropped.inc({ url, reason }, n);
    },
  });
  let queue: DiskQueue | undefined;
  let dispatching: Promise<void> = Promise.resolve();

  const events: ShardEvents = {
    acked(shard, batch) {
      // A batch holds runs of samples from the same record, in record order.
      const refs = batch.refs;
      for (let i = 0; i < refs.length; ) {
        const ref = refs[i] as RecordRef;
        let j = i + 1;
        while (j < refs.length && refs[j] === ref) j++;
        ref.progress.set(shard, (ref.progress.get(shard) ?? 0) + (j - i));
        queue?.ack(ref, j - i);
        i = j;
      }
      inMemory -= refs.length;
      space?.();
      updateGauges();
    },
    sent(batch, seconds) {
      totals.sent += batch.t.length;
      metrics.sent.inc({ url }, batch.t.length);
      metrics.batchDuration.observe({ url }, seconds);
      let max = totals.highestMs;
      // Indexed: for…of over the column makes an iterator result per sample until the code is optimised.
      const ts = batch.t;
      for (let i = 0; i < ts.length; i++) if ((ts[i] as number) > max) max = ts[i] as number;
      totals.highestMs = max;
      metrics.highestSent.set({ url }, max / 1000);
    },
    retried(batch, reason, attempt, seconds) {
      totals.retried += batch.t.length;
      metrics.retried.inc({ url }, batch.t.length);
      metrics.batchDuration.observe({ url }, seconds);
      // The first failure and then every tenth: an outage of hours must not flood the log.
      if (attempt === 1 || attempt % 10 === 0)
        logger.warn('remote write failed, will retry', { attempt, samples: batch.t.length, reason });
    },
    failed(batch, status, body, seconds) {
      totals.failed += batch.t.length;
      metrics.failed.inc({ url, reason: `http_${status}` }, batch.t.length);
      metrics.batchDuration.observe({ url }, seconds);
      logger.error('remote write refused; dropping the batch (retrying cannot help)', {
        status,
        samples: batch.t.length,
        body,
      });
    },
  };
  const shards = Array.from({ length: o.shards }, (_, i) => new Shard(i, o, sender, events, logger, stop.signal));
  let inMemory = 0;
  let space: (() => void) | undefined;

  const updateGauges = (): void => {
    if (!queue) return;
    const s = queue.stats();
    metrics.pending.set({ url }, s.pendingSamples);
    metrics.queueBytes.set({ url }, s.bytes);
  };

  // Reads the queue in order and deals samples to shards, holding at most shards × shardCapacity in memory.
  const dispatch = async (q: DiskQueue): Promise<void> => {
    const limit = o.shards * o.shardCapacity;
    while (!stop.signal.aborted) {
      if (inMemory >= limit) {
        await new Promise<void>((resolve) => (space = resolve));
        space = undefined;
        continue;
      }
      const version = q.writeVersion;
      const rec = await q.read();
      if (!rec) {
        await q.whenReadable(version);
        continue;
      }
      // Samples a shard sent before a restart (see ack-checkpoint.ts) are a prefix of that shard's part: skip them.
      const resume = q.resumeProgress(rec.ref);
      const seen = new Int32Array(o.shards);
      const skip = Int32Array.from(shards, (_, i) => resume?.get(i) ?? 0);
      let skipped = 0;
      const { series, index, t, v, count } = rec.columns;
      for (let i = 0; i < count; i++) {
        const s = series[index[i] as number] as QueuedSeries;
        const shard = shardOf(s, o.shards);
        const nth = seen[shard] as number;
        seen[shard] = nth + 1;
        if (nth < (skip[shard] as number)) {
          skipped++;
          continue;
        }
        inMemory++;
        (shards[shard] as Shard).add(s, t[i] as number, v[i] as number, rec.ref);
      }
      if (resume) {
        for (const [shard, n] of resume) rec.ref.progress.set(shard, n);
        if (skipped > 0) q.ack(rec.ref, skipped);
      }
    }
  };

  const ready: Promise<Result<void, StoreError>> = opened.then((r) => {
    if (!r.ok) {
      logger.error('remote-write queue unavailable; commits will fail', { error: r.error.message });
      return err(new StoreError(r.error.message, { cause: r.error }));
    }
    queue = r.value;
    updateGauges();
    const pending = r.value.stats().pendingSamples;
    if (pending > 0) logger.info('resuming a remote-write queue left by an earlier run', { pendingSamples: pending });
    dispatching = dispatch(r.value).catch((e: unknown) => {
      // A bug, not an expected failure: the queue on disk keeps the samples for the next start.
      logger.error('remote-write dispatcher stopped', { err: e });
    });
    return ok(undefined);
  });

  // Label sets as remote write's bytes, encoded once per label object for as long as it lives.
  const encoder = new SeriesEncoder();
  const valid = (labels: Labels): boolean => checkLabels(labels) === undefined;
  // The size of the last record, so the next one's columns start at about the size they will need.
  let expect = 0;

  const appender = (): Appender => {
    // Samples go straight into the record's columns: no object per sample, and a label set is
    // checked and encoded once for as long as its object lives (a pipeline hands the same object
    // for the same series each collection), and added to the record once.
    let record = new RecordBuilder(expect);
    return {
      append(labels, t, v) {
        if (!Number.isFinite(t))
          return err(new AppendError('invalid_labels', `timestamp ${t} is not a finite number of milliseconds`));
        const series = encoder.encode(labels, valid);
        // Invalid label sets are not cached: checked again here to say why (a rare, rejected sample).
        if (!series) return err(new AppendError('invalid_labels', checkLabels(labels) ?? 'invalid labels'));
        record.add(record.addSeries(series), t, v);
        return ok(undefined);
      },
      async commit() {
        const batch = record;
        record = new RecordBuilder(expect);
        if (batch.count === 0) return ok(undefined);
        expect = batch.count;
        if (closing) return err(new StoreError(`remote write ${url}: client is closed`));
        const r = await ready;
        if (!r.ok || !queue) return r.ok ? err(new StoreError('remote-write queue not open')) : r;
        const written = await queue.append(batch.encode(), batch.columns());
        updateGauges();
        return written.ok ? ok(undefined) : err(new StoreError(written.error.message, { cause: written.error }));
      },
      rollback() {
        record = new RecordBuilder(expect);
      },
    };
  };

  let closed: Promise<CloseOutcome> | undefined;
  const close = (timeoutMs = 10_000): Promise<CloseOutcome> => (closed ??= shutDown(timeoutMs));
  const shutDown = async (timeoutMs: number): Promise<CloseOutcome> => {
    closing = true;
    await ready;
    for (const s of shards) s.flush();
    const deadline = Date.now() + timeoutMs;
    while ((queue?.stats().pendingSamples ?? 0) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    space?.();
    queue?.wake();
    await Promise.all([dispatching, ...shards.map((s) => s.done)]);
    await queue?.close();
    sender.close();
    const pendingSamples = queue?.stats().pendingSamples ?? 0;
    if (pendingSamples > 0) logger.warn('remote write closed with samples still queued on disk', { pendingSamples });
    return { flushed: pendingSamples === 0, pendingSamples };
  };

  return {
    appender,
    ready: () => ready,
    close,
    stats: () => {
      const q = queue?.stats() ?? { bytes: 0, segments: 0, pendingSamples: 0 };
      return {
        pendingSamples: q.pendingSamples,
        queueBytes: q.bytes,
        queueSegments: q.segments,
        sentSamples: totals.sent,
        retriedSamples: totals.retried,
        failedSamples: totals.failed,
        droppedSamples: totals.dropped,
        highestSentTimestampMs: totals.highestMs,
      };
    },
  };
}

/** Options checked as a value, for a CLI that wants to report them before starting. */
export function validateRemoteWriteOptions(options: RemoteWriteClientOptions): Result<void, RemoteWriteConfigError> {
  const r = resolveClientOptions(options);
  return r.ok ? ok(undefined) : r;
}

/** Names that passed LABEL_NAME: a node has a few dozen, and sources that build new label objects each collection check them every time. */
const validNames = new Set<string>();

function checkLabels(labels: Labels): string | undefined {
  const names = Object.keys(labels);
  if (names.length === 0) return 'empty label set';
  for (const n of names) {
    if (validNames.has(n)) continue;
    if (!LABEL_NAME.test(n)) return `invalid label name ${JSON.stringify(n)}`;
    if (validNames.size < 10_000) validNames.add(n);
  }
  return undefined;
}

/** The series' label-bytes hash (record-codec.ts): stable across restarts, so a series keeps its shard. */
function shardOf(series: QueuedSeries, n: number): number {
  return series.hash % n;
}
