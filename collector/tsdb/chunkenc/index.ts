export { XorChunk, XorIterator, ENCODING_XOR, MAX_SAMPLES_PER_CHUNK } from './xor-chunk.js';
export { STALE_NAN, isStaleNaN } from './float-bits.js';
