/**
 * /etc/os-release (or /usr/lib/os-release) → node_os_info and node_os_version
 * (node-exporter's `os` collector). The file is shell-style KEY=value lines,
 * values optionally quoted (os-release(5)).
 */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import { numberedLines, quote } from './text-lines.js';

const INFO_LABELS = [
  'build_id',
  'id',
  'id_like',
  'image_id',
  'image_version',
  'name',
  'pretty_name',
  'variant',
  'variant_id',
  'version',
  'version_codename',
  'version_id',
] as const;
const OS_INFO = gauge('node_os_info', `A metric with a constant '1' value labeled by ${INFO_LABELS.join(', ')}.`);
const OS_VERSION = gauge('node_os_version', 'Metric containing the major.minor part of the OS version.');
const ASSIGNMENT = /^([A-Z0-9_]+)=(.*)$/;

export function parseOsRelease(text: string, file: string, out: CollectionBuilder): Map<string, string> {
  const vars = new Map<string, string>();
  for (const { no, text: line } of numberedLines(text)) {
    if (line.trimStart().startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line.trim());
    if (!m) {
      out.problem(`${file}:${no}`, `expected KEY=value, got ${quote(line)}`);
      continue;
    }
    vars.set(m[1] as string, unquote(m[2] as string));
  }
  return vars;
}

function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
    const inner = v.slice(1, -1);
    // Inside double quotes the shell escapes are \" \\ \$ \`.
    return q === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
  }
  return v;
}

export function emitOsRelease(text: string, file: string, out: CollectionBuilder): void {
  const vars = parseOsRelease(text, file, out);
  const get = (label: string): string => vars.get(label.toUpperCase()) ?? '';
  out.add(OS_INFO, Object.fromEntries(INFO_LABELS.map((l) => [l, get(l)])), 1);
  // "12", "22.04" and "3.18.4" give 12, 22.04 and 3.18; a VERSION_ID without digits gives no sample.
  const m = /^(\d+)(?:\.(\d+))?/.exec(get('version_id'));
  if (m)
    out.add(
      OS_VERSION,
      { id: get('id'), id_like: get('id_like'), name: get('name') },
      Number(m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`),
    );
}
