/**
 * The notification log (Alertmanager's nflog): per aggregation group and
 * integration, which alerts were firing and which resolved when the last
 * notification went out. Dedup reads it to decide whether anything changed;
 * it is saved to a file after every entry so a restart neither resends what
 * was sent nor forgets what was not. Entries expire after `retentionMs`.
 */
import { z } from 'zod';
import { ok, type Result } from '../result.js';
import { JsonFile } from './json-file.js';

/** Times in ms since epoch. */
export interface NflogEntry {
  readonly groupKey: string;
  /** `receiver/integration/index`, e.g. `team-x/webhook/0`. */
  readonly receiver: string;
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
  readonly timestamp: number;
  readonly expiresAt: number;
}

const EntrySchema = z.object({
  groupKey: z.string(),
  receiver: z.string(),
  firing: z.array(z.string()),
  resolved: z.array(z.string()),
  timestamp: z.number(),
  expiresAt: z.number(),
});
const FileSchema = z.object({ version: z.literal(1), entries: z.array(EntrySchema) });

export interface NflogOptions {
  /** Where the log is kept; undefined keeps it in memory only. */
  readonly file?: string;
  readonly retentionMs: number;
  readonly clock: () => number;
}

const keyOf = (groupKey: string, receiver: string): string => `${groupKey}\u0000${receiver}`;

export class NotificationLog {
  readonly #entries = new Map<string, NflogEntry>();
  readonly #file: JsonFile | undefined;

  private constructor(private readonly o: NflogOptions) {
    this.#file = o.file === undefined ? undefined : new JsonFile(o.file);
  }

  /** Opens the log, loading what an earlier run saved; a damaged file is an error naming it. */
  static async open(o: NflogOptions): Promise<Result<NotificationLog, Error>> {
    const log = new NotificationLog(o);
    if (!log.#file) return ok(log);
    const saved = await log.#file.readValid(FileSchema);
    if (!saved.ok) return saved;
    if (saved.value === undefined) return ok(log);
    const now = o.clock();
    for (const e of saved.value.entries) if (e.expiresAt > now) log.#entries.set(keyOf(e.groupKey, e.receiver), e);
    return ok(log);
  }

  query(groupKey: string, receiver: string): NflogEntry | undefined {
    return this.#entries.get(keyOf(groupKey, receiver));
  }

  /** Records a notification and saves the log. */
  async log(groupKey: string, receiver: string, firing: readonly string[], resolved: readonly string[]): Promise<void> {
    const now = this.o.clock();
    const e: NflogEntry = { groupKey, receiver, firing, resolved, timestamp: now, expiresAt: now + this.o.retentionMs };
    this.#entries.set(keyOf(groupKey, receiver), e);
    await this.#save();
  }

  /** Drops expired entries; returns how many. */
  async gc(): Promise<number> {
    const now = this.o.clock();
    let n = 0;
    for (const [k, e] of this.#entries) {
      if (e.expiresAt <= now) {
        this.#entries.delete(k);
        n++;
      }
    }
    if (n > 0) await this.#save();
    return n;
  }

  /** Resolves when pending saves have reached the disk. */
  async close(): Promise<void> {
    await this.#file?.settled();
  }

  async #save(): Promise<void> {
    await this.#file?.write({ version: 1, entries: [...this.#entries.values()] });
  }
}
