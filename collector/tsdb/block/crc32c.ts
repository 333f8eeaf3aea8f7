/**
 * CRC-32C (Castagnoli polynomial), the checksum every section of a Prometheus
 * block carries. Node's zlib.crc32 computes the IEEE polynomial, which would
 * not match, so we keep our own table (slicing-by-1 is fast enough: blocks
 * are written once every couple of hours).
 */
const POLY_REVERSED = 0x82f63b78;

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REVERSED : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Continues a running CRC over `bytes`; start with `crc32c(b)` and chain with the result. */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
