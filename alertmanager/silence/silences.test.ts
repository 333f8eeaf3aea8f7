import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Silences, type SilenceInput } from './index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'sil-'));
  dirs.push(d);
  return d;
}

const H = 3600_000;
const input = (over: Partial<SilenceInput> = {}): SilenceInput => ({
  matchers: [{ name: 'alertname', value: 'Disk.*', isRegex: true, isEqual: true }],
  startsAt: 0,
  endsAt: 2 * H,
  createdBy: 'me',
  comment: 'c',
  ...over,
});

async function open(file: string | undefined, clock: () => number): Promise<Silences> {
  const s = await Silences.open({ file, retentionMs: 24 * H, clock });
  if (!s.ok) throw s.error;
  return s.value;
}

describe('Silences', () => {
  it('mutes matching alerts only while active', async () => {
    let now = 1000;
    const s = await open(undefined, () => now);
    const id = await s.set(input({ startsAt: 10 * H, endsAt: 12 * H }));
    expect(id.ok).toBe(true);
    expect(s.mutes({ alertname: 'DiskFull' }, now)).toBe(false); // pending
    now = 11 * H;
    expect(s.mutes({ alertname: 'DiskFull' }, now)).toBe(true);
    expect(s.mutes({ alertname: 'CPU' }, now)).toBe(false);
    now = 12 * H;
    expect(s.mutes({ alertname: 'DiskFull' }, now)).toBe(false);
  });

  it('updates in place when only the end moves, and replaces otherwise', async () => {
    const now = H;
    const s = await open(undefined, () => now);
    const r = await s.set(input());
    if (!r.ok) throw r.error;
    const startsAt = s.get(r.value)!.startsAt;
    const same = await s.set(input({ id: r.value, startsAt, endsAt: 5 * H, comment: 'longer' }));
    expect(same).toEqual({ ok: true, value: r.value });
    expect(s.get(r.value)).toMatchObject({ endsAt: 5 * H, comment: 'longer' });
    const other = await s.set(
      input({ id: r.value, startsAt, matchers: [{ name: 'job', value: 'x', isRegex: false, isEqual: true }] }),
    );
    expect(other.ok && other.value).not.toBe(r.value);
    expect(s.get(r.value)!.endsAt).toBe(now); // the old one was expired
  });

  it("rejects bad silences with Alertmanager's messages", async () => {
    const s = await open(undefined, () => H);
    const msg = async (i: SilenceInput) => {
      const r = await s.set(i);
      return r.ok ? 'ok' : `${r.error.kind}: ${r.error.message}`;
    };
    expect(await msg(input({ matchers: [] }))).toBe('bad_data: at least one matcher required');
    expect(await msg(input({ matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }] }))).toBe(
      'bad_data: at least one matcher must not match the empty string',
    );
    expect(await msg(input({ startsAt: 3 * H, endsAt: 2 * H }))).toBe(
      'bad_data: end time must not be before start time',
    );
    expect(await msg(input({ endsAt: H - 1 }))).toBe("bad_data: end time can't be in the past");
    expect(await msg(input({ id: 'nope' }))).toBe('not_found: silence nope not found');
    expect(await msg(input({ matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }] }))).toMatch(
      /^bad_data: invalid regular expression/,
    );
  });

  it('persists to a file, expires, and garbage-collects after the retention', async () => {
    const file = path.join(await tmp(), 'silences.json');
    let now = H;
    const s = await open(file, () => now);
    const r = await s.set(input());
    if (!r.ok) throw r.error;
    const again = await open(file, () => now);
    expect(again.get(r.value)).toEqual(s.get(r.value));
    expect((await again.expire(r.value)).ok).toBe(true);
    expect((await again.expire(r.value)).ok).toBe(false);
    now += 25 * H;
    expect(await again.gc()).toBe(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, silences: [] });
  });

  it('reports a damaged file by name', async () => {
    const file = path.join(await tmp(), 'silences.json');
    await writeFile(file, '{"version":1,"silences":[{"id":3}]}');
    const s = await Silences.open({ file, retentionMs: H, clock: () => 0 });
    expect(s.ok ? '' : s.error.message).toMatch(/silences\.json: silences\.0\.id: /);
  });
});
