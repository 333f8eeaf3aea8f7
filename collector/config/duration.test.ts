import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['15s', 15_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1y', 31_536_000_000],
    ['0', 0],
  ])('reads %s as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['fast', '', '15', '1m1h', '1.5s', '-1s', '5 minutes', '1s1s'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats the shortest spelling', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(86_400_500)).toBe('1d500ms');
  });
});
