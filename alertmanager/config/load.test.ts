import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, readSecretFiles, secretFileRefs } from './load.js';

const CONFIG = `global:
  smtp_smarthost: localhost:25
  smtp_from: am@example.org
  smtp_auth_password_file: secrets/smtp
templates: ['tmpl/*.tmpl', '/abs/*.tmpl']
route:
  receiver: r
receivers:
- name: r
  email_configs:
  - to: a@example.org
  slack_configs:
  - api_url_file: secrets/slack
`;

function tempConfig(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'am-load-'));
  writeFileSync(path.join(dir, 'am.yml'), CONFIG);
  return dir;
}

describe('loadConfigFile', () => {
  it('resolves templates against the config directory', async () => {
    const dir = tempConfig();
    const r = await loadConfigFile(path.join(dir, 'am.yml'));
    if (!r.ok) throw r.error;
    expect(r.value.templateGlobs).toEqual([path.join(dir, 'tmpl/*.tmpl'), '/abs/*.tmpl']);
    expect(r.value.original).toBe(CONFIG);
  });

  it('names a missing config file', async () => {
    const r = await loadConfigFile('/no/such/am.yml');
    expect(!r.ok && r.error.message).toBe('open /no/such/am.yml: no such file or directory');
  });

  it('loads without reading secret files, then reads them relative to the config on request', async () => {
    const dir = tempConfig();
    const r = await loadConfigFile(path.join(dir, 'am.yml'));
    if (!r.ok) throw r.error;
    expect(secretFileRefs(r.value.config).map((x) => x.where)).toEqual([
      'global.smtp_auth_password_file',
      'receivers.0.email_configs.0.auth_password_file',
      'receivers.0.slack_configs.0.api_url_file',
    ]);
    const missing = await readSecretFiles(r.value);
    const eagerMissing = await loadConfigFile(path.join(dir, 'am.yml'), { readSecretFiles: true });
    expect(!eagerMissing.ok && eagerMissing.error.message).toContain('secrets/smtp');
    expect(!missing.ok && missing.error.message).toBe(
      `${path.join(dir, 'am.yml')}: global.smtp_auth_password_file: cannot read secret file ${JSON.stringify(path.join(dir, 'secrets/smtp'))}: ENOENT`,
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets/smtp'), 'pw\n');
    writeFileSync(path.join(dir, 'secrets/slack'), 'https://hooks.slack.com/x\n');
    const eager = await loadConfigFile(path.join(dir, 'am.yml'), { readSecretFiles: true });
    expect(eager.ok && eager.value.secretFiles?.size).toBe(2);
    const read = await readSecretFiles(r.value);
    if (!read.ok) throw read.error;
    expect(read.value.get(path.join(dir, 'secrets/smtp'))?.reveal()).toBe('pw');
    expect(String(read.value.get(path.join(dir, 'secrets/slack')))).toBe('<secret>');
  });
});
