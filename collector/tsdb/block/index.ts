export { writeBlock, type BlockSeriesInput, type ChunkInput, type WriteBlockOptions } from './block-writer.js';
export { openBlock, type Block, type OpenBlockOptions } from './block.js';
export {
  listBlocks,
  openBlocks,
  removeLeftovers,
  deleteBlockDir,
  type ListedBlock,
  type Listing,
} from './block-dir.js';
export { BlockQuerier, BlockSeries } from './block-querier.js';
export { compactBlocks, type CompactOptions } from './compact.js';
export { compactPlanned, cleanTombstones, applyRetention, type ReplaceResult } from './maintenance.js';
export {
  planCompaction,
  beyondRetention,
  exponentialRanges,
  type PlannedBlock,
  type RetentionOptions,
} from './plan.js';
export type { BlockMeta, BlockDesc } from './meta.js';
export type { Interval, Tombstones } from './tombstones.js';
export { CorruptionError } from './decbuf.js';
export { newUlid, isUlid } from './ulid.js';
