/**
 * The blocks of a data directory: every `<ULID>/` with a meta.json. Damaged
 * blocks are reported and skipped, never fatal, so one bad directory cannot
 * keep the store from starting.
 */
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../interface.js';
import { openBlock, type Block, type OpenBlockOptions } from './block.js';
import { TMP_FOR_CREATION } from './block-writer.js';
import { removeDir, syncDir } from './durable-fs.js';
import { META_FILENAME, parseMeta, type BlockMeta } from './meta.js';
import { isUlid } from './ulid.js';

export const TMP_FOR_DELETION = '.tmp-for-deletion';

export interface ListedBlock {
  readonly dir: string;
  readonly meta: BlockMeta;
}

export interface Listing<T> {
  /** Sorted by minTime, then ULID. */
  readonly blocks: readonly T[];
  /** One error per directory that looked like a block but could not be used. */
  readonly problems: readonly StoreError[];
}

async function blockDirs(dataDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dataDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries.filter((e) => e.isDirectory() && isUlid(e.name)).map((e) => join(dataDir, e.name));
}

const byTime = (a: { meta: BlockMeta }, b: { meta: BlockMeta }): number =>
  a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : a.meta.ulid > b.meta.ulid ? 1 : 0);

/** Reads every block's meta.json without opening the block. */
export async function listBlocks(dataDir: string): Promise<Listing<ListedBlock>> {
  const blocks: ListedBlock[] = [];
  const problems: StoreError[] = [];
  for (const dir of await blockDirs(dataDir)) {
    const file = join(dir, META_FILENAME);
    try {
      const meta = parseMeta(file, await readFile(file, 'utf8'));
      if (meta.ok) blocks.push({ dir, meta: meta.value });
      else problems.push(new StoreError(`block ${dir}: ${meta.error.message}`, { cause: meta.error }));
    } catch (e) {
      problems.push(
        new StoreError(`block ${dir}: cannot read ${META_FILENAME}: ${(e as Error).message}`, { cause: e }),
      );
    }
  }
  return { blocks: blocks.sort(byTime), problems };
}

/** Opens every block; the ones that fail their checks are closed, reported and left on disk. */
export async function openBlocks(dataDir: string, options: OpenBlockOptions = {}): Promise<Listing<Block>> {
  const listed = await listBlocks(dataDir);
  const blocks: Block[] = [];
  const problems = [...listed.problems];
  for (const b of listed.blocks) {
    const r = await openBlock(b.dir, options);
    if (r.ok) blocks.push(r.value);
    else problems.push(r.error);
  }
  return { blocks: blocks.sort(byTime), problems };
}

/**
 * Removes what an interrupted write or compaction left behind: temporary
 * directories, and blocks that a finished compaction lists as its parents
 * (the compaction's result already holds their data).
 */
export async function removeLeftovers(dataDir: string): Promise<string[]> {
  const removed: string[] = [];
  let entries;
  try {
    entries = await readdir(dataDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  for (const e of entries) {
    if (e.isDirectory() && (e.name.endsWith(TMP_FOR_CREATION) || e.name.endsWith(TMP_FOR_DELETION))) {
      await removeDir(join(dataDir, e.name));
      removed.push(join(dataDir, e.name));
    }
  }
  const { blocks } = await listBlocks(dataDir);
  const present = new Set(blocks.map((b) => b.meta.ulid));
  const superseded = new Set<string>();
  for (const b of blocks)
    for (const p of b.meta.compaction.parents ?? [])
      if (present.has(p.ulid) && p.ulid !== b.meta.ulid) superseded.add(p.ulid);
  for (const b of blocks) {
    if (superseded.has(b.meta.ulid)) {
      await deleteBlockDir(b.dir);
      removed.push(b.dir);
    }
  }
  return removed;
}

/**
 * Deletes a block directory so that a crash midway never leaves a half
 * block that looks whole: it is renamed away first, then removed.
 */
export async function deleteBlockDir(dir: string): Promise<void> {
  const tmp = dir + TMP_FOR_DELETION;
  await rename(dir, tmp);
  await syncDir(join(dir, '..'));
  await removeDir(tmp);
}
