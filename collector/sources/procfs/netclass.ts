/**
 * /sys/class/net/<iface> → node_network_up and node_network_info (the two
 * netclass metrics node-mixin uses). Attributes a driver does not implement
 * fail to read (duplex on lo gives EINVAL); node-exporter shows those as "".
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import type { ReadText } from './read-text.js';
import { describeError, isAbsent, toErrno } from './read-text.js';

const UP = gauge('node_network_up', "Value is 1 if operstate is 'up', 0 otherwise.");
const INFO = gauge('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.');
const ATTRIBUTES = ['address', 'broadcast', 'duplex', 'ifalias', 'operstate'] as const;

export async function collectNetclass(
  sysPath: string,
  read: ReadText,
  out: CollectionBuilder,
  exclude: RegExp | undefined,
): Promise<void> {
  const dir = path.join(sysPath, 'class', 'net');
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const error = toErrno(e);
    if (!isAbsent(error)) out.problem(dir, describeError(error));
    return;
  }
  // Interfaces are symlinks into /sys/devices; plain files such as bonding_masters are not interfaces.
  const ifaces = entries
    .filter((e) => (e.isSymbolicLink() || e.isDirectory()) && !exclude?.test(e.name))
    .map((e) => e.name);
  await Promise.all(
    ifaces.map(async (device) => {
      const values = await Promise.all(
        ATTRIBUTES.map(async (a) => {
          const r = await read(path.join(dir, device, a));
          return r.ok ? r.value.trim() : '';
        }),
      );
      const attrs = Object.fromEntries(ATTRIBUTES.map((a, i) => [a, values[i] ?? '']));
      out.add(UP, { device }, attrs.operstate === 'up' ? 1 : 0);
      out.add(INFO, { device, ...attrs }, 1);
    }),
  );
}
