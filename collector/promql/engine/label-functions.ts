/**
 * label_replace and label_join: rewrite one label of every series. The
 * result keeps the metric name (unless it is the label rewritten away).
 */
import type { Labels } from '../../tsdb/interface.js';
import { isValidUtf8, quoteString } from '../parser/literals.js';
import { compileAnchored, type Regex } from '../regex.js';
import { EvalError } from './context.js';
import { mergeSameLabels } from './merge.js';
import type { StepSeries } from './values.js';

type Vec = { type: 'vector'; series: StepSeries[] };

function checkLabelName(name: string, fn: string): void {
  if (name === '' || !isValidUtf8(name))
    throw new EvalError('execution', `invalid destination label name in ${fn}(): ${quoteString(name)}`);
}

function setLabel(l: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...l };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** Go's regexp.Expand: $1, ${1}, $name, ${name}; $$ is a literal $. */
function expand(template: string, re: Regex, src: string): string {
  const m = re.matcher(src);
  if (!m.matches()) return template;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i++;
      continue;
    }
    const braced = /^\{([a-zA-Z0-9_]+)\}/.exec(rest);
    const bare = /^[a-zA-Z0-9_]+/.exec(rest);
    const name = braced?.[1] ?? bare?.[0];
    if (name === undefined) {
      out += '$';
      continue;
    }
    i += (braced?.[0] ?? bare?.[0] ?? '').length;
    let g: string | null;
    try {
      g = /^\d+$/.test(name) ? (Number(name) <= m.groupCount() ? m.group(Number(name)) : null) : m.group(name);
    } catch {
      g = null; // unknown group names expand to nothing, as in Go
    }
    out += g ?? '';
  }
  return out;
}

export function evalLabelReplace(v: Vec, args: string[]): Vec {
  const [dst = '', replacement = '', src = '', regex = ''] = args;
  const re = compileAnchored(regex);
  if (!re.ok) throw new EvalError('execution', `invalid regular expression in label_replace(): ${regex}`);
  checkLabelName(dst, 'label_replace');
  for (const s of v.series) {
    const value = s.labels[src] ?? '';
    if (!re.value.matcher(value).matches()) continue;
    s.labels = setLabel(s.labels, dst, expand(replacement, re.value, value));
    if (dst === '__name__') s.dropName = false;
  }
  return { type: 'vector', series: mergeSameLabels(v.series) };
}

export function evalLabelJoin(v: Vec, args: string[]): Vec {
  const [dst = '', sep = '', ...srcs] = args;
  checkLabelName(dst, 'label_join');
  for (const s of v.series) {
    const joined = srcs.map((l) => s.labels[l] ?? '').join(sep);
    s.labels = setLabel(s.labels, dst, joined);
    if (dst === '__name__') s.dropName = false;
  }
  return { type: 'vector', series: mergeSameLabels(v.series) };
}
