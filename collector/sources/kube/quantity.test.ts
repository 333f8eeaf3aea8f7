import { describe, expect, it } from 'vitest';
import { parseQuantity, resourceUnit, resourceValue, sanitizeResourceName } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['70Mi', 70 * 2 ** 20],
    ['474095688Ki', 474095688 * 1024],
    ['10', 10],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2k', 2000],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['500u', 0.0005],
    ['.5', 0.5],
    ['-1', -1],
  ])('%s = %d', (text, expected) => {
    expect(parseQuantity(text)).toBeCloseTo(expected, 12);
  });

  it.each(['', 'abc', '1Kb', '1 Mi', 'Mi', '1.2.3'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('resource units and values', () => {
  it('uses kube-state-metrics units', () => {
    expect(resourceUnit('cpu')).toBe('core');
    expect(resourceUnit('memory')).toBe('byte');
    expect(resourceUnit('ephemeral-storage')).toBe('byte');
    expect(resourceUnit('hugepages-2Mi')).toBe('byte');
    expect(resourceUnit('pods')).toBe('integer');
    expect(resourceUnit('nvidia.com/gpu')).toBe('integer');
    expect(sanitizeResourceName('nvidia.com/gpu')).toBe('nvidia_com_gpu');
  });

  it('keeps millicores and rounds bytes up', () => {
    expect(resourceValue('cpu', '1500m')).toBe(1.5);
    expect(resourceValue('cpu', '0.0001')).toBe(0.001); // below a millicore rounds up to one, as MilliValue() does
    expect(resourceValue('memory', '1.5')).toBe(2);
    expect(resourceValue('memory', '1k')).toBe(1000);
    expect(resourceValue('memory', 'lots')).toBeUndefined();
  });
});
