/**
 * node_uname_info (node-exporter's `uname` collector). node-exporter calls
 * uname(2); the same strings are in /proc/sys/kernel, which lets a collector
 * running in a container read the host's through a mounted /proc. Whatever
 * cannot be read falls back to Node's own `os` answers, which come from uname(2).
 */
import os from 'node:os';
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';

const UNAME_INFO = gauge('node_uname_info', 'Labeled system information as provided by the uname system call.');

/** File under <procPath>/sys/kernel for each label that has one. */
export const UNAME_FILES = {
  sysname: 'ostype',
  release: 'osrelease',
  version: 'version',
  nodename: 'hostname',
  domainname: 'domainname',
} as const;
export type UnameFileLabel = keyof typeof UNAME_FILES;

export function emitUname(read: Partial<Record<UnameFileLabel, string>>, out: CollectionBuilder): void {
  const pick = (label: UnameFileLabel, fallback: () => string): string => read[label]?.trim() ?? fallback();
  out.add(
    UNAME_INFO,
    {
      sysname: pick('sysname', () => os.type()),
      release: pick('release', () => os.release()),
      version: pick('version', () => os.version()),
      machine: os.machine(),
      nodename: pick('nodename', () => os.hostname()),
      // Linux prints "(none)" when no NIS domain is set, and so does uname(2).
      domainname: pick('domainname', () => '(none)'),
    },
    1,
  );
}
