/**
 * The `acked` file of a queue directory: how far the endpoint has
 * acknowledged. `segment`/`offset` is the end of the contiguous acknowledged
 * prefix; `partial` lists records past it that some shards have already sent
 * (per shard, how many of the record's samples for that shard, which are
 * always a prefix because a shard sends in order). After a restart with the
 * same shard count those samples are skipped, so only requests that were in
 * flight at the crash are sent twice; a receiver that refuses an old sample
 * (Prometheus rolls back the whole request) then loses nothing new.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log/index.js';
import { s, type Infer } from '../../schema/index.js';

const CheckpointSchema = s.object({
  segment: s.number().int().nonnegative(),
  offset: s.number().int().nonnegative(),
  partitions: s.number().int().nonnegative().default(0),
  partial: s
    .array(
      s.object({
        segment: s.number().int(),
        end: s.number().int(),
        progress: s.array(s.tuple([s.number().int(), s.number().int()])),
      }),
    )
    .default([]),
});
export type AckCheckpoint = Infer<typeof CheckpointSchema>;

const FILE = 'acked';
export const EMPTY_CHECKPOINT: AckCheckpoint = { segment: 0, offset: 0, partitions: 0, partial: [] };

export async function readCheckpoint(dir: string, logger: Logger): Promise<AckCheckpoint> {
  const file = path.join(dir, FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return EMPTY_CHECKPOINT; // a new queue
  }
  let parsed: ReturnType<typeof CheckpointSchema.safeParse> | undefined;
  try {
    parsed = CheckpointSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success) return parsed.data;
  // Reading from the first segment instead means sending some samples twice, never losing any.
  logger.warn('remote-write queue: unreadable acknowledgement file, resending from the oldest segment', {
    file,
    error: parsed ? parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not JSON',
  });
  return EMPTY_CHECKPOINT;
}

/**
 * Writes the latest state, one write at a time: a request made while a write
 * is under way is folded into one more write after it, with the state as it is then.
 */
export class CheckpointWriter {
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    /** The state to write, and segment files that may be deleted once it is written. */
    private readonly snapshot: () => { checkpoint: AckCheckpoint; deletable: readonly string[] },
  ) {}

  schedule(): void {
    this.dirty = true;
    this.running ??= this.loop();
  }

  async flush(): Promise<void> {
    await this.running;
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const { checkpoint, deletable } = this.snapshot();
      try {
        const tmp = path.join(this.dir, FILE + '.tmp');
        await writeFile(tmp, JSON.stringify(checkpoint));
        await rename(tmp, path.join(this.dir, FILE));
        for (const f of deletable) await rm(f, { force: true });
      } catch (e) {
        this.logger.warn('cannot record the acknowledged queue position', {
          dir: this.dir,
          error: (e as Error).message,
        });
      }
    }
    this.running = undefined;
  }
}
