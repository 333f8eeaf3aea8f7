/**
 * Canonical label sets: pairs sorted by name, empty values dropped (Prometheus
 * treats `a=""` as "no label a"), plus the stable hash and the ordering that
 * query results are sorted by.
 */
import type { Labels } from '../interface.js';

/** Flat [name0, value0, name1, value1, ...], sorted by name, no empty values. */
export type LabelPairs = readonly string[];

// Code units from U+D800 up are where UTF-16 order and UTF-8 byte order can disagree.
const HIGH_UNITS = /[\ud800-\uffff]/;

export function canonicalPairs(labels: Labels): string[] {
  const names = Object.keys(labels);
  // The engine's default sort (UTF-16 order) is far faster than a comparator;
  // it equals UTF-8 order unless some name has a code unit from U+D800 up.
  names.sort();
  if (HIGH_UNITS.test(names.join(''))) names.sort(compareStrings);
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const v = labels[n];
    if (v === '' || v === undefined) continue;
    out.push(n, v);
  }
  return out;
}

/** A frozen Labels object whose keys come in sorted order. */
export function labelsFromPairs(pairs: LabelPairs): Labels {
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) out[pairs[i]!] = pairs[i + 1]!;
  return Object.freeze(out);
}

/**
 * Compares strings by UTF-8 bytes, as Go does, so sort orders agree with
 * Prometheus even past the Basic Multilingual Plane. UTF-16 code-unit order
 * only differs when surrogates meet code units >= 0xE000.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Map surrogates above the E000-FFFF block so code-unit order becomes code-point order.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The distinct values of label `name` among `series`, sorted as Prometheus sorts them. */
export function distinctLabelValues(series: Iterable<{ readonly labels: Labels }>, name: string): string[] {
  const values = new Set<string>();
  for (const s of series) {
    const v = s.labels[name];
    if (v !== undefined) values.add(v);
  }
  return [...values].sort(compareStrings);
}

/** The distinct label names among `series`, sorted. */
export function distinctLabelNames(series: Iterable<{ readonly pairs: LabelPairs }>): string[] {
  const names = new Set<string>();
  for (const s of series) for (let i = 0; i < s.pairs.length; i += 2) names.add(s.pairs[i]!);
  return [...names].sort(compareStrings);
}

/** Prometheus' labels.Compare: pair by pair, name then value; a prefix sorts first. */
export function compareLabelPairs(a: LabelPairs, b: LabelPairs): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function compareLabels(a: Labels, b: Labels): number {
  return compareLabelPairs(canonicalPairs(a), canonicalPairs(b));
}

/**
 * A stable 53-bit hash of canonical pairs (cyrb53 over name\xffvalue\xff...).
 * Stable across processes and versions: do not change it, it may be persisted.
 */
export function hashPairs(pairs: LabelPairs): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let p = 0; p < pairs.length; p++) {
    const s = pairs[p]!;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0xff, 2654435761);
    h2 = Math.imul(h2 ^ 0xff, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * An order-independent 32-bit hash of a label set: the sum of per-pair
 * hashes, so it can be computed straight from a Labels object without
 * sorting its keys (the head does this on every append). Empty values are
 * skipped, as canonicalPairs drops them. For finding series in memory only
 * (never persisted); one multiply per character, since it runs per sample.
 */
export function hashLabelSet(labels: Labels): number {
  let sum = 0;
  for (const n in labels) {
    const v = labels[n];
    if (v === '' || v === undefined) continue;
    sum = (sum + pairHash(n, v)) | 0;
  }
  return sum >>> 0;
}

/** hashLabelSet of canonical pairs. */
export function hashLabelSetPairs(pairs: LabelPairs): number {
  let sum = 0;
  for (let i = 0; i < pairs.length; i += 2) sum = (sum + pairHash(pairs[i]!, pairs[i + 1]!)) | 0;
  return sum >>> 0;
}

/**
 * hashLabelSetPairs of pairs given as UTF-8 bytes (see EncodedLabels), or -1
 * when a byte is not ASCII: only for ASCII do the bytes equal the UTF-16 code
 * units the string hash reads, and the caller then falls back to strings.
 */
export function hashEncodedPairs(buf: Uint8Array, offsets: Int32Array, count: number): number {
  let sum = 0;
  let bits = 0;
  for (let p = 0; p < count; p++) {
    let h = 0x811c9dc5;
    const o = 4 * p;
    for (let i = offsets[o]!, end = offsets[o + 1]!; i < end; i++) {
      const ch = buf[i]!;
      bits |= ch;
      h = Math.imul(h ^ ch, 0x01000193);
    }
    h = Math.imul(h ^ 0xff, 0x01000193);
    for (let i = offsets[o + 2]!, end = offsets[o + 3]!; i < end; i++) {
      const ch = buf[i]!;
      bits |= ch;
      h = Math.imul(h ^ ch, 0x01000193);
    }
    sum = (sum + fmix32(h)) | 0;
  }
  return bits >= 0x80 ? -1 : sum >>> 0;
}

/** True when string s has exactly the (ASCII) bytes buf[start, end). */
export function equalsAscii(s: string, buf: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** FNV-1a of name\xffvalue, finished with murmur3's fmix32 so that sums of pairs spread well. */
function pairHash(name: string, value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0xff, 0x01000193);
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export function hashLabels(labels: Labels): number {
  return hashPairs(canonicalPairs(labels));
}

export function pairsEqual(a: LabelPairs, b: LabelPairs): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
