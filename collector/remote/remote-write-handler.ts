/**
 * The remote-write 1.0 receiver as an HTTP handler: `POST /api/v1/write` with
 * a snappy-compressed prometheus.WriteRequest. Status codes follow the spec:
 * 204 when everything was stored, 400 for a request that will never succeed
 * (malformed body, or some samples rejected — the good ones are kept), 413 for
 * an oversized body, 415 for another protocol, 500 when the store failed and
 * the sender should retry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import { silentLogger } from '../log/index.js';
import type { Appendable } from '../tsdb/interface.js';
import { decodeFlatWriteRequest, type FlatWriteRequest } from './flat-write-request.js';
import { ingestFlatWriteRequest, type IngestOutcome, type RejectReason } from './ingest.js';
import type { MetadataStore } from './metadata-store.js';
import { snappyDecompress } from './snappy-block.js';

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;
/** Decoding buffers kept for reuse: about as many as senders have requests in flight. */
const POOL_SIZE = 4;
/** A decompression buffer larger than this is not kept for reuse (idle memory). */
const POOLED_BUFFER_MAX = 4 * 1024 * 1024;

/** How many rejection reasons the 400 body lists; the rest are only counted. */
const REASONS_IN_BODY = 5;

export interface RemoteWriteOptions {
  readonly appendable: Appendable;
  /** Receives the metadata carried by requests (for /api/v1/metadata). */
  readonly metadata?: MetadataStore;
  /** Largest accepted WriteRequest after decompression; default 32 MiB. */
  readonly maxDecompressedBytes?: number;
  /** Where `kubepulse_remote_write_*` counters are registered; none when omitted. */
  readonly registry?: Registry;
  readonly logger?: Logger;
}

/** A Node/express request handler; express 5 accepts it as is. */
export type RemoteWriteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * @example
 * app.post('/api/v1/write', createRemoteWriteHandler({ appendable: tsdb, metadata, registry }));
 */
export function createRemoteWriteHandler(options: RemoteWriteOptions): RemoteWriteHandler {
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  // A valid snappy block is never larger than this (the format's worst case), so
  // anything beyond it on the wire cannot decompress to an acceptable request.
  const maxWireBytes = 32 + maxBytes + Math.ceil(maxBytes / 6);
  const log = options.logger ?? silentLogger;
  const registers = options.registry ? [options.registry] : [];
  const rejectedTotal = new Counter({
    name: 'kubepulse_remote_write_rejected_samples_total',
    help: 'Samples in remote-write requests that were not stored, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const acceptedTotal = new Counter({
    name: 'kubepulse_remote_write_samples_total',
    help: 'Samples received by remote write and stored.',
    registers,
  });
  const badRequests = new Counter({
    name: 'kubepulse_remote_write_invalid_requests_total',
    help: 'Remote-write requests refused as a whole (malformed, too large, wrong protocol).',
    registers,
  });

  // Each request decompresses and decodes into buffers taken from here and
  // given back once its samples are in the store: steady remote write then
  // allocates almost nothing per request (less GC work, a smaller heap).
  const pool: Array<{ raw: Uint8Array; flat: FlatWriteRequest | undefined }> = [];
  const release = (raw: Uint8Array, flat: FlatWriteRequest | undefined): void => {
    if (pool.length < POOL_SIZE && raw.buffer.byteLength <= POOLED_BUFFER_MAX) {
      pool.push({ raw: new Uint8Array(raw.buffer, 0, raw.buffer.byteLength), flat });
    }
  };

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    badRequests.inc();
    reply(res, status, message);
  };

  return async (req, res) => {
    const protocol = checkHeaders(req);
    if (protocol) return refuse(res, 415, protocol);
    const body = await readBody(req, maxWireBytes);
    if (body === 'too_large') {
      // The rest of the body is not read; closing the connection after the answer stops the sender's upload.
      res.setHeader('Connection', 'close');
      return refuse(
        res,
        413,
        `request body exceeds ${maxWireBytes} bytes, more than a ${maxBytes}-byte request can compress to`,
      );
    }
    if (body === 'aborted') return;
    const pooled = pool.pop();
    const raw = snappyDecompress(body, maxBytes, pooled?.raw);
    if (!raw.ok) {
      if (pooled) pool.push(pooled);
      return refuse(res, raw.error.tooLarge ? 413 : 400, raw.error.message);
    }
    // As a Buffer, so a store decoding labels of new series from it need not wrap it per series.
    const decoded = decodeFlatWriteRequest(
      Buffer.from(raw.value.buffer, raw.value.byteOffset, raw.value.byteLength),
      pooled?.flat,
    );
    if (!decoded.ok) {
      release(raw.value, pooled?.flat);
      return refuse(res, 400, decoded.error.message);
    }

    options.metadata?.add(decoded.value.metadata);
    let outcome: IngestOutcome;
    try {
      outcome = await ingestFlatWriteRequest(options.appendable, decoded.value);
    } catch (e) {
      // A store that throws (closed during shutdown, a bug) must not take the server down; 500 makes the sender retry.
      log.error('remote write failed', { err: e });
      return reply(res, 500, `storing the samples failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      // Nothing keeps a view of the buffers past ingestion: the store copies label strings it keeps.
      release(raw.value, decoded.value);
    }
    if (outcome.commitError) {
      log.error('remote write commit failed', { err: outcome.commitError });
      return reply(res, 500, `storing the samples failed: ${outcome.commitError.message}`);
    }
    acceptedTotal.inc(outcome.accepted);
    if (outcome.rejected.length === 0) return reply(res, 204, '');

    const byReason = new Map<RejectReason, number>();
    for (const r of outcome.rejected) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
    for (const [reason, n] of byReason) rejectedTotal.inc({ reason }, n);
    const total = outcome.accepted + outcome.rejected.length;
    const lines = outcome.rejected.slice(0, REASONS_IN_BODY).map((r) => `${r.reason}: ${r.message}`);
    const more = outcome.rejected.length - lines.length;
    log.warn('remote write samples rejected', { rejected: outcome.rejected.length, first: lines[0] });
    reply(
      res,
      400,
      `${outcome.rejected.length} of ${total} samples rejected (the other ${outcome.accepted} were stored):\n` +
        lines.join('\n') +
        (more > 0 ? `\n… and ${more} more` : ''),
    );
  };
}

/** Why the request is not remote write 1.0, or undefined when it is. */
function checkHeaders(req: IncomingMessage): string | undefined {
  if (req.method !== 'POST') return `remote write takes POST, not ${req.method ?? '?'}`;
  const encoding = (req.headers['content-encoding'] ?? 'snappy').trim().toLowerCase();
  if (encoding !== 'snappy')
    return `unsupported Content-Encoding ${JSON.stringify(encoding)}: remote write 1.0 bodies are snappy block-compressed`;
  const type = req.headers['content-type'];
  // Like Prometheus, a missing Content-Type is taken as 1.0 so old senders keep working.
  if (type !== undefined) {
    const [media, ...params] = type.split(';').map((s) => s.trim().toLowerCase());
    if (media !== 'application/x-protobuf')
      return `unsupported Content-Type ${JSON.stringify(type)}: expected application/x-protobuf`;
    const proto = params.find((p) => p.startsWith('proto='))?.slice(6);
    if (proto !== undefined && proto !== 'prometheus.writerequest') {
      return `unsupported protobuf message ${JSON.stringify(proto)}: only remote write 1.0 (prometheus.WriteRequest) is accepted`;
    }
  }
  return undefined;
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | 'too_large' | 'aborted'> {
  // A body parser mounted earlier (express.raw) may already have read it.
  const parsed: unknown = (req as { body?: unknown }).body;
  if (parsed instanceof Uint8Array) return parsed.length > maxBytes ? 'too_large' : parsed;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return 'too_large';
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > maxBytes) return 'too_large';
      chunks.push(b);
    }
  } catch {
    return 'aborted';
  }
  return Buffer.concat(chunks, size);
}

function reply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(text + '\n');
}
