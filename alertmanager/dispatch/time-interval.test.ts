import { describe, expect, it } from 'vitest';
import { parseConfig, type NamedTimeInterval } from '../config/index.js';
import { namedIntervalContains } from './index.js';

function interval(yaml: string): NamedTimeInterval {
  const r = parseConfig(
    `route:\n  receiver: r\nreceivers:\n- name: r\ntime_intervals:\n- name: t\n  time_intervals:\n${yaml}`,
  );
  if (!r.ok) throw r.error;
  const t = r.value.time_intervals[0];
  if (!t) throw new Error('no interval');
  return t;
}
const at = (iso: string): number => Date.parse(iso);

describe('time intervals', () => {
  it('matches business hours in UTC, end exclusive', () => {
    const t = interval("  - times: [{start_time: '09:00', end_time: '17:00'}]\n    weekdays: ['monday:friday']\n");
    expect(namedIntervalContains(t, at('2024-01-08T09:00:00Z'))).toBe(true); // Monday
    expect(namedIntervalContains(t, at('2024-01-08T16:59:59Z'))).toBe(true);
    expect(namedIntervalContains(t, at('2024-01-08T17:00:00Z'))).toBe(false);
    expect(namedIntervalContains(t, at('2024-01-07T10:00:00Z'))).toBe(false); // Sunday
  });
  it('reads the clock in the given location', () => {
    const t = interval("  - times: [{start_time: '09:00', end_time: '17:00'}]\n    location: Australia/Sydney\n");
    expect(namedIntervalContains(t, at('2024-01-08T22:30:00Z'))).toBe(true); // 09:30 AEDT
    expect(namedIntervalContains(t, at('2024-01-08T09:30:00Z'))).toBe(false); // 20:30 AEDT
  });
  it('counts negative days from the end of the month and clamps', () => {
    const t = interval("  - days_of_month: ['-3:-1']\n");
    expect(namedIntervalContains(t, at('2024-02-27T12:00:00Z'))).toBe(true); // leap February: 27..29
    expect(namedIntervalContains(t, at('2024-02-26T12:00:00Z'))).toBe(false);
    const all = interval("  - days_of_month: ['1:31']\n    months: ['february']\n    years: ['2024']\n");
    expect(namedIntervalContains(all, at('2024-02-29T12:00:00Z'))).toBe(true);
    expect(namedIntervalContains(all, at('2025-02-10T12:00:00Z'))).toBe(false);
  });
  it.each([
    ["  - times: [{start_time: '17:00', end_time: '09:00'}]\n", 'start time cannot be equal or greater than end time'],
    ["  - times: [{start_time: '25:00', end_time: '26:00'}]\n", "couldn't parse timestamp 25:00, invalid format"],
    ["  - weekdays: ['friday:monday']\n", 'start day cannot be before end day'],
    ["  - weekdays: ['funday']\n", 'funday is not a valid weekday'],
    ["  - days_of_month: ['-1:5']\n", 'end day must be negative if start day is negative'],
    ["  - days_of_month: ['0']\n", '0 is not a valid day of the month: out of range'],
    ["  - months: ['december:january']\n", 'end month january is before start month december'],
    ["  - years: ['2030:2020']\n", 'end year 2020 is before start year 2030'],
    ['  - location: Mars/Olympus\n', 'unknown time zone Mars/Olympus'],
  ])('rejects %j', (yaml, want) => {
    const r = parseConfig(
      `route:\n  receiver: r\nreceivers:\n- name: r\ntime_intervals:\n- name: t\n  time_intervals:\n${yaml}`,
    );
    expect(r.ok ? 'loaded' : r.error.message).toBe(want);
  });
});
