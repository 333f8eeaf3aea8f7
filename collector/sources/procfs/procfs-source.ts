/**
 * The node source: this machine's metrics under node-exporter's names, labels
 * and units. Every file is read and parsed on its own, all in parallel, so one
 * unreadable or garbled file costs only its own metrics and adds a problem.
 */
import path from 'node:path';
import type { Collection, Source } from '../source.js';
import { CollectionBuilder, gauge, SOURCE_NAME } from './collection-builder.js';
import { emitDiskstats } from './diskstats.js';
import { FilesystemCollector } from './filesystem.js';
import { emitFilefd } from './filefd.js';
import { emitLoadavg } from './loadavg.js';
import { emitMeminfo } from './meminfo.js';
import { parseMounts } from './mounts.js';
import { collectNetclass } from './netclass.js';
import { emitNetdev } from './netdev.js';
import { emitNetstatPairs, emitSnmp6 } from './netstat.js';
import { emitOsRelease } from './os-release.js';
import { detectPageSize } from './page-size.js';
import { emitPressure, PRESSURE_RESOURCES } from './pressure.js';
import type { ProcfsOptions } from './procfs-options.js';
import { resolveOptions } from './procfs-options.js';
import type { ReadText } from './read-text.js';
import { describeError, isAbsent, readText } from './read-text.js';
import { emitSockstat } from './sockstat.js';
import type { CpuHistory } from './stat.js';
import { emitStat } from './stat.js';
import type { UnameFileLabel } from './uname.js';
import { emitUname, UNAME_FILES } from './uname.js';
import { emitVmstat } from './vmstat.js';

const TIME = gauge('node_time_seconds', 'System time in seconds since epoch (1970).');

/**
 * @example
 * const source = createProcfsSource({ procPath: '/host/proc', sysPath: '/host/sys', rootfsPath: '/host/root' });
 * const { samples, metadata, problems } = await source.collect();
 */
export function createProcfsSource(options?: ProcfsOptions): Source {
  const o = resolveOptions(options);
  const cpuHistory: CpuHistory = new Map();
  const filesystems = new FilesystemCollector(o);
  let pageSize: Promise<number> | undefined =
    o.pageSizeBytes === undefined ? undefined : Promise.resolve(o.pageSizeBytes);
  const proc = (...parts: string[]): string => path.join(o.procPath, ...parts);
  const read: ReadText = readText;

  return {
    name: SOURCE_NAME,
    async collect(signal?: AbortSignal): Promise<Collection> {
      const out = new CollectionBuilder();
      const resource = o.scope !== 'full';
      const full = o.scope !== 'resource';

      /** Reads `file` and hands it to `parse`; a missing file is a problem unless `optional`. */
      const file = async (p: string, parse: (text: string, file: string) => void, optional = false): Promise<void> => {
        const r = await read(p);
        if (r.ok) parse(r.value, p);
        else if (!(optional && isAbsent(r.error))) out.problem(p, describeError(r.error));
      };

      const mounts = async (): Promise<void> => {
        // PID 1's mounts are the host's even when we run in our own mount namespace with the host's /proc;
        // hidepid can hide PID 1, and then our own view is the best there is.
        let mountsFile = proc('1', 'mounts');
        let r = await read(mountsFile);
        if (!r.ok && (r.error.code === 'ENOENT' || r.error.code === 'EACCES')) {
          mountsFile = proc('mounts');
          r = await read(mountsFile);
        }
        if (!r.ok) {
          out.problem(mountsFile, describeError(r.error));
          return;
        }
        await filesystems.collect(parseMounts(r.value, mountsFile, out), mountsFile, out, signal);
      };

      const uname = async (): Promise<void> => {
        const labels = Object.keys(UNAME_FILES) as UnameFileLabel[];
        const texts = await Promise.all(labels.map((l) => read(proc('sys', 'kernel', UNAME_FILES[l]))));
        emitUname(Object.fromEntries(labels.flatMap((l, i) => (texts[i]?.ok ? [[l, texts[i].value]] : []))), out);
      };

      const osRelease = async (): Promise<void> => {
        for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
          const p = path.join(o.rootfsPath, rel);
          const r = await read(p);
          if (r.ok) return emitOsRelease(r.value, p, out);
          if (!isAbsent(r.error)) return out.problem(p, describeError(r.error));
        }
      };

      const otherFiles = async (): Promise<void> => {
        pageSize ??= detectPageSize(o.procPath);
        const bytesPerPage = await pageSize;
        await Promise.all([
          file(proc('loadavg'), (t, f) => emitLoadavg(t, f, out)),
          file(proc('diskstats'), (t, f) => emitDiskstats(t, f, out, o.diskDeviceExclude)),
          file(proc('net', 'dev'), (t, f) => emitNetdev(t, f, out, o.netDeviceExclude)),
          file(proc('vmstat'), (t, f) => emitVmstat(t, f, out, o.vmstatFields)),
          file(proc('sys', 'fs', 'file-nr'), (t, f) => emitFilefd(t, f, out)),
          file(proc('net', 'sockstat'), (t, f) => emitSockstat(t, f, out, bytesPerPage)),
          file(proc('net', 'sockstat6'), (t, f) => emitSockstat(t, f, out, bytesPerPage), true),
          file(proc('net', 'netstat'), (t, f) => emitNetstatPairs(t, f, out, o.netstatFields)),
          file(proc('net', 'snmp'), (t, f) => emitNetstatPairs(t, f, out, o.netstatFields)),
          file(proc('net', 'snmp6'), (t, f) => emitSnmp6(t, f, out, o.netstatFields), true),
          // Pressure stall information needs Linux 4.20+ and CONFIG_PSI; without it there is nothing to report.
          ...PRESSURE_RESOURCES.map((res) => file(proc('pressure', res), (t, f) => emitPressure(res, t, f, out), true)),
          uname(),
          osRelease(),
          collectNetclass(o.sysPath, read, out, o.netclassDeviceExclude),
          mounts(),
        ]);
        out.add(TIME, {}, o.clock() / 1000);
      };

      await Promise.all([
        resource ? file(proc('stat'), (t, f) => emitStat(t, f, out, cpuHistory)) : undefined,
        resource ? file(proc('meminfo'), (t, f) => emitMeminfo(t, f, out)) : undefined,
        full ? otherFiles() : undefined,
      ]);
      return out.build();
    },
  };
}
