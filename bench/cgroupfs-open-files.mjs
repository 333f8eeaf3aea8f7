#!/usr/bin/env node
// What keeping cgroup files open costs the kernel, and what it saves: opens N files of this
// machine's cgroupfs (the given ones, round robin; the same file opened twice is two open files),
// reads each once as the collector does, and prints the change in /proc/meminfo's slab before and
// after closing them. That memory is the kernel's, not the process's: RSS does not show it, but
// cgroup v2 charges it to the pod's memory cgroup. Then, per file, the time of a read from offset 0
// of a kept-open file against open + read + close (20,000 of each, wall time of this process).
//
//   node bench/cgroupfs-open-files.mjs [N=8000] [file ...]   (raise `ulimit -n` above N first)
import { closeSync, openSync, readFileSync, readSync, readvSync } from 'node:fs';

const n = Number(process.argv[2] ?? 8000);
const given = process.argv.slice(3);
const files = given.length > 0 ? given : ['/sys/fs/cgroup/memory/memory.stat', '/sys/fs/cgroup/cpu/cpu.stat', '/sys/fs/cgroup/memory/memory.usage_in_bytes'];
const meminfo = () =>
  Object.fromEntries(
    readFileSync('/proc/meminfo', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(':')), Number.parseInt(l.slice(l.indexOf(':') + 1), 10) * 1024]),
  );
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const buf = Buffer.alloc(64 * 1024);
const before = meminfo();
const fds = [];
try {
  for (let i = 0; i < n; i++) {
    const fd = openSync(files[i % files.length], 'r');
    fds.push(fd);
    readSync(fd, buf, 0, buf.length, 0);
  }
  const open = meminfo();
  console.log(`${n} cgroupfs files open, each read once (${files.join(', ')}):`);
  console.log(`  slab +${mb(open.Slab - before.Slab)} (unreclaimable +${mb(open.SUnreclaim - before.SUnreclaim)}), ${((open.Slab - before.Slab) / n / 1024).toFixed(1)} KiB a file`);
} finally {
  for (const fd of fds) closeSync(fd);
}
const closed = meminfo();
console.log(`  after closing them: slab ${closed.Slab >= before.Slab ? '+' : ''}${mb(closed.Slab - before.Slab)} against before`);

const ROUNDS = 20_000;
const micros = (fn) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) fn();
  return Number(process.hrtime.bigint() - t) / ROUNDS / 1000;
};
for (const f of files) {
  const fd = openSync(f, 'r');
  const held = micros(() => readvSync(fd, [buf], 0));
  closeSync(fd);
  const reopened = micros(() => {
    const d = openSync(f, 'r');
    readvSync(d, [buf], 0);
    closeSync(d);
  });
  console.log(`  ${f}: kept open ${held.toFixed(1)} µs a read, open + read + close ${reopened.toFixed(1)} µs`);
}
