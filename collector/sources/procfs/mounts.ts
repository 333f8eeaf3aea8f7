/**
 * /proc/<pid>/mounts (fstab(5) format): device, mount point, type, options,
 * dump, pass. Spaces, tabs, newlines and backslashes inside a field are
 * written as octal escapes (\040 \011 \012 \134).
 */
import type { CollectionBuilder } from './collection-builder.js';
import { fields, numberedLines, quote } from './text-lines.js';

export interface MountEntry {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly options: readonly string[];
}

export function decodeOctalEscapes(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMounts(text: string, file: string, out: CollectionBuilder): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const { no, text: line } of numberedLines(text)) {
    const [device, mountpoint, fstype, options] = fields(line);
    if (options === undefined || !mountpoint?.startsWith('/')) {
      out.problem(`${file}:${no}`, `expected "<device> <mount point> <type> <options> …", got ${quote(line)}`);
      continue;
    }
    mounts.push({
      device: device as string,
      mountpoint: decodeOctalEscapes(mountpoint),
      fstype: fstype as string,
      options: options.split(','),
    });
  }
  return mounts;
}
