import { describe, expect, it } from 'vitest';
import type { NflogEntry } from '../nflog/index.js';
import { needsUpdate } from './dedup-stage.js';

const entry = (firing: string[], resolved: string[], timestamp = 1000): NflogEntry => ({
  groupKey: 'g',
  receiver: 'r/webhook/0',
  firing,
  resolved,
  timestamp,
  expiresAt: Infinity,
});
const ctx = { now: 2000, repeatIntervalMs: 5000 };

describe('needsUpdate (notify.go DedupStage)', () => {
  it('notifies the first time only if something fires', () => {
    expect(needsUpdate(undefined, ['a'], [], true, ctx)).toBe(true);
    expect(needsUpdate(undefined, [], ['a'], true, ctx)).toBe(false);
  });
  it('notifies on a new firing alert but not on one disappearing', () => {
    expect(needsUpdate(entry(['a'], []), ['a', 'b'], [], false, ctx)).toBe(true);
    expect(needsUpdate(entry(['a', 'b'], []), ['a'], [], false, ctx)).toBe(false);
  });
  it('notifies on newly resolved alerts only with send_resolved', () => {
    expect(needsUpdate(entry(['a', 'b'], []), ['a'], ['b'], true, ctx)).toBe(true);
    expect(needsUpdate(entry(['a', 'b'], []), ['a'], ['b'], false, ctx)).toBe(false);
    expect(needsUpdate(entry(['a'], ['b']), ['a'], ['b'], true, ctx)).toBe(false);
  });
  it('notifies when everything resolved after something fired, whatever send_resolved says', () => {
    expect(needsUpdate(entry(['a'], []), [], ['a'], false, ctx)).toBe(true);
    expect(needsUpdate(entry([], ['a']), [], ['a'], false, ctx)).toBe(false);
  });
  it('repeats after repeat_interval', () => {
    expect(needsUpdate(entry(['a'], [], 1000), ['a'], [], false, { now: 6000, repeatIntervalMs: 5000 })).toBe(false);
    expect(needsUpdate(entry(['a'], [], 1000), ['a'], [], false, { now: 6001, repeatIntervalMs: 5000 })).toBe(true);
  });
});
