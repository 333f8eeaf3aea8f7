/**
 * Prometheus' `tls_config` for scrapes (`ca_file`, `insecure_skip_verify`)
 * as one connection pool that every target of a scrape pool shares.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { err, ok, type Result } from '../../result.js';

export interface ScrapeTlsOptions {
  /** Verify targets' certificates against this PEM bundle instead of the system CAs. */
  readonly caFile?: string;
  /** Accept any certificate (self-signed exporters). It gives up protection against interception. */
  readonly insecureSkipVerify?: boolean;
}

/** undefined when nothing differs from the defaults; an error names the CA file that could not be read. */
export function scrapeTlsAgent(o: ScrapeTlsOptions): Result<Agent | undefined, Error> {
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
  return ok(new Agent({ connect: { rejectUnauthorized: o.insecureSkipVerify !== true, ...(ca !== undefined ? { ca } : {}) } }));
}
