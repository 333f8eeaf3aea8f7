import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openTsdb } from '../index.js';
import { eq } from '../labels/matcher.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/tsdb');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs the writer child until both writers have `until` acks, then SIGKILLs it; returns the last ack per writer. */
function runAndKill(dir: string, until: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--experimental-transform-types',
        '--no-warnings',
        '--import',
        path.join(fixtures, 'ts-hooks.ts'),
        path.join(fixtures, 'wal-writer.ts'),
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acked = [0, 0];
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // a partial line is not an acknowledgement
      for (const l of lines) {
        const [, w, n] = l.split(' ');
        acked[Number(w)] = Number(n);
      }
      if (!killed && acked[0]! >= until && acked[1]! >= until) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('WAL under SIGKILL', () => {
  it('keeps every acknowledged sample across two crashes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kp-wal-crash-'));
    dirs.push(dir);
    // Second run appends on top of the replayed first run, then dies too.
    const first = await runAndKill(dir, 150);
    const db1 = await openTsdb({ dir });
    if (!db1.ok) throw db1.error;
    await db1.value.close();
    const second = await runAndKill(dir, 50);
    expect(first[0]).toBeGreaterThanOrEqual(150);

    const db = await openTsdb({ dir });
    if (!db.ok) throw db.error;
    const q = db.value.querier(0, 1e9);
    for (const w of [0, 1]) {
      for (const s of [...q.select([eq('writer', String(w))])]) {
        const seen: number[] = [];
        const it = s.samples();
        while (it.next()) seen.push(it.at().t);
        // The second run resumed where the replayed data ended: its acks count from 0 too.
        const mustHave = second[w]!;
        expect(mustHave).toBeGreaterThan(first[w]!);
        expect(seen.length).toBeGreaterThanOrEqual(mustHave);
        expect(seen.slice(0, mustHave)).toEqual(Array.from({ length: mustHave }, (_, i) => i * 1000));
      }
      expect([...q.select([eq('writer', String(w))])]).toHaveLength(5);
    }
    await db.value.close();
  });
});
