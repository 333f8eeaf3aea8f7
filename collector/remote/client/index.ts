export { createRemoteWriteClient, validateRemoteWriteOptions } from './remote-write-client.js';
export type { RemoteWriteClient, RemoteWriteStats, CloseOutcome } from './remote-write-client.js';
export { REMOTE_WRITE_DEFAULTS, RemoteWriteConfigError } from './options.js';
export type { RemoteWriteClientOptions, RemoteWriteTlsOptions, RemoteWriteBasicAuth } from './options.js';
