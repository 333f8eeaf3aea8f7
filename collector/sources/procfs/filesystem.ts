/**
 * node_filesystem_* (node-exporter's `filesystem` collector): statfs(2) of every
 * mount that the mount-point and fs-type patterns let through.
 *
 * statfs on a dead NFS server or a wedged FUSE daemon blocks in the kernel,
 * and in Node it blocks one of libuv's four threadpool threads with it. So each
 * call races a timeout, and a mount whose earlier call has still not returned
 * is not asked again: it is reported with device_error 1 until the call ends.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { CollectionBuilder } from './collection-builder.js';
import { gauge } from './collection-builder.js';
import type { MountEntry } from './mounts.js';
import { describeError, toErrno } from './read-text.js';

/** The numbers node-exporter uses from statfs(2); Node's `fs.StatFs` has them under these names. */
export interface StatfsResult {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}
/** The statfs(2) seam: tests pass one that hangs or fails. */
export type StatfsFn = (path: string) => Promise<StatfsResult>;
export const realStatfs: StatfsFn = (p) => statfs(p);

const L = 'Filesystem';
const SIZE = gauge('node_filesystem_size_bytes', `${L} size in bytes.`);
const FREE = gauge('node_filesystem_free_bytes', `${L} free space in bytes.`);
const AVAIL = gauge('node_filesystem_avail_bytes', `${L} space available to non-root users in bytes.`);
const FILES = gauge('node_filesystem_files', `${L} total file nodes.`);
const FILES_FREE = gauge('node_filesystem_files_free', `${L} total free file nodes.`);
const READONLY = gauge('node_filesystem_readonly', `${L} read-only status.`);
const DEVICE_ERROR = gauge(
  'node_filesystem_device_error',
  'Whether an error occurred while getting statistics for the given device.',
);

export interface FilesystemOptions {
  readonly rootfsPath: string;
  readonly mountPointsExclude: RegExp;
  readonly fsTypesExclude: RegExp;
  readonly statfsTimeoutMs: number;
  readonly statfs: StatfsFn;
  /** ms since epoch; only used to say how long a stuck call has been pending. */
  readonly clock: () => number;
}

type StatOutcome = { kind: 'ok'; stats: StatfsResult } | { kind: 'error'; message: string };

export class FilesystemCollector {
  /** statfs calls that outlived their collection, by the path they were made on. */
  private readonly stuck = new Map<string, number>();

  constructor(private readonly options: FilesystemOptions) {}

  /** Mount points exactly as node-exporter labels them: with the rootfs prefix removed. */
  labelOf(mountpoint: string): string {
    const root = this.options.rootfsPath;
    if (root === '/' || !mountpoint.startsWith(root)) return mountpoint;
    const rest = mountpoint.slice(root.replace(/\/$/, '').length);
    return rest === '' ? '/' : rest;
  }

  async collect(
    mounts: readonly MountEntry[],
    mountsFile: string,
    out: CollectionBuilder,
    signal?: AbortSignal,
  ): Promise<void> {
    const seen = new Set<string>();
    const jobs: Promise<void>[] = [];
    for (const m of mounts) {
      const mountpoint = this.labelOf(m.mountpoint);
      if (this.options.mountPointsExclude.test(mountpoint) || this.options.fsTypesExclude.test(m.fstype)) continue;
      // The same filesystem mounted twice at one place (bind mounts, /dev/shm here) is exported once.
      const key = JSON.stringify([m.device, mountpoint, m.fstype]);
      if (seen.has(key)) continue;
      seen.add(key);
      const labels = { device: m.device, fstype: m.fstype, mountpoint };
      jobs.push(
        this.stat(path.join(this.options.rootfsPath, mountpoint).replace(/(.)\/$/, '$1'), signal).then((r) => {
          out.add(DEVICE_ERROR, labels, r.kind === 'ok' ? 0 : 1);
          out.add(READONLY, labels, m.options.includes('ro') ? 1 : 0);
          if (r.kind === 'error') {
            out.problem(`${mountsFile}: ${mountpoint}`, r.message);
            return;
          }
          const s = r.stats;
          out.add(SIZE, labels, s.blocks * s.bsize);
          out.add(FREE, labels, s.bfree * s.bsize);
          out.add(AVAIL, labels, s.bavail * s.bsize);
          out.add(FILES, labels, s.files);
          out.add(FILES_FREE, labels, s.ffree);
        }),
      );
    }
    await Promise.all(jobs);
  }

  private async stat(target: string, signal?: AbortSignal): Promise<StatOutcome> {
    const since = this.stuck.get(target);
    if (since !== undefined) {
      return {
        kind: 'error',
        message: `statfs(${target}) has not returned for ${this.options.clock() - since} ms; not asking again until it does`,
      };
    }
    const { statfsTimeoutMs } = this.options;
    const call = this.options.statfs(target).then(
      (stats): StatOutcome => ({ kind: 'ok', stats }),
      (e: unknown): StatOutcome => ({ kind: 'error', message: `statfs(${target}): ${describeError(toErrno(e))}` }),
    );
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const late = new Promise<StatOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: 'error', message: `statfs(${target}) did not return within ${statfsTimeoutMs} ms` }),
        statfsTimeoutMs,
      );
      onAbort = () => resolve({ kind: 'error', message: `statfs(${target}) abandoned: collection aborted` });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    const r = await Promise.race([
      call.then((v) => ({ v, timedOut: false })),
      late.then((v) => ({ v, timedOut: true })),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (r.timedOut) {
      this.stuck.set(target, this.options.clock());
      void call.finally(() => this.stuck.delete(target));
    }
    return r.v;
  }
}
