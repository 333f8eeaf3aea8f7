/**
 * Periodic upkeep on a wall-clock schedule (node-cron): retention is enforced
 * at the start of every hour, so a store that stopped receiving samples still
 * sheds old blocks (otherwise retention runs only when the head is persisted).
 */
import cron from 'node-cron';
import type { Logger } from '../../log/index.js';
import type { Tsdb } from '../../tsdb/index.js';

export const RETENTION_SCHEDULE = '0 * * * *';

export function scheduleHousekeeping(tsdb: Tsdb, logger: Logger, signal: AbortSignal): void {
  const task = cron.schedule(RETENTION_SCHEDULE, () => {
    tsdb.enforceRetention(Date.now()).catch((e: unknown) => logger.error('enforcing retention failed', { error: String(e) }));
  }, { name: 'retention', noOverlap: true });
  signal.addEventListener('abort', () => void task.stop(), { once: true });
}
