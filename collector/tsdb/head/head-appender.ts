/**
 * A batch of samples for the head. Each append is checked at once, so the
 * caller learns which sample was bad; nothing is visible to queriers until
 * commit() has written the batch to the durable log (when there is one) and
 * applied it.
 */
import { err, ok, type Result } from '../../result.js';
import { floatHi, lastLo } from '../chunkenc/float-bits.js';
import { AppendError, StoreError, type Appender, type EncodedLabels, type Labels } from '../interface.js';
import { canonicalPairs, hashEncodedPairs } from '../labels/label-set.js';
import type { AppendWindow, Head } from './head.js';
import type { MemSeries } from './mem-series.js';

/** What commit hands to the durable log before the samples become visible. */
export interface CommitBatch {
  /** Series this batch is the first to carry; the log must record them before the samples. */
  readonly newSeries: readonly MemSeries[];
  readonly refs: readonly number[];
  readonly ts: readonly number[];
  /** Values; only the first `length` entries are meaningful. */
  readonly vs: Float64Array;
  readonly length: number;
}

/** Results are immutable, so every successful append can share one. */
const OK: Result<void, AppendError> = ok(undefined);

export type DurableLog = (batch: CommitBatch) => Promise<Result<void, StoreError>>;

export class HeadAppender implements Appender {
  private refs: number[] = [];
  private ts: number[] = [];
  private vs = new Float64Array(8);
  private n = 0;
  /** ref -> index in the batch of the series' newest pending in-order sample. */
  private readonly lastPending = new Map<number, number>();
  private readonly window: AppendWindow;
  private done = false;

  constructor(
    private readonly head: Head,
    private readonly log: DurableLog | undefined,
    /** Called after a successful commit (the store checks whether to persist a block). */
    private readonly afterCommit?: () => void,
  ) {
    this.window = head.appendWindow();
  }

  append(labels: Labels, t: number, v: number): Result<void, AppendError> {
    if (this.done) throw new Error('appender used after commit or rollback');
    const head = this.head;
    let s = head.lookupLabels(labels);
    if (!s) {
      const created = head.getOrCreate(canonicalPairs(labels));
      if (created instanceof AppendError) return this.reject(created);
      s = created.series;
    }
    return this.appendTo(s, t, v);
  }

  appendEncoded(labels: EncodedLabels, t: number, v: number): Result<void, AppendError> | undefined {
    if (this.done) throw new Error('appender used after commit or rollback');
    const hash = hashEncodedPairs(labels.buf, labels.offsets, labels.count);
    if (hash < 0) return undefined; // not ASCII
    let s = this.head.lookupEncoded(labels, hash);
    if (!s) {
      const pairs = asciiPairs(labels);
      if (pairs === undefined) return undefined;
      // For ASCII the byte hash is the string hash, and the lookup above just missed.
      const created = this.head.create(pairs, hash, undefined, false, true);
      if (created instanceof AppendError) return this.reject(created);
      s = created.series;
    }
    return this.appendTo(s, t, v);
  }

  private appendTo(s: MemSeries, t: number, v: number): Result<void, AppendError> {
    const head = this.head;
    const idx = this.lastPending.get(s.ref);
    const lastT = idx !== undefined ? this.ts[idx]! : s.lastT;
    // Only a sample at the very same time needs the previous value compared.
    const isLast =
      t !== lastT ? undefined : idx !== undefined ? sameBits(this.vs[idx]!, v) : s.head?.lastValueIs(v) === true;
    const verdict = head.admit(s, t, v, lastT, isLast === true, this.window);
    if (verdict instanceof AppendError) return this.reject(verdict);
    if (verdict === 'noop') return OK;
    if (verdict === 'in_order') this.lastPending.set(s.ref, this.n);
    this.push(s.ref, t, v);
    return OK;
  }

  private reject(e: AppendError): Result<void, AppendError> {
    this.head.rejected[e.kind]++;
    return err(e);
  }

  private push(ref: number, t: number, v: number): void {
    if (this.n === this.vs.length) {
      const next = new Float64Array(this.vs.length * 2);
      next.set(this.vs);
      this.vs = next;
    }
    this.refs.push(ref);
    this.ts.push(t);
    this.vs[this.n++] = v;
  }

  async commit(): Promise<Result<void, StoreError>> {
    if (this.done) return err(new StoreError('appender already committed or rolled back'));
    this.done = true;
    if (this.n === 0) return ok(undefined);
    const head = this.head;
    const newSeries: MemSeries[] = [];
    // Most batches create no series; deleting from unlogged as we go also skips repeated refs.
    if (head.unlogged.size > 0) {
      for (const ref of this.refs) {
        if (!head.unlogged.has(ref)) continue;
        const s = head.getByRef(ref);
        if (!s) continue;
        head.unlogged.delete(ref);
        newSeries.push(s);
      }
    }
    if (this.log) {
      const logged = await this.log({ newSeries, refs: this.refs, ts: this.ts, vs: this.vs, length: this.n });
      if (!logged.ok) {
        for (const s of newSeries) if (head.getByRef(s.ref) === s) head.unlogged.add(s.ref);
        return err(
          new StoreError(`commit of ${this.n} samples failed: ${logged.error.message}`, { cause: logged.error }),
        );
      }
    }
    for (let i = 0; i < this.n; i++) {
      const s = head.getByRef(this.refs[i]!);
      // Another commit may have moved the series on meanwhile; Prometheus drops such samples too.
      if (!s || !head.apply(s, this.ts[i]!, this.vs[i]!)) head.rejected.out_of_order++;
    }
    this.afterCommit?.();
    return ok(undefined);
  }

  rollback(): void {
    this.done = true;
    this.refs = [];
    this.ts = [];
    this.n = 0;
  }
}

/**
 * The pairs as strings when every byte is ASCII (one byte, one UTF-16 unit)
 * and names ascend strictly as the head keeps them; undefined otherwise.
 */
function asciiPairs(labels: EncodedLabels): string[] | undefined {
  const { buf, offsets, count } = labels;
  // The receiver passes a Buffer; anything else gets a Buffer view for toString.
  const view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Array<string>(2 * count);
  for (let i = 0; i < 2 * count; i++) {
    const start = offsets[2 * i]!;
    const end = offsets[2 * i + 1]!;
    for (let b = start; b < end; b++) if (buf[b]! >= 0x80) return undefined;
    // latin1 copies the bytes into a new flat string that keeps no reference to the request buffer.
    out[i] = view.toString('latin1', start, end);
    if (i % 2 === 1 && out[i] === '') return undefined;
    if (i >= 2 && i % 2 === 0 && !(out[i - 2]! < out[i]!)) return undefined;
  }
  return out;
}

function sameBits(a: number, b: number): boolean {
  const aHi = floatHi(a);
  const aLo = lastLo();
  return floatHi(b) === aHi && lastLo() === aLo;
}
