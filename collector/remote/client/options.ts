/**
 * What a remote-write client can be told, with Prometheus' queue_config
 * defaults where Prometheus has one. Every duration is in milliseconds and
 * every size in bytes; the names say so.
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../../log/index.js';
import { err, ok, type Result } from '../../result.js';

/** TLS for an https:// endpoint; files are read once, when the client starts. */
export interface RemoteWriteTlsOptions {
  /** PEM file with the CA certificates that may sign the server's certificate; default: Node's bundled roots. */
  readonly caFile?: string;
  /** PEM client certificate for mutual TLS; needs `keyFile`. */
  readonly certFile?: string;
  /** PEM private key of `certFile`. */
  readonly keyFile?: string;
  /** Expected server name when it differs from the URL's host (SNI and certificate check). */
  readonly serverName?: string;
  /** Accept any server certificate. Only for test clusters: it gives up protection against interception. */
  readonly insecureSkipVerify?: boolean;
}

export interface RemoteWriteBasicAuth {
  readonly username: string;
  /** The password itself, or… */
  readonly password?: string;
  /** …a file holding it (trailing newline ignored), re-read when the file changes. */
  readonly passwordFile?: string;
}

export interface RemoteWriteClientOptions {
  /** The endpoint, e.g. `http://hub:9470/api/v1/write` or Mimir's `https://mimir/api/v1/push`. */
  readonly url: string;
  /**
   * Directory of the durable queue. Committed samples are on disk here before
   * commit() resolves and stay until the endpoint has acknowledged them, so a
   * restart or an outage of any length loses nothing (up to `maxQueueBytes`).
   * One client per directory: a second one would send everything twice.
   */
  readonly queueDir: string;
  /** Largest queue on disk, in bytes; beyond it the oldest segments are dropped and counted. Default 1 GiB. */
  readonly maxQueueBytes?: number;
  /** A segment file is closed and a new one started past this many bytes. Default 8 MiB. */
  readonly segmentMaxBytes?: number;
  /** Most samples in one request. Default 2000 (Prometheus' max_samples_per_send). */
  readonly maxSamplesPerSend?: number;
  /** A partial batch is sent at the latest this long after its first sample was read, in ms. Default 5000. */
  readonly batchSendDeadlineMs?: number;
  /** Parallel senders; a series always goes through the same one so its samples stay in order. Default 4. */
  readonly shards?: number;
  /** Samples each shard may hold in memory; reading from disk pauses when they are full. Default 10000. */
  readonly shardCapacity?: number;
  /** First retry delay after a recoverable failure, in ms; doubles up to `maxBackoffMs`. Default 30. */
  readonly minBackoffMs?: number;
  /** Longest retry delay, in ms. A longer Retry-After from the server is honoured anyway. Default 5000. */
  readonly maxBackoffMs?: number;
  /** Abort one request after this many ms and retry it. Default 30000 (Prometheus' remote_timeout). */
  readonly timeoutMs?: number;
  readonly basicAuth?: RemoteWriteBasicAuth;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** File holding the bearer token (a projected service-account token rotates), re-read when it changes. */
  readonly bearerTokenFile?: string;
  readonly tls?: RemoteWriteTlsOptions;
  /** Extra request headers, e.g. `X-Scope-OrgID` for Mimir tenants. The remote-write protocol headers cannot be overridden. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Where `kubepulse_remote_write_*` sender metrics go (labelled with `url`); none when omitted. */
  readonly registry?: Registry;
  readonly logger?: Logger;
  /** Milliseconds since the epoch; used for the batch deadline, backoff and Retry-After dates. */
  readonly clock?: () => number;
}

/** Options with every default filled in. */
export interface ResolvedClientOptions extends RemoteWriteClientOptions {
  readonly maxQueueBytes: number;
  readonly segmentMaxBytes: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadlineMs: number;
  readonly shards: number;
  readonly shardCapacity: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  readonly clock: () => number;
}

export const REMOTE_WRITE_DEFAULTS = {
  maxQueueBytes: 1024 * 1024 * 1024,
  segmentMaxBytes: 8 * 1024 * 1024,
  maxSamplesPerSend: 2000,
  batchSendDeadlineMs: 5000,
  shards: 4,
  shardCapacity: 10_000,
  minBackoffMs: 30,
  maxBackoffMs: 5000,
  timeoutMs: 30_000,
} as const;

/** Headers a user may not set: they define the protocol. */
const RESERVED_HEADERS = ['content-type', 'content-encoding', 'x-prometheus-remote-write-version', 'content-length'];

export class RemoteWriteConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteWriteConfigError';
  }
}

export function resolveClientOptions(
  o: RemoteWriteClientOptions,
): Result<ResolvedClientOptions, RemoteWriteConfigError> {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(o.url);
  } catch {
    problems.push(`url: expected an http:// or https:// URL, got ${JSON.stringify(o.url)}`);
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
    problems.push(`url: expected http: or https:, got ${JSON.stringify(url.protocol)}`);
  if (!o.queueDir) problems.push('queueDir: required');
  const r: ResolvedClientOptions = {
    ...REMOTE_WRITE_DEFAULTS,
    clock: Date.now,
    ...stripUndefined(o),
    url: o.url,
    queueDir: o.queueDir,
  };
  for (const key of Object.keys(REMOTE_WRITE_DEFAULTS) as (keyof typeof REMOTE_WRITE_DEFAULTS)[]) {
    const v = r[key];
    // minBackoffMs too: a zero backoff never grows and would retry in a tight loop.
    if (!Number.isFinite(v) || v < 1 || !Number.isInteger(v))
      problems.push(`${key}: expected a positive integer, got ${String(v)}`);
  }
  if (r.maxBackoffMs < r.minBackoffMs)
    problems.push(`maxBackoffMs: ${r.maxBackoffMs} is below minBackoffMs ${r.minBackoffMs}`);
  if (o.bearerToken !== undefined && o.bearerTokenFile !== undefined)
    problems.push('bearerToken and bearerTokenFile: set at most one');
  if (o.basicAuth && (o.bearerToken !== undefined || o.bearerTokenFile !== undefined))
    problems.push('basicAuth and bearerToken: set at most one kind of authorization');
  if (o.basicAuth && o.basicAuth.password !== undefined && o.basicAuth.passwordFile !== undefined)
    problems.push('basicAuth: set password or passwordFile, not both');
  if (o.tls && (o.tls.certFile === undefined) !== (o.tls.keyFile === undefined))
    problems.push('tls: certFile and keyFile go together');
  for (const name of Object.keys(o.headers ?? {})) {
    if (RESERVED_HEADERS.includes(name.toLowerCase()))
      problems.push(`headers.${name}: reserved by the remote-write protocol`);
    if (name.toLowerCase() === 'authorization' && (o.basicAuth || o.bearerToken || o.bearerTokenFile))
      problems.push(`headers.${name}: conflicts with basicAuth/bearerToken`);
  }
  if (problems.length > 0) return err(new RemoteWriteConfigError(`remote write ${o.url}: ${problems.join('; ')}`));
  return ok(r);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
