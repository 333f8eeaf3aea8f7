/**
 * OpenMetrics 1.0 text format, checked as strictly as the specification
 * reads: `# EOF` must end the exposition, the whole exposition is rejected on
 * the first problem ("Partial or invalid expositions MUST be considered
 * erroneous in their entirety"), timestamps are seconds (returned in ms).
 */
import { err, ok, type Result } from '../../result.js';
import { ParseError, type ExposedSample, type ExpositionOptions, type ParsedExposition } from './exposition-types.js';
import { LineCursor } from './line-cursor.js';
import { OmFamilies, type Problem } from './openmetrics-family.js';
import { parseDescriptorLine, parseSampleLine, type OmSampleLine } from './openmetrics-line.js';

/**
 * Parses a whole OpenMetrics exposition.
 *
 * @example
 * const r = parseOpenMetrics('# TYPE a counter\na_total 1 # {trace_id="x"} 1\n# EOF\n');
 * if (r.ok) r.value.samples[0]?.exemplar; // { labels: { trace_id: 'x' }, value: 1 }
 */
export function parseOpenMetrics(text: string, options: ExpositionOptions = {}): Result<ParsedExposition, ParseError> {
  const samples: ExposedSample[] = [];
  const families = new OmFamilies(options.validation !== 'structure', (i, createdT) => {
    samples[i] = { ...(samples[i] as ExposedSample), createdT };
  });
  const lines = text.split('\n');
  const fail = (p: Problem, lineNo: number) => err(new ParseError(p.lineNo ?? lineNo, p.message));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    if (line === '# EOF') {
      const last = i === lines.length - 1 || (i === lines.length - 2 && lines[i + 1] === '');
      if (!last) return err(new ParseError(lineNo + 1, 'nothing may follow "# EOF"'));
      const problem = families.end();
      if (problem) return fail(problem, lineNo);
      return ok({ format: 'openmetrics', samples, metadata: families.metadata() });
    }
    if (line === '') {
      if (i === lines.length - 1) break;
      return err(new ParseError(lineNo, 'blank lines are not allowed in OpenMetrics'));
    }
    const c = new LineCursor(line, lineNo);
    if (line.startsWith('#')) {
      const d = parseDescriptorLine(c);
      if (d instanceof ParseError) return err(d);
      const problem = families.descriptor(d);
      if (problem) return fail(problem, lineNo);
      continue;
    }
    const s = parseSampleLine(c);
    if (s instanceof ParseError) return err(s);
    samples.push(toExposed(s));
    const problem = families.sample(s, samples.length - 1, lineNo);
    if (problem) return fail(problem, lineNo);
  }
  return err(new ParseError(lines.length, 'missing "# EOF" at the end of the exposition'));
}

function toExposed(s: OmSampleLine): ExposedSample {
  const out: ExposedSample = {
    labels: { __name__: s.name, ...s.labels },
    value: s.value,
    ...(s.timestamp ? { t: s.timestamp.ms } : {}),
  };
  if (!s.exemplar) return out;
  const { labels, value, timestamp } = s.exemplar;
  return { ...out, exemplar: { labels, value, ...(timestamp ? { t: timestamp.ms } : {}) } };
}
