/** /proc/sys/fs/file-nr → node_filefd_allocated and node_filefd_maximum (node-exporter's `filefd` collector). */
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import { fields, parseNumber, quote } from './text-lines.js';

const ALLOCATED = gauge('node_filefd_allocated', 'File descriptor statistics: allocated.');
const MAXIMUM = gauge('node_filefd_maximum', 'File descriptor statistics: maximum.');

export function emitFilefd(text: string, file: string, out: CollectionBuilder): void {
  // "allocated  free-but-allocated(always 0 since 2.6)  maximum"
  const first = text.split('\n')[0] ?? '';
  const [allocated, , maximum] = fields(first).map(parseNumber);
  if (allocated === undefined || maximum === undefined) {
    out.problem(`${file}:1`, `expected "<allocated> <unused> <maximum>", got ${quote(first)}`);
    return;
  }
  out.add(ALLOCATED, {}, allocated);
  out.add(MAXIMUM, {}, maximum);
}
