import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeAlert } from '../alerts/index.js';
import { humanizeDuration } from './functions.js';
import { formatGoTime, goTime } from './go-time-value.js';
import { goData, NotificationTemplate } from './notification-template.js';
import { templateData } from './template-data.js';

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 670);

function sample() {
  const a = normalizeAlert(
    {
      labels: { alertname: 'DiskFull', instance: 'n1', severity: 'page' },
      annotations: { summary: 'disk <full>' },
      startsAt: T0,
    },
    T0,
    300_000,
  );
  const b = normalizeAlert(
    { labels: { alertname: 'DiskFull', instance: 'n2', severity: 'page' }, startsAt: T0, endsAt: T0 + 1000 },
    T0,
    300_000,
  );
  return templateData('ops', { alertname: 'DiskFull' }, [a, b], T0 + 5000, 'http://am.local');
}

async function render(text: string, data = goData(sample())): Promise<string> {
  const t = await NotificationTemplate.load([]);
  if (!t.ok) throw t.error;
  const r = await t.value.render('test', text, data);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('NotificationTemplate', () => {
  it("renders Alertmanager's default subject", async () => {
    expect(await render('{{ template "email.default.subject" . }}')).toBe('[FIRING:1] DiskFull (page)');
  });
  it('escapes values in the HTML body and lists firing and resolved alerts', async () => {
    const html = await render('{{ template "email.default.html" . }}');
    expect(html).toContain('summary = disk &lt;full&gt;');
    expect(html).toContain('[1] Firing');
    expect(html).toContain('[1] Resolved');
    expect(html).toContain('href="http://am.local/#/alerts?receiver=ops"');
  });
  it('offers KV methods, Firing/Resolved and the Alertmanager functions', async () => {
    expect(
      await render(
        '{{ range .Alerts.Firing }}{{ .Labels.instance }}{{ end }}|{{ .CommonLabels.SortedPairs.Names | join "," }}',
      ),
    ).toBe('n1|alertname,severity');
    expect(await render('{{ (index .Alerts 0).Labels.Remove (stringSlice "instance" "severity") }}')).toBe(
      'map[alertname:DiskFull]',
    );
    expect(
      await render(
        '{{ "a b" | title }} {{ reReplaceAll "(\\\\d+)" "<$1>" "x12y" }} {{ match "^Disk" "DiskFull" }} {{ " x " | trimSpace | toUpper }}',
      ),
    ).toBe('A B x<12>y true X');
    expect(
      await render(
        '{{ (index .Alerts 0).StartsAt }}|{{ date "2006-01-02 15:04 MST" (tz "Europe/Paris" (index .Alerts 0).StartsAt) }}',
      ),
    ).toBe('2024-01-02 03:04:05.67 +0000 UTC|2024-01-02 04:04 CET');
  });
  it('loads user templates and reports their errors with the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tmpl-'));
    await writeFile(path.join(dir, 'a.tmpl'), '{{ define "mine" }}hello {{ .Receiver }}{{ end }}');
    const t = await NotificationTemplate.load([path.join(dir, '*.tmpl')]);
    expect(t.ok && (await t.value.render('x', '{{ template "mine" . }}', goData(sample())))).toEqual({
      ok: true,
      value: 'hello ops',
    });
    await writeFile(path.join(dir, 'b.tmpl'), '{{ define "bad" }}{{ nosuchfn }}{{ end }}');
    const bad = await NotificationTemplate.load([path.join(dir, '*.tmpl')]);
    expect(bad.ok ? '' : bad.error.message).toMatch(/b\.tmpl: .*nosuchfn/);
  });
  it('humanizes durations and formats times as Go does', () => {
    expect(humanizeDuration(90061)).toBe('1d 1h 1m 1s');
    expect(humanizeDuration(1.5)).toBe('1.5s');
    expect(humanizeDuration(0.25)).toBe('250ms');
    expect(formatGoTime(goTime(T0), 'Mon Jan _2 03:04:05.000 PM')).toBe('Tue Jan  2 03:04:05.670 AM');
  });
});
