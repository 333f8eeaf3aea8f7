export { writeBlock, type BlockSeriesInput, type ChunkInput, type WriteBlockOptions } from './block-writer.js';
export type { BlockMeta, BlockDesc } from './meta.js';
export { newUlid, isUlid } from './ulid.js';
