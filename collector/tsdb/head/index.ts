export { Head, type HeadOptions, type SeriesChunks, type AppendWindow, type RejectReason } from './head.js';
export { HeadAppender, type CommitBatch, type DurableLog } from './head-appender.js';
export { HeadQuerier } from './head-querier.js';
export { type TsdbLimits } from './limits.js';
export { type ChunkMeta } from './mem-series.js';
export { DEFAULT_CHUNK_RANGE_MS, SAMPLES_PER_CHUNK } from './chunk-range.js';
export { seriesForBlock, type PersistSeries } from './head-blocks.js';
