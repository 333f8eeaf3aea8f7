/**
 * Prometheus' model.LabelSet.Fingerprint: FNV-1a 64 over the sorted label
 * names and values, each followed by a 0xff separator byte. Alertmanager's
 * API v2 shows it as 16 hex digits, so amtool and UIs see the same ids as
 * they would from Alertmanager.
 */
import type { LabelSet } from '../labels/index.js';

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

function add(h: bigint, bytes: Uint8Array): bigint {
  let x = h;
  for (const b of bytes) x = ((x ^ BigInt(b)) * PRIME) & MASK;
  return x;
}

const SEP = new Uint8Array([0xff]);

export function fingerprint(labels: LabelSet): string {
  let h = OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = add(h, encoder.encode(name));
    h = add(h, SEP);
    h = add(h, encoder.encode(labels[name] ?? ''));
    h = add(h, SEP);
  }
  return h.toString(16).padStart(16, '0');
}

/** Alertmanager's LabelSet.String(): `{a="1", b="2"}`, names sorted. */
export function labelSetString(labels: LabelSet): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k] ?? '')}`);
  return `{${parts.join(', ')}}`;
}
