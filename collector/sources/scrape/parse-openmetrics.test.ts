import { describe, expect, it } from 'vitest';
import { formatForContentType } from './content-type.js';
import { parseExposition } from './parse-exposition.js';
import { parseOpenMetrics } from './parse-openmetrics.js';

const failure = (text: string, validation: 'spec' | 'structure' = 'spec'): string => {
  const r = parseOpenMetrics(text, { validation });
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(text)}`);
  return r.error.message;
};

describe('parseOpenMetrics', () => {
  it('reads exemplars, created timestamps, units and second timestamps', () => {
    const r = parseOpenMetrics(
      '# TYPE rpc_seconds histogram\n# UNIT rpc_seconds seconds\n# HELP rpc_seconds RPC latency.\n' +
        'rpc_seconds_bucket{le="0.5"} 1 # {trace_id="abc"} 0.25 1700000000.5\n' +
        'rpc_seconds_bucket{le="+Inf"} 2\nrpc_seconds_count 2\nrpc_seconds_sum 1.5\nrpc_seconds_created 1700000000.001\n' +
        '# TYPE up gauge\nup 1 1700000001.25\n# EOF\n',
    );
    if (!r.ok) throw r.error;
    const [bucket, , , , created, up] = r.value.samples;
    expect(bucket).toEqual({
      labels: { __name__: 'rpc_seconds_bucket', le: '0.5' },
      value: 1,
      exemplar: { labels: { trace_id: 'abc' }, value: 0.25, t: 1_700_000_000_500 },
      createdT: 1_700_000_000_001,
    });
    expect(created?.labels.__name__).toBe('rpc_seconds_created');
    expect(up).toEqual({ labels: { __name__: 'up' }, value: 1, t: 1_700_000_001_250 });
    expect(r.value.metadata).toEqual([
      { name: 'rpc_seconds', type: 'histogram', help: 'RPC latency.', unit: 'seconds' },
      { name: 'up', type: 'gauge', help: '' },
    ]);
  });

  it('accepts quoted UTF-8 names inside the braces', () => {
    const r = parseOpenMetrics('{"my.metric","a.b"="c"} 1\n# EOF');
    expect(r.ok && r.value.samples[0]?.labels).toEqual({ __name__: 'my.metric', 'a.b': 'c' });
  });

  it.each([
    ['a 1\n', 'line 2: missing "# EOF" at the end of the exposition'],
    ['a 1\n# EOF\n\n', 'line 3: nothing may follow "# EOF"'],
    ['# TYPE a counter\na 1\n# EOF\n', 'line 2: "a" belongs to family "a", whose samples must be together'],
    ['# TYPE a counter\na_total -1\n# EOF\n', 'line 2: counter "a_total" must not be NaN or negative, got -1'],
    ['a{a="1"} 1  \n# EOF\n', 'line 1: expected a timestamp in seconds, got end of line at column 12'],
    ['a{a="1",} 1\n# EOF\n', 'line 1: expected label name, got "}" at column 9'],
    [
      '# TYPE a gauge\na 1 # {x="y"} 1\n# EOF\n',
      'line 2: exemplars are only allowed on counter _total and histogram _bucket samples, not on "a"',
    ],
    [
      '# TYPE a histogram\na_bucket{le="1"} 1\na_count 1\n# EOF\n',
      'line 2: a: a histogram point needs a bucket with le="+Inf"',
    ],
    ['# UNIT a seconds\n# EOF\n', 'line 2: unit "seconds" must be a suffix of "a"'],
  ])('rejects %j', (text, message) => {
    expect(failure(text)).toBe(message);
  });

  it('leaves value rules to the spec mode and keeps structure rules in both', () => {
    const negativeWithSum =
      '# TYPE h histogram\nh_bucket{le="-1"} 0\nh_bucket{le="+Inf"} 1\nh_sum -3\nh_count 1\n# EOF\n';
    expect(failure(negativeWithSum)).toBe('line 2: h: a histogram with negative buckets must not have _sum');
    expect(parseOpenMetrics(negativeWithSum, { validation: 'structure' }).ok).toBe(true);
    expect(failure('# UNIT a seconds\n# EOF\n', 'structure')).toBe('line 2: unit "seconds" must be a suffix of "a"');
    expect(failure('a 1\n', 'structure')).toBe('line 2: missing "# EOF" at the end of the exposition');
  });

  it('takes what Prometheus takes under structure validation, created timestamps included', () => {
    const text = [
      '# TYPE s summary',
      's{quantile="0.5"} 1',
      '# HELP other Metadata in the middle of a family.',
      '# UNIT nounit ',
      's_count 2 # {id="count-exemplar"} 4',
      's_created 1520430003',
      '# TYPE ii info',
      'ii{foo="bar"} 1',
      '# TYPE st stateset',
      'st{A="a"} 0',
      '_under_score 1',
      '# EOF',
    ].join('\n');
    expect(parseOpenMetrics(text).ok).toBe(false);
    const r = parseOpenMetrics(text, { validation: 'structure' });
    if (!r.ok) throw r.error;
    expect(r.value.samples.map((x) => [x.labels.__name__, x.createdT])).toEqual([
      ['s', 1_520_430_003_000],
      ['s_count', 1_520_430_003_000],
      ['s_created', undefined],
      ['ii', undefined],
      ['st', undefined],
      ['_under_score', undefined],
    ]);
    expect(r.value.samples[1]?.exemplar).toEqual({ labels: { id: 'count-exemplar' }, value: 4 });
    expect(r.value.metadata.map((m) => m.name)).toEqual(['s', 'other', 'nounit', 'ii', 'st']);
  });
});

describe('parseExposition', () => {
  it('picks the parser from the Content-Type', () => {
    expect(formatForContentType('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(formatForContentType('text/plain; version=0.0.4')).toBe('text');
    expect(formatForContentType(undefined)).toBe('text');
    const om = parseExposition('a 1\n# EOF\n', 'application/openmetrics-text;version=1.0.0');
    expect(om.ok && om.value.format).toBe('openmetrics');
    // The same body as text: "# EOF" is a plain comment there.
    const text = parseExposition('a 1\n# EOF\n', 'text/plain; version=0.0.4');
    expect(text.ok && text.value.format).toBe('text');
  });
});

describe('parseOpenMetrics syntax, in both validation modes', () => {
  const malformed = [
    '',
    '\n',
    'metric 1\n',
    ' a 1\n# EOF\n',
    '# TYPE u untyped\n# EOF\n',
    '# TYPE c counter \n# EOF\n',
    '#  TYPE c counter\n# EOF\n',
    '# TYPE m\n# EOF\n',
    '# UNIT metricsuffix suffix\n# EOF\n',
    'a\t1\n# EOF\n',
    'a 1 2 #\n# EOF\n',
    '# EOF\na 1',
    '# EOFa 1',
    'a 1 1 1\n# EOF\n',
    "a{b='c'} 1\n# EOF\n",
    'a{b="c"d="e"} 1\n# EOF\n',
    '{"a",b\\nc="d"} 1\n# EOF\n',
    'empty_label_name{=""} 0\n# EOF\n',
    'custom_metric_total 1 # {aa="bb"}\n# EOF\n',
    'custom_metric_total 1 # {bb, a="dd"}\n# EOF\n',
    '{b="c",} 1\n# EOF\n',
    '# TYPE h histogram\nh_bucket{le="+Inf"} 1 # {aa="bb"} 4 NaN\n# EOF\n',
    'a{b=\u0000"x"} 1\n# EOF\n',
    '# H\n# EOF\n',
  ];
  it.each(malformed.flatMap((text) => [[text, 'spec'] as const, [text, 'structure'] as const]))(
    'rejects %j (%s)',
    (text, validation) => {
      const r = parseOpenMetrics(text, { validation });
      expect(!r.ok && r.error.message).toMatch(/^line \d+: /);
    },
  );

  it.each(['# EOF', 'a{b="\u0000"} 1\n# EOF', '{"my.metric","q"="0.9",a="b"} 8.3835e-05\n# EOF\n'])(
    'accepts %j',
    (text) => {
      expect(parseOpenMetrics(text).ok).toBe(true);
      expect(parseOpenMetrics(text, { validation: 'structure' }).ok).toBe(true);
    },
  );
});

describe('parseOpenMetrics metric grouping and timestamps (spec mode)', () => {
  it.each([
    ['a repeated sample without timestamps', '# TYPE a gauge\na 1\na 1\n# EOF\n'],
    [
      'an exact repeat of a bucket',
      '# TYPE h histogram\nh_bucket{le="1"} 0 5\nh_bucket{le="1"} 0 5\nh_bucket{le="+Inf"} 1 5\n# EOF\n',
    ],
    ['info points going back in time', '# TYPE i info\ni_info{a="1"} 1 5\ni_info{a="2"} 1 4\n# EOF\n'],
    [
      'stateset states of one metric',
      '# TYPE s stateset\ns{s="a",x="1"} 1\ns{s="b",x="1"} 0\ns{s="a",x="2"} 0\n# EOF\n',
    ],
  ])('accepts %s', (_what, text) => {
    const r = parseOpenMetrics(text);
    expect(r.ok ? 'ok' : r.error.message).toBe('ok');
  });

  it.each([
    [
      '# TYPE a counter\na_total 1 5\na_created 3\n# EOF\n',
      'line 3: a_created: samples of one metric must all have a timestamp or none',
    ],
    ['# TYPE a gauge\na 1 5\na 1 4\n# EOF\n', 'line 3: a: timestamps within one metric must not go backwards'],
    [
      '# TYPE s stateset\ns{s="a",x="1"} 1\ns{s="a",x="2"} 0\ns{s="b",x="1"} 0\n# EOF\n',
      'line 4: samples of "s"{x="1"} are not together',
    ],
  ])('rejects %j', (text, message) => {
    const r = parseOpenMetrics(text);
    expect(!r.ok && r.error.message).toBe(message);
  });
});
