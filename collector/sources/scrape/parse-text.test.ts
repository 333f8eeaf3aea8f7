import { describe, expect, it } from 'vitest';
import { parseText } from './parse-text.js';

const parse = (text: string) => {
  const r = parseText(text);
  if (!r.ok) throw new Error(`unexpected parse error: ${r.error.message}`);
  return r.value;
};
const failure = (text: string): string => {
  const r = parseText(text);
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(text)}`);
  return r.error.message;
};

describe('parseText', () => {
  it('reads samples, labels, timestamps and metadata', () => {
    const out = parse(
      '# HELP http_requests_total Requests.\\nSecond \\\\ line.\n# TYPE http_requests_total counter\n' +
        'http_requests_total{method="post",code="200"} 1027 1395066363000\n' +
        'http_requests_total{method="post",code="400"}    3 1395066363000\n',
    );
    expect(out.samples).toEqual([
      { labels: { __name__: 'http_requests_total', method: 'post', code: '200' }, value: 1027, t: 1395066363000 },
      { labels: { __name__: 'http_requests_total', method: 'post', code: '400' }, value: 3, t: 1395066363000 },
    ]);
    expect(out.metadata).toEqual([
      { name: 'http_requests_total', type: 'counter', help: 'Requests.\nSecond \\ line.' },
    ]);
  });

  it('unescapes label values and keeps special float values', () => {
    const out = parse('m{a="x\\"y\\\\z\\nw"} NaN\nm{a="b"} +Inf\nm{a="c"} -Inf -5\n');
    expect(out.samples[0]?.labels.a).toBe('x"y\\z\nw');
    expect(out.samples[0]?.value).toBeNaN();
    expect(out.samples[1]?.value).toBe(Infinity);
    expect(out.samples[2]).toEqual({ labels: { __name__: 'm', a: 'c' }, value: -Infinity, t: -5 });
  });

  it('accepts quoted UTF-8 metric and label names', () => {
    const out = parse('{"my.metric","läbel.x"="v"} 1\n"other.metric"{a="b"} 2\n');
    expect(out.samples.map((s) => s.labels)).toEqual([
      { __name__: 'my.metric', 'läbel.x': 'v' },
      { __name__: 'other.metric', a: 'b' },
    ]);
  });

  it('maps _sum/_count/_bucket onto their summary or histogram family', () => {
    const out = parse('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n# TYPE s summary\ns_sum 1\n');
    expect(out.metadata).toEqual([
      { name: 'h', type: 'histogram', help: '' },
      { name: 's', type: 'summary', help: '' },
    ]);
    expect(out.samples.map((x) => x.labels.__name__)).toEqual(['h_bucket', 'h_sum', 'h_count', 's_sum']);
  });

  it('rejects TYPE of a histogram member after its samples', () => {
    expect(failure('# TYPE h histogram\nh_sum 3\n# TYPE h_sum gauge\n')).toBe(
      'line 3: second TYPE line for metric "h", or TYPE after its samples at column 1',
    );
  });

  it.each([
    ['m{a="1",a="2"} 1\n', 'line 1: duplicate label name "a" at column 9'],
    ['m{a="1"} 1.5 2.5\n', 'line 1: expected integer timestamp (ms), got "2.5" at column 14'],
    ['m 1', 'line 1: unexpected end of input: the last line must end with a new-line'],
    ['m{a=1} 1\n', `line 1: expected '"' to start the value of label "a", got "1" at column 5`],
    ['m{a="\\t"} 1\n', 'line 1: invalid escape sequence "\\\\t" in value of label "a" at column 6'],
    [
      'x 1\n\n# TYPE m summary\nm{quantile="x"} 1\n',
      `line 4: expected float as value for 'quantile' label, got "x" at column 1`,
    ],
    ['m 0x10\n', 'line 1: expected float as value, got "0x10" at column 3'],
    ['m 1e400\n', 'line 1: expected float as value, got "1e400" at column 3'],
    [
      '# TYPE m gauge\n# TYPE m counter\n',
      'line 2: second TYPE line for metric "m", or TYPE after its samples at column 1',
    ],
  ])('rejects %j', (text, message) => {
    expect(failure(text)).toBe(message);
  });
});

describe('parseText with structure-only validation', () => {
  it('lets repeated and late HELP/TYPE through, the first one counting', () => {
    const r = parseText('# HELP a one\n# HELP a two\na 1\n# TYPE a gauge\n# TYPE a counter\n', {
      validation: 'structure',
    });
    if (!r.ok) throw r.error;
    expect(r.value.metadata).toEqual([{ name: 'a', type: 'gauge', help: 'one' }]);
  });

  it('lets blanks end a sample line, as Prometheus does', () => {
    expect(parseText('a 1 \nb 2 3\t\n').ok).toBe(false);
    const r = parseText('a 1 \nb 2 3\t\n', { validation: 'structure' });
    expect(r.ok && r.value.samples).toEqual([
      { labels: { __name__: 'a' }, value: 1 },
      { labels: { __name__: 'b' }, value: 2, t: 3 },
    ]);
  });

  it('still rejects bad syntax', () => {
    const r = parseText('a{b="c} 1\n', { validation: 'structure' });
    expect(r.ok).toBe(false);
  });
});

describe('parseText on prometheus/common cases', () => {
  it('reads quoted names anywhere in the braces and escaped quoted names', () => {
    const out = parse(
      '# HELP "my\\"odd\\nname\\\\" help text\n# TYPE "my\\"odd\\nname\\\\" counter\n' +
        '{labelname="value", "my\\"odd\\nname\\\\","label\\"name\\n"="v"} 1\n' +
        '\t\t{"name.with.dots"} 0.23 1234567890\n\t\t',
    );
    expect(out.samples).toEqual([
      { labels: { __name__: 'my"odd\nname\\', labelname: 'value', 'label"name\n': 'v' }, value: 1 },
      { labels: { __name__: 'name.with.dots' }, value: 0.23, t: 1234567890 },
    ]);
    expect(out.metadata).toEqual([{ name: 'my"odd\nname\\', type: 'counter', help: 'help text' }]);
  });

  it('knows both gauge histogram spellings and float histograms', () => {
    for (const type of ['gaugehistogram', 'gauge_histogram']) {
      const out = parse(`# TYPE h ${type}\nh_bucket{le="+Inf"} 2.5\nh_sum 1\nh_count 2.5\n`);
      expect(out.metadata).toEqual([{ name: 'h', type: 'gaugehistogram', help: '' }]);
    }
  });

  it.each([
    [
      '{"one.name","another.name"} 3.14\n',
      `line 1: expected '=' after label name "another.name", got "}" at column 27`,
    ],
    ['{"a\\xc5z",label="bla"} 3.14\n', 'line 1: invalid escape sequence "\\\\x" in quoted label name at column 4'],
    ['{"metric.name".label="bla"} 3.14\n', `line 1: expected '=' after label name "metric.name", got "." at column 15`],
    ['{} 3.14\n', 'line 1: missing metric name at column 1'],
    ['#TYPE A000000 summArY\n{label="value",} 2\n', 'line 2: missing metric name at column 1'],
    ['# TYPE h histogram\nh_bucket{le="1"} -4\n', 'line 2: negative bucket population for histogram "h" at column 18'],
    ['# TYPE h histogram\nh_count -2693.123\n', 'line 2: negative count for histogram "h" at column 9'],
    [
      '# TYPE m histogram\nm_bucket{le="0x1p-3"} 3.14\n',
      `line 2: expected float as value for 'le' label, got "0x1p-3" at column 1`,
    ],
  ])('rejects %j', (text, message) => {
    expect(failure(text)).toBe(message);
  });
});
