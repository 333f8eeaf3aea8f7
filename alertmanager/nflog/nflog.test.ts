import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotificationLog } from './nflog.js';

const H = 3600_000;
const tmp = () => mkdtemp(path.join(tmpdir(), 'kp-nflog-'));

describe('notification log', () => {
  it('keeps what was sent across a restart until the entry expires', async () => {
    const file = path.join(await tmp(), 'nflog.json');
    let now = 1000;
    const log = await NotificationLog.open({ file, retentionMs: H, clock: () => now });
    if (!log.ok) throw log.error;
    await log.value.log('{}:{alertname="A"}', 'email', ['h1'], []);
    const again = await NotificationLog.open({ file, retentionMs: H, clock: () => now });
    expect(again.ok && again.value.query('{}:{alertname="A"}', 'email')).toMatchObject({ firing: ['h1'], resolved: [], timestamp: 1000 });
    expect(again.ok && again.value.query('{}:{alertname="A"}', 'slack')).toBeUndefined();
    now += H + 1;
    const expired = await NotificationLog.open({ file, retentionMs: H, clock: () => now });
    expect(expired.ok && expired.value.query('{}:{alertname="A"}', 'email')).toBeUndefined();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('reports a damaged file by name and field, and a file that is not JSON', async () => {
    const dir = await tmp();
    const bad = path.join(dir, 'nflog.json');
    await writeFile(bad, '{"version":1,"entries":[{"groupKey":7}]}');
    const r = await NotificationLog.open({ file: bad, retentionMs: H, clock: () => 0 });
    expect(r.ok ? '' : r.error.message).toMatch(/nflog\.json: entries\.0\.groupKey: /);
    const garbage = path.join(dir, 'garbage.json');
    await writeFile(garbage, '{"version":');
    const g = await NotificationLog.open({ file: garbage, retentionMs: H, clock: () => 0 });
    expect(g.ok ? '' : g.error.message).toMatch(/garbage\.json: not valid JSON/);
  });
});
