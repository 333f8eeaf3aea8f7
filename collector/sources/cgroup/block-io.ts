/**
 * Per-device block I/O of a cgroup, from either hierarchy:
 *
 * - v2 `io.stat`: `<maj>:<min> rbytes=… wbytes=… rios=… wios=… dbytes=… dios=…`.
 *   The kernel prints a device that has no stats as a bare `<maj>:<min> ` with
 *   no newline, so one line can start with several devices
 *   (`7:7 7:6 7:5 7:4 rbytes=…`): the pairs belong to the last device before them.
 * - v1 `blkio.throttle.io_service_bytes[_recursive]` and `…io_serviced[_recursive]`:
 *   `<maj>:<min> Read|Write|Sync|Async|Discard|Total <n>` plus a final `Total <n>`.
 *
 * Devices are keyed `maj:min`; the source turns them into `/dev/<name>`.
 */
import type { Parsed } from './parsed.js';
import { parsed } from './parsed.js';
import type { FileProblem } from './text-lines.js';
import { fields, integerAt, numberedLines, parseInteger, quote } from './text-lines.js';

export interface DeviceIo {
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
}

export type BlockIo = Map<string, DeviceIo>;

const DEVICE = /^\d+:\d+$/;

const entry = (io: BlockIo, device: string): DeviceIo => {
  let d = io.get(device);
  if (!d) {
    d = { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
    io.set(device, d);
  }
  return d;
};

const IO_STAT_KEYS: Readonly<Record<string, keyof DeviceIo>> = {
  rbytes: 'readBytes',
  wbytes: 'writeBytes',
  rios: 'reads',
  wios: 'writes',
};

/** `<digits>:<digits>` is exactly `text[start, end)`. */
function isDeviceAt(text: string, start: number, end: number): boolean {
  const colon = text.indexOf(':', start);
  if (colon <= start || colon >= end - 1) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (i !== colon && (c < 48 || c > 57)) return false;
  }
  return true;
}

/** IO_STAT_KEYS as `key=` prefixes, for matching in place. */
const IO_STAT_PREFIXES = Object.entries(IO_STAT_KEYS).map(([key, field]) => [`${key}=`, field] as const);

/**
 * io.stat as the kernel writes it, read in place without splitting lines and fields (it is read for
 * every cgroup, every full collection); undefined for anything it does not expect, and then
 * parseIoStat's careful path says what is wrong and where.
 */
function fastIoStat(text: string): BlockIo | undefined {
  const io: BlockIo = new Map();
  let device: string | undefined;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      device = undefined;
      i++;
      continue;
    }
    if (c === 32) {
      i++;
      continue;
    }
    // The token [i, end), and its first '=' (-1: none).
    let end = i;
    let eq = -1;
    for (; end < text.length; end++) {
      const ch = text.charCodeAt(end);
      if (ch === 32 || ch === 10) break;
      if (ch === 61 /* = */ && eq === -1) eq = end;
    }
    if (eq === -1) {
      if (!isDeviceAt(text, i, end)) return undefined;
      device = text.slice(i, end);
    } else {
      const value = integerAt(text, eq + 1, end);
      if (device === undefined || eq === i || value === undefined) return undefined;
      for (let k = 0; k < IO_STAT_PREFIXES.length; k++) {
        // Indexed, not destructured: destructuring goes through the tuple's iterator (record-codec.ts, copyLabelBytes).
        const pair = IO_STAT_PREFIXES[k] as (typeof IO_STAT_PREFIXES)[number];
        const prefix = pair[0];
        const key = pair[1];
        if (eq - i + 1 === prefix.length && text.startsWith(prefix, i)) {
          entry(io, device)[key] = value;
          break;
        }
      }
    }
    i = end;
  }
  return io;
}

export function parseIoStat(text: string, file: string): Parsed<BlockIo> {
  const fast = fastIoStat(text);
  if (fast) return parsed(fast);
  const io: BlockIo = new Map();
  const problems: FileProblem[] = [];
  for (const { no, text: line } of numberedLines(text)) {
    let device: string | undefined;
    for (const token of fields(line)) {
      if (DEVICE.test(token)) {
        device = token;
        continue;
      }
      const eq = token.indexOf('=');
      const value = parseInteger(token.slice(eq + 1));
      if (device === undefined || eq <= 0 || value === undefined) {
        problems.push({ place: `${file}:${no}`, message: `expected "<maj>:<min> key=<integer>…", got ${quote(line)}` });
        break;
      }
      const key = IO_STAT_KEYS[token.slice(0, eq)];
      // dbytes/dios (discards) and cost.* keys of io.cost have no cAdvisor metric.
      if (key) entry(io, device)[key] = value;
    }
  }
  return parsed(io, problems);
}

/** Adds one v1 blkio throttle file to `io`: bytes files fill the byte counts, serviced files the op counts. */
export function parseBlkioThrottle(text: string, file: string, kind: 'bytes' | 'ops', io: BlockIo): Parsed<BlockIo> {
  const problems: FileProblem[] = [];
  for (const { no, text: line } of numberedLines(text)) {
    const f = fields(line);
    if (f.length === 2 && f[0] === 'Total' && parseInteger(f[1]) !== undefined) continue;
    const [device, op, raw] = f;
    const value = parseInteger(raw);
    if (f.length !== 3 || device === undefined || !DEVICE.test(device) || value === undefined) {
      problems.push({
        place: `${file}:${no}`,
        message: `expected "<maj>:<min> <operation> <integer>", got ${quote(line)}`,
      });
      continue;
    }
    if (op === 'Read') entry(io, device)[kind === 'bytes' ? 'readBytes' : 'reads'] = value;
    else if (op === 'Write') entry(io, device)[kind === 'bytes' ? 'writeBytes' : 'writes'] = value;
  }
  return parsed(io, problems);
}
