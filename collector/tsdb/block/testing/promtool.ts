/**
 * Runs the real promtool (Debian package `prometheus`) against block
 * directories and parses what it prints, so tests compare our files with
 * Prometheus' own reading of them.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Sample } from '../../interface.js';

const run = promisify(execFile);

export async function promtool(...args: string[]): Promise<string> {
  const { stdout } = await run('promtool', args, { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

export interface ListedBlock {
  readonly ulid: string;
  readonly minTime: number;
  readonly maxTime: number;
  readonly numSamples: number;
  readonly numChunks: number;
  readonly numSeries: number;
}

/** `promtool tsdb list` without -r prints times as milliseconds. */
export async function listBlocksWithPromtool(dir: string): Promise<ListedBlock[]> {
  const out = await promtool('tsdb', 'list', dir);
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const f = line.trim().split(/\s+/);
      return {
        ulid: f[0]!,
        minTime: Number(f[1]),
        maxTime: Number(f[2]),
        numSamples: Number(f[4]),
        numChunks: Number(f[5]),
        numSeries: Number(f[6]),
      };
    });
}

/**
 * `promtool tsdb dump` as a map from the printed label set to its samples.
 * promtool opens the directory as a database and wants a `wal` folder, so
 * an empty one is created first.
 */
export async function dumpWithPromtool(dir: string): Promise<Map<string, Sample[]>> {
  await mkdir(join(dir, 'wal'), { recursive: true });
  const out = await promtool('tsdb', 'dump', dir);
  const series = new Map<string, Sample[]>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const m = /^(\{.*\}) (\S+) (-?\d+)$/.exec(line);
    if (!m) throw new Error(`unexpected promtool dump line: ${line}`);
    const key = m[1]!;
    const v = m[2] === '+Inf' ? Infinity : m[2] === '-Inf' ? -Infinity : Number(m[2]);
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push({ t: Number(m[3]), v });
  }
  return series;
}

/** The label set as promtool prints it: `{a="1", b="2"}` in name order. */
export function promtoolKey(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(', ')}}`;
}
