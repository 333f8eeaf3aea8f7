/**
 * Prometheus' `tls_config` for scrapes (`ca_file`, `insecure_skip_verify`)
 * as one keep-alive connection pool that every target of a scrape pool shares.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { err, ok, type Result } from '../../result.js';

export interface ScrapeTlsOptions {
  /** Verify targets' certificates against this PEM bundle instead of the system CAs. */
  readonly caFile?: string;
  /** Accept any certificate (self-signed exporters). It gives up protection against interception. */
  readonly insecureSkipVerify?: boolean;
}

/**
 * How scrapes of https targets connect: a node:https Agent holding the TLS
 * settings and the kept-alive sockets. Plain http targets use Node's global
 * agent. `destroy()` closes its sockets.
 */
export type ScrapeTransport = Agent;

/** undefined when nothing differs from the defaults; an error names the CA file that could not be read. */
export function scrapeTlsAgent(o: ScrapeTlsOptions): Result<ScrapeTransport | undefined, Error> {
  if (o.caFile === undefined && o.insecureSkipVerify !== true) return ok(undefined);
  let ca: string | undefined;
  if (o.caFile !== undefined) {
    try {
      // Once, at start: a missing CA file must stop the start, not fail every scrape later.
      ca = readFileSync(o.caFile, 'utf8');
    } catch (e) {
      return err(new Error(`cannot read CA file ${o.caFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) return err(new Error(`${o.caFile}: no PEM certificate in it`));
  }
  return ok(
    new Agent({
      keepAlive: true,
      rejectUnauthorized: o.insecureSkipVerify !== true,
      ...(ca !== undefined ? { ca } : {}),
    }),
  );
}
