/**
 * Compaction, retention and tombstone cleaning as whole steps over a data
 * directory. Each step writes its new block first and only then closes and
 * deletes the blocks it replaces, so a crash at any point loses nothing: at
 * worst an input survives next to its replacement, and removeLeftovers()
 * deletes it on the next start.
 *
 * The caller owns the open Block objects: blocks named in a step's result as
 * removed are closed by the step and must not be queried afterwards.
 */
import { StoreError } from '../interface.js';
import { err, ok, type Result } from '../../result.js';
import type { Block } from './block.js';
import { deleteBlockDir, listBlocks } from './block-dir.js';
import { compactBlocks, type CompactOptions } from './compact.js';
import { dirSize } from './durable-fs.js';
import type { BlockMeta } from './meta.js';
import { beyondRetention, planCompaction, type RetentionOptions } from './plan.js';
import { countTombstones } from './tombstones.js';

export interface ReplaceResult {
  /** Input blocks now closed and deleted. */
  readonly removed: readonly Block[];
  /** Blocks written in their place (to be opened by the caller). */
  readonly added: readonly BlockMeta[];
}

async function retire(blocks: readonly Block[]): Promise<void> {
  for (const b of blocks) {
    await b.close();
    await deleteBlockDir(b.dir);
  }
}

/**
 * Runs one planned compaction (see planCompaction) over `blocks`, if one is
 * due. Call again until `removed` comes back empty to reach a steady state.
 */
export async function compactPlanned(
  dataDir: string,
  blocks: readonly Block[],
  rangesMs: readonly number[],
  options: CompactOptions = {},
): Promise<Result<ReplaceResult, StoreError>> {
  const plan = planCompaction(blocks, rangesMs);
  if (plan.length === 0) return ok({ removed: [], added: [] });
  // A single block is planned only to drop its deleted data; it keeps its level then.
  const r = await compactBlocks(dataDir, plan, { ...options, keepLevel: plan.length === 1 });
  if (!r.ok) return r;
  try {
    await retire(plan);
  } catch (e) {
    return err(
      new StoreError(
        `compacted into ${r.value?.ulid ?? 'nothing'} but removing its inputs failed: ${(e as Error).message}`,
        { cause: e },
      ),
    );
  }
  return ok({ removed: plan, added: r.value ? [r.value] : [] });
}

/** Rewrites every block that has tombstones without the deleted data (Prometheus' clean_tombstones). */
export async function cleanTombstones(
  dataDir: string,
  blocks: readonly Block[],
  options: CompactOptions = {},
): Promise<Result<ReplaceResult, StoreError>> {
  const removed: Block[] = [];
  const added: BlockMeta[] = [];
  for (const b of blocks) {
    if (countTombstones(b.tombstones()) === 0) continue;
    const r = await compactBlocks(dataDir, [b], { ...options, keepLevel: true });
    if (!r.ok) return r;
    try {
      await retire([b]);
    } catch (e) {
      return err(
        new StoreError(`rewrote ${b.dir} but removing the original failed: ${(e as Error).message}`, { cause: e }),
      );
    }
    removed.push(b);
    if (r.value) added.push(r.value);
  }
  return ok({ removed, added });
}

/**
 * Deletes blocks beyond the time or size budget, oldest first. Works on the
 * directory (it opens nothing); `close` is called first for each doomed block
 * so the caller can release it.
 */
export async function applyRetention(
  dataDir: string,
  options: RetentionOptions,
  close: (ulid: string) => Promise<void> = () => Promise.resolve(),
): Promise<Result<readonly BlockMeta[], StoreError>> {
  try {
    const { blocks } = await listBlocks(dataDir);
    const sizes = new Map<string, number>();
    for (const b of blocks) sizes.set(b.dir, await dirSize(b.dir));
    const doomed = beyondRetention(blocks, options, (b) => sizes.get(b.dir)!);
    for (const b of doomed) {
      await close(b.meta.ulid);
      await deleteBlockDir(b.dir);
    }
    return ok(doomed.map((b) => b.meta));
  } catch (e) {
    return err(new StoreError(`applying retention in ${dataDir} failed: ${(e as Error).message}`, { cause: e }));
  }
}
