import { describe, expect, it } from 'vitest';
import { formatSampleValue, formatTimestamp } from './json-format.js';
import { parseDurationParam, parseTime } from './params.js';
import { formatAlertValue } from './rules-routes.js';

describe('time and duration parameters', () => {
  it('parses unix seconds with millisecond rounding and RFC 3339 with offsets', () => {
    expect(parseTime('1700000000')).toEqual({ ok: true, value: 1_700_000_000_000 });
    expect(parseTime('1700000000.1234')).toEqual({ ok: true, value: 1_700_000_000_123 });
    expect(parseTime('1700000000.9996')).toEqual({ ok: true, value: 1_700_000_001_000 });
    expect(parseTime('-1.5')).toEqual({ ok: true, value: -1500 });
    expect(parseTime('2023-11-14T22:13:20Z')).toEqual({ ok: true, value: 1_700_000_000_000 });
    expect(parseTime('2023-11-14T22:13:20.123456789Z')).toEqual({ ok: true, value: 1_700_000_000_123 });
    expect(parseTime('2023-11-15T00:13:20+02:00')).toEqual({ ok: true, value: 1_700_000_000_000 });
    expect(parseTime('292277025-08-18T07:12:54.999999999Z')).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
  });

  it('refuses what Prometheus refuses, with its message', () => {
    for (const bad of ['', 'now', '2023-11-14', '2023-02-31T00:00:00Z', '2023-11-14 22:13:20Z', '1e400']) {
      expect(parseTime(bad)).toEqual({ ok: false, error: `cannot parse ${JSON.stringify(bad)} to a valid timestamp` });
    }
  });

  it('parses durations as float seconds or Prometheus durations', () => {
    expect(parseDurationParam('15')).toEqual({ ok: true, value: 15_000 });
    expect(parseDurationParam('0.5')).toEqual({ ok: true, value: 500 });
    expect(parseDurationParam('15s')).toEqual({ ok: true, value: 15_000 });
    expect(parseDurationParam('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(parseDurationParam('1x')).toEqual({ ok: false, error: 'cannot parse "1x" to a valid duration' });
    expect(parseDurationParam('1e300')).toEqual({
      ok: false,
      error: 'cannot parse "1e300" to a valid duration. It overflows int64',
    });
  });
});

describe('number spelling in responses', () => {
  it('writes values as Go writes them', () => {
    const cases: [number, string][] = [
      [1.5, '1.5'],
      [0, '0'],
      [-0, '-0'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [NaN, 'NaN'],
      [1e-7, '1e-07'],
      [1.5e21, '1.5e+21'],
      [1e100, '1e+100'],
      [123456789012, '123456789012'],
      [0.000001, '0.000001'],
    ];
    for (const [v, s] of cases) expect(formatSampleValue(v)).toBe(s);
    expect(formatAlertValue(1)).toBe('1e+00');
    expect(formatAlertValue(1234.5)).toBe('1.2345e+03');
  });

  it('writes timestamps as seconds with millisecond precision', () => {
    expect(JSON.stringify(formatTimestamp(1_700_000_000_123))).toBe('1700000000.123');
    expect(JSON.stringify(formatTimestamp(1_700_000_000_000))).toBe('1700000000');
    expect(JSON.stringify(formatTimestamp(1_700_000_000_100))).toBe('1700000000.1');
  });
});
