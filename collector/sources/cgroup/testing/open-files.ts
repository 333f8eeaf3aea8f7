/** For tests of the cgroup readers: which files this process holds open. */
import { readdirSync, readlinkSync } from 'node:fs';

/** How many of this process' descriptors are open on files under `dir`. */
export function openUnder(dir: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${dir}/`)) n++;
    } catch {
      // the descriptor readdir itself used, closed by now
    }
  }
  return n;
}
