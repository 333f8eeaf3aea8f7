import { describe, expect, it } from 'vitest';
import { prettifyError, s } from './index.js';

function pretty(schema: { safeParse(v: unknown): { error?: Parameters<typeof prettifyError>[0] } }, input: unknown) {
  const e = schema.safeParse(input).error;
  return e ? prettifyError(e) : undefined;
}

describe('prettifyError', () => {
  it('writes each issue as zod does, those nearest the root first', () => {
    const Pod = s.object({
      metadata: s.object({ name: s.string(), labels: s.record(s.string(), s.string()) }),
      kind: s.literal('Pod'),
    });
    expect(pretty(Pod, { metadata: { labels: { 'app.kubernetes.io/name': 1 } } })).toBe(
      [
        '✖ Invalid input: expected "Pod"',
        '  → at kind',
        '✖ Invalid input: expected string, received undefined',
        '  → at metadata.name',
        '✖ Invalid input: expected string, received number',
        '  → at metadata.labels["app.kubernetes.io/name"]',
      ].join('\n'),
    );
  });

  it('writes indexes in brackets and leaves out the path of the value itself', () => {
    const List = s.object({ items: s.array(s.object({ $ref: s.string() })) });
    expect(pretty(List, { items: [{ $ref: 'a' }, { $ref: 2 }] })).toBe(
      '✖ Invalid input: expected string, received number\n  → at items[1].$ref',
    );
    expect(pretty(s.array(s.object({ a: s.number() })), [{ a: 'x' }])).toBe(
      '✖ Invalid input: expected number, received string\n  → at [0].a',
    );
    expect(pretty(List, 'x')).toBe('✖ Invalid input: expected object, received string');
  });
});
