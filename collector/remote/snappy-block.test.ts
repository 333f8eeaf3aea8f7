import { compress as snappyjsCompress, uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { snappyCompress, snappyDecompress, snappyMaxCompressedLength } from './snappy-block.js';
import { encodeWriteRequest, type WireTimeSeries } from './write-request.js';

function pseudoRandomText(n: number, seed: number): Uint8Array {
  // Repetitive enough that the compressor emits copies of every kind, varied enough for literals.
  const words = ['up', 'job', 'instance', '{', '}', '"', 'container_cpu_usage_seconds_total', '1700000000', '\n'];
  const out: number[] = [];
  let x = seed;
  while (out.length < n) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const w = words[x % words.length] as string;
    for (const c of w) out.push(c.charCodeAt(0));
    if (x % 7 === 0) out.push(x & 0xff);
  }
  return Uint8Array.from(out.slice(0, n));
}

describe('snappy block format', () => {
  it('decompresses what snappyjs compresses, for small and large inputs', () => {
    for (const n of [0, 1, 59, 61, 300, 70_000, 300_000]) {
      const src = pseudoRandomText(n, n + 1);
      const round = snappyDecompress(snappyjsCompress(src));
      expect(round.ok && Buffer.from(round.value).equals(Buffer.from(src))).toBe(true);
    }
  });

  it('decompresses into a reused buffer whatever it held before', () => {
    const reused = new Uint8Array(400_000).fill(0xee);
    for (const n of [300_000, 61, 70_000]) {
      const src = pseudoRandomText(n, n + 7);
      const round = snappyDecompress(snappyCompress(src), Number.MAX_SAFE_INTEGER, reused);
      expect(round.ok && round.value.buffer === reused.buffer).toBe(true);
      expect(round.ok && Buffer.from(round.value).equals(Buffer.from(src))).toBe(true);
    }
    // Too small a buffer is not used.
    const src = pseudoRandomText(1000, 3);
    const round = snappyDecompress(snappyCompress(src), Number.MAX_SAFE_INTEGER, new Uint8Array(10));
    expect(round.ok && round.value.length === 1000 && Buffer.from(round.value).equals(Buffer.from(src))).toBe(true);
  });

  it('decodes hand-written literals and overlapping copies', () => {
    // length 10, literal "ab", copy-1 len 8 offset 2 -> "ababababab"
    const block = Uint8Array.from([10, 0x04, 0x61, 0x62, 0x01 | ((8 - 4) << 2), 2]);
    const r = snappyDecompress(block);
    expect(r.ok && new TextDecoder().decode(r.value)).toBe('ababababab');
  });

  it('names the byte offset of corrupt input', () => {
    const cases: [number[], string][] = [
      [[0x80], 'snappy: byte 1: truncated length preamble'],
      [[5, 0x10, 0x61], 'snappy: byte 1: literal of 5 bytes runs past the end of the input'],
      [[4, 0x04, 0x61, 0x62, 0x05, 9], 'snappy: byte 4: copy offset 9 points before the start of the output (at 2)'],
      [[2, 0x04, 0x61, 0x62, 0x05, 1], 'snappy: byte 4: copy overflows the declared length 2'],
      [[5, 0x04, 0x61, 0x62], 'snappy: byte 4: input ended after 2 of 5 declared bytes'],
      [[3, 0x02, 1], 'snappy: byte 1: truncated copy'],
    ];
    for (const [bytes, message] of cases) {
      const r = snappyDecompress(Uint8Array.from(bytes));
      expect(r.ok ? 'decoded' : r.error.message).toBe(message);
    }
  });

  it('refuses a block that declares more than the limit before allocating', () => {
    const r = snappyDecompress(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x08]), 1024);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.tooLarge).toBe(true);
      expect(r.error.message).toBe(
        'snappy: byte 0: decompressed size 2147483648 bytes exceeds the limit of 1024 bytes',
      );
    }
  });
});

/** A seeded generator of uniform numbers in [0, 1) (an LCG: enough to vary test inputs, same every run). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = lcg(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

/** Compresses `src`, checks the bound, and decodes with our decompressor and with snappyjs. */
function roundTrip(src: Uint8Array): Uint8Array {
  const packed = snappyCompress(src);
  expect(packed.length).toBeLessThanOrEqual(snappyMaxCompressedLength(src.length));
  const ours = snappyDecompress(packed);
  if (!ours.ok) throw ours.error;
  expect(Buffer.from(ours.value).equals(src)).toBe(true);
  expect(Buffer.from(uncompress(packed)).equals(src)).toBe(true);
  return packed;
}

/** The copy elements of a block: [element type (1, 2 or 4 offset bytes), length, offset]. */
function copies(block: Uint8Array): [number, number, number][] {
  const found: [number, number, number][] = [];
  const at = (i: number) => block[i] as number;
  let pos = 0;
  while (at(pos) >= 0x80) pos++;
  for (pos++; pos < block.length;) {
    const tag = at(pos);
    if ((tag & 3) === 0) {
      const extra = Math.max(0, (tag >>> 2) - 59);
      let len = extra === 0 ? (tag >>> 2) + 1 : 1;
      for (let i = 0; i < extra; i++) len += at(pos + 1 + i) * 2 ** (8 * i);
      pos += 1 + extra + len;
    } else if ((tag & 3) === 1) {
      found.push([1, ((tag >>> 2) & 7) + 4, ((tag >>> 5) << 8) | at(pos + 1)]);
      pos += 2;
    } else {
      const bytes = (tag & 3) === 2 ? 2 : 4;
      let offset = 0;
      for (let i = 0; i < bytes; i++) offset += at(pos + 1 + i) * 2 ** (8 * i);
      found.push([bytes, (tag >>> 2) + 1, offset]);
      pos += 1 + bytes;
    }
  }
  return found;
}

/**
 * Labels the way the cgroup source sends them (each container's series
 * together) with kubelet's cAdvisor names, one sample each.
 */
function remoteWriteBody(containers: number): Uint8Array {
  const next = lcg(containers);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  const timeseries: WireTimeSeries[] = [];
  for (let c = 0; c < containers; c++) {
    const node = `ip-10-0-${c % 4}-${c % 200}.ec2.internal`;
    const id = hex(64);
    const shared = {
      container: c % 3 === 0 ? 'istio-proxy' : `api-${c % 7}`,
      id: `/kubepods/burstable/pod${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}/${id}`,
      image: `registry.example.com/shop/api-${c % 7}:v2.${c % 5}.1`,
      instance: node,
      job: 'kubelet',
      name: id,
      namespace: ['shop', 'payments', 'kube-system'][c % 3] as string,
      node,
      pod: `api-${c % 7}-5d8c${hex(5)}-${hex(5)}`,
    };
    for (const metric of [
      'cpu_usage_seconds_total',
      'memory_working_set_bytes',
      'memory_rss',
      'fs_reads_bytes_total',
    ]) {
      const labels = Object.entries({ __name__: `container_${metric}`, ...shared }).map(([name, value]) => ({
        name,
        value,
      }));
      const sample = {
        value: next() < 0.5 ? next() * 1e4 : Math.floor(next() * 2 ** 32),
        timestamp: 1_700_000_000_000,
      };
      timeseries.push({ labels, samples: [sample], exemplars: [], histograms: [] });
    }
  }
  return encodeWriteRequest({ timeseries, metadata: [] });
}

describe('snappy block compressor', () => {
  it('round-trips sizes around the 64 KiB the reference compresses at a time', () => {
    for (const n of [0, 1, 2, 14, 15, 16, 100, 65_535, 65_536, 65_537, 1_100_000]) {
      roundTrip(pseudoRandomText(n, n + 11));
    }
    roundTrip(new TextEncoder().encode('hello hello hello hello'));
  });

  it('stays within the bound on incompressible input', () => {
    for (const n of [1, 15, 61, 257, 65_536, 1 << 20]) roundTrip(randomBytes(n, n));
    expect(roundTrip(randomBytes(1 << 20, 5)).length).toBeLessThan((1 << 20) + 16);
  });

  it('compresses runs and repeated patterns to a small fraction', () => {
    expect(roundTrip(new Uint8Array(1 << 20)).length).toBeLessThan(60_000);
    const pattern = new TextEncoder().encode('namespace="shop",pod="api-0"'.repeat(40_000));
    expect(roundTrip(pattern).length).toBeLessThan(pattern.length / 15);
  });

  it('finds a repeat at every offset size and splits long matches into copies of at most 64 bytes', () => {
    // A random block, zeros, then the block again `distance` bytes after its first copy:
    // 1-byte offsets end at 2047, 2-byte offsets at 65535, and beyond that only the 4-byte element reaches.
    for (const distance of [100, 2047, 2048, 2100, 65_535, 65_536, 65_537, 300_000]) {
      for (const length of [5, 11, 12, 63, 64, 65, 66, 67, 68, 69, 2_000]) {
        if (length > distance) continue;
        const withRepeat = (second: Uint8Array) => {
          const src = new Uint8Array(distance + length + 20);
          src.set(randomBytes(length, distance + length), 10);
          src.set(second, 10 + distance);
          return src;
        };
        const packed = roundTrip(withRepeat(randomBytes(length, distance + length)));
        // Had the repeat not been found, it would cost as much as a block of other random bytes.
        const unlike = roundTrip(withRepeat(randomBytes(length, 1)));
        if (length >= 64) expect(packed.length).toBeLessThan(unlike.length - length / 2);
      }
    }
  });

  it('picks the shortest copy element, and never spends 5 bytes on a 4-byte copy (that would break the bound)', () => {
    // Repeats among zeros, each cut off by a byte that differs from the one after its first copy.
    const src = new Uint8Array(150_000);
    const repeat = (bytes: readonly number[], at: number, offset: number) => {
      src.set([...bytes, 1], at);
      src.set([...bytes, 2], at + offset);
    };
    repeat([21, 22, 23, 24, 25, 26, 27], 3000, 1500);
    repeat([1, 2, 3, 4], 100, 70_000); // a literal: 5 bytes for these 4 could break the bound
    repeat([5, 6, 7, 8, 9], 1000, 70_000);
    repeat([11, 12, 13, 14, 15, 16], 2000, 40_000);
    repeat(
      Array.from({ length: 68 }, (_, i) => 100 + i),
      10_000,
      70_000,
    ); // 60 + 8, not 64 + 4
    const found = copies(roundTrip(src));
    expect(found).toContainEqual([1, 7, 1500]);
    expect(found).toContainEqual([4, 5, 70_000]);
    expect(found).toContainEqual([2, 6, 40_000]);
    expect(found).toContainEqual([4, 60, 70_000]);
    expect(found).toContainEqual([4, 8, 70_000]);
    for (const [bytes, len, offset] of found) {
      expect(len >= (bytes === 4 ? 5 : 4) && len <= 64).toBe(true);
      expect(bytes).toBe(offset >= 65_536 ? 4 : len < 12 && offset < 2048 ? 1 : 2);
    }
  });

  it('compresses a remote-write body at least as well as snappyjs', () => {
    const body = remoteWriteBody(500);
    expect(roundTrip(body).length).toBeLessThanOrEqual(snappyjsCompress(body).length);
  });

  it('reads only its own bytes of a view into a larger buffer', () => {
    const src = pseudoRandomText(200_000, 3);
    const expected = snappyCompress(src);
    for (const start of [1, 2, 3, 5]) {
      // The same bytes around the view: a compressor that read past either end would find matches there.
      const backing = new Uint8Array(start + src.length + 7);
      backing.set(src.subarray(src.length - start), 0);
      backing.set(src, start);
      backing.set(src.subarray(0, 7), start + src.length);
      const view = backing.subarray(start, start + src.length);
      expect(Buffer.from(roundTrip(view)).equals(expected)).toBe(true);
    }
  });

  it('gives the same block for the same input whatever it compressed before', () => {
    const a = remoteWriteBody(50);
    const first = Buffer.from(snappyCompress(a));
    snappyCompress(pseudoRandomText(300_000, 9));
    snappyCompress(a.subarray(0, 5_000));
    expect(Buffer.from(snappyCompress(a)).equals(first)).toBe(true);
  });

  it('round-trips random mixes of literals, runs and near and far repeats', () => {
    const next = lcg(20_240_601);
    for (let round = 0; round < 200; round++) {
      const src = new Uint8Array(Math.floor(next() ** 3 * 300_000));
      for (let i = 0; i < src.length;) {
        const len = Math.min(src.length - i, 1 + Math.floor(next() ** 2 * 400));
        const kind = next();
        const distance = 1 + Math.floor(next() ** 2 * i);
        const runByte = Math.floor(next() * 256);
        const alphabet = 2 + Math.floor(next() * 254);
        for (let k = 0; k < len; k++, i++) {
          if (kind < 0.3 || distance > i) src[i] = Math.floor(next() * alphabet);
          else if (kind < 0.9) src[i] = src[i - distance] as number;
          else src[i] = runByte;
        }
      }
      roundTrip(src);
    }
  });
});
