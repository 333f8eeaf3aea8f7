export { createRemoteWriteHandler, DEFAULT_MAX_DECOMPRESSED_BYTES } from './remote-write-handler.js';
export type { RemoteWriteHandler, RemoteWriteOptions } from './remote-write-handler.js';
export {
  decodeWriteRequest,
  encodeWriteRequest,
  encodeRemoteWriteBody,
  METRIC_TYPES,
  REMOTE_WRITE_HEADERS,
} from './write-request.js';
export type {
  WriteRequest,
  WireTimeSeries,
  WireLabel,
  WireSample,
  WireExemplar,
  WireHistogram,
  WireMetadata,
  WireMetricType,
} from './write-request.js';
export { snappyCompress, snappyDecompress, SnappyError } from './snappy-block.js';
export { ProtobufError } from './protobuf-reader.js';
export { ingestWriteRequest, toLabels } from './ingest.js';
export type { IngestOutcome, Rejection, RejectReason } from './ingest.js';
export { createMetadataStore } from './metadata-store.js';
export type { MetadataStore, MetadataStoreOptions, MetricMetadataEntry } from './metadata-store.js';
export {
  createRemoteWriteClient,
  validateRemoteWriteOptions,
  REMOTE_WRITE_DEFAULTS,
  RemoteWriteConfigError,
} from './client/index.js';
export type {
  RemoteWriteClient,
  RemoteWriteClientOptions,
  RemoteWriteStats,
  RemoteWriteTlsOptions,
  RemoteWriteBasicAuth,
  CloseOutcome,
} from './client/index.js';
