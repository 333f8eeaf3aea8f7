/**
 * Serving certificates are renewed on disk (cert-manager, a rotated Secret
 * whose mount is swapped through a symlink), so the files are read again
 * every `intervalMs` and a changed, valid pair is handed on; an invalid one
 * (half-written, key and certificate out of step) is reported and the running
 * pair kept. Polling rather than fs.watch: symlink swaps defeat inotify watches.
 */
import type { Logger } from '../log/index.js';
import { loadTlsFiles, type PemPair, type TlsFiles } from './tls.js';

export interface TlsReloadOptions {
  readonly files: TlsFiles;
  /** The pair in use now; only a different one is handed to `onChange`. */
  readonly current: PemPair;
  readonly onChange: (pair: PemPair) => void;
  readonly logger: Logger;
  readonly intervalMs?: number;
}

/** Starts polling; the returned function stops it. */
export function watchTlsFiles(o: TlsReloadOptions): () => void {
  let current = o.current;
  let lastError = '';
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void loadTlsFiles(o.files)
      .then((r) => {
        if (!r.ok) {
          if (r.error !== lastError)
            o.logger.warn('TLS certificate not reloaded; keeping the one in use', { error: r.error });
          lastError = r.error;
          return;
        }
        lastError = '';
        if (r.value.cert === current.cert && r.value.key === current.key) return;
        current = r.value;
        o.onChange(r.value);
        o.logger.info('TLS certificate reloaded', { certFile: o.files.certFile });
      })
      .finally(() => (busy = false));
  }, o.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
