import { describe, expect, it } from 'vitest';
import { parseSeriesSelector } from './series-selector.js';

describe('series selectors (match[])', () => {
  it('parses names, all four operators, quotes, escapes and trailing commas', () => {
    expect(parseSeriesSelector('up')).toEqual({ ok: true, value: [{ type: '=', name: '__name__', value: 'up' }] });
    expect(parseSeriesSelector(` node_cpu{mode!="idle", cpu=~'0|1',job!~\`x.*\`, a="\\"q\\"\\n",}`)).toEqual({
      ok: true,
      value: [
        { type: '=', name: '__name__', value: 'node_cpu' },
        { type: '!=', name: 'mode', value: 'idle' },
        { type: '=~', name: 'cpu', value: '0|1' },
        { type: '!~', name: 'job', value: 'x.*' },
        { type: '=', name: 'a', value: '"q"\n' },
      ],
    });
    expect(parseSeriesSelector('{"http.requests", "le"="0.5"}')).toEqual({
      ok: true,
      value: [
        { type: '=', name: '__name__', value: 'http.requests' },
        { type: '=', name: 'le', value: '0.5' },
      ],
    });
  });

  it('reports errors with their position', () => {
    const cases: [string, string][] = [
      ['up{job="a"', '1:11: parse error: unexpected end of input inside braces'],
      ['up{job}', '1:7: parse error: unexpected "}" in label matching, expected label matching operator'],
      ['up{job=a}', '1:8: parse error: unexpected "a" in label matching, expected string'],
      ['up{job="a}', '1:8: parse error: unterminated quoted string'],
      ['{job=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
      ['{job=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
      ['up{__name__="x"}', '1:1: parse error: metric name must not be set twice: "up"'],
      ['up{job=~"("}', '1:4: parse error: error parsing regexp: missing closing ): `(`'],
      ['up or down', '1:4: parse error: unexpected "o"'],
      ['', '1:1: parse error: unexpected end of input'],
    ];
    for (const [text, message] of cases) expect(parseSeriesSelector(text)).toEqual({ ok: false, error: message });
  });
});
