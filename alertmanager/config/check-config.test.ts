/**
 * check-config against the real thing: Debian's amtool 0.25
 * (package prometheus-alertmanager) runs on every conformance file and must
 * agree with us on accept/reject, except for the differences listed below,
 * which all come from features added to Alertmanager after 0.25.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkConfigFile, runCheckConfig } from './check-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(repoRoot, '../shared/conformance/alertmanager-config');
const AMTOOL = '/usr/bin/amtool';
const run = promisify(execFile);

/** Files the fixtures' Alertmanager (0.34) accepts and amtool 0.25 rejects, with why. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'conf.mattermost-default-webhook-url.yml': 'mattermost_configs and global mattermost_* arrived after 0.25',
  'conf.mattermost-default-webhook-url-file.yml': 'mattermost_configs and global mattermost_* arrived after 0.25',
  'conf.rocketchat-default-token.yml': 'rocketchat_configs arrived after 0.25',
  'conf.rocketchat-default-token-file.yml': 'rocketchat_configs arrived after 0.25',
  'conf.slack-default-app-token.yml': 'slack_app_token / app_url arrived after 0.25',
  'conf.smtp-password-global-and-local.yml': 'smtp_auth_secret_file / auth_secret_file arrived after 0.25',
  'conf.telegram-default-bot-token.yml':
    'global telegram_bot_token arrived after 0.25 (0.25: "missing bot_token on telegram_config")',
  'conf.telegram-default-bot-token-file.yml': 'global telegram_bot_token_file arrived after 0.25',
  'conf.wechat-default-api-secret-file.yml': 'wechat api_secret_file arrived after 0.25',
};

async function amtool(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(AMTOOL, ['check-config', file], { cwd: dir });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/** Runs our command; paths are relative to the fixture folder and printed as given. */
async function ours(files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const abs = files.map((f) => path.join(dir, f));
  const code = await runCheckConfig(abs, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  const rel = (t: string): string => t.split(dir + '/').join('');
  return { code, stdout: rel(stdout), stderr: rel(stderr) };
}

describe('checkConfigFile', () => {
  it('prints what amtool prints for a good file', async () => {
    const r = await ours(['amtool/conf.good.yml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Checking 'amtool/conf.good.yml'  SUCCESS\nFound:\n - global config\n - route\n - 0 inhibit rules\n - 1 receivers\n - 1 templates\n  SUCCESS\n\n",
    );
  });

  it('prints the failure and counts failed files', async () => {
    const r = await ours(['amtool/conf.bad.yml', 'conf.good.yml', 'conf.sns-invalid.yml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "Checking 'amtool/conf.bad.yml'  FAILED: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `BAD` into config.plain\n\n",
    );
    expect(r.stdout).toContain(
      "Checking 'conf.sns-invalid.yml'  FAILED: must provide either a Target ARN, Topic ARN, or Phone Number for SNS config\n\n",
    );
    expect(r.stderr).toBe('kubepulse: error: failed to validate 2 file(s)\n');
  });

  it('stops before checking anything when a path does not exist', async () => {
    const r = await ours(['conf.good.yml', 'no-such.yml']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "kubepulse: error: path 'no-such.yml' does not exist\n" });
    const direct = await checkConfigFile(path.join(dir, 'no-such.yml'));
    expect(direct.ok).toBe(false);
  });

  it('checks the templates the config names, relative to the config file', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'am-check-'));
    writeFileSync(
      path.join(tmp, 'am.yml'),
      "route:\n  receiver: r\nreceivers:\n- name: r\ntemplates:\n- 'tmpl/*.tmpl'\n",
    );
    const r1 = await checkConfigFile(path.join(tmp, 'am.yml'));
    expect(r1.ok && r1.value.valid).toBe(true);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(tmp, 'tmpl'));
    writeFileSync(path.join(tmp, 'tmpl', 'bad.tmpl'), '{{ define "x" }}{{ .Foo ');
    const r2 = await checkConfigFile(path.join(tmp, 'am.yml'));
    expect(r2.ok && r2.value.valid).toBe(false);
    expect(r2.ok && r2.value.output).toContain('  FAILED: template: bad.tmpl:');
    writeFileSync(
      path.join(tmp, 'tmpl', 'bad.tmpl'),
      readdirSync(path.join(dir, 'templates')).length > 0 ? '{{ define "x" }}ok{{ end }}' : '',
    );
    const r3 = await checkConfigFile(path.join(tmp, 'am.yml'));
    expect(r3.ok && r3.value.valid).toBe(true);
  });
});

describe('differential against amtool 0.25 (Debian prometheus-alertmanager)', () => {
  const files = [
    ...readdirSync(dir).filter((f) => f.endsWith('.yml')),
    ...readdirSync(path.join(dir, 'amtool'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => `amtool/${f}`),
  ].sort();

  it('has amtool installed', () => {
    expect(existsSync(AMTOOL), `${AMTOOL} missing: apt-get install prometheus-alertmanager`).toBe(true);
  });

  it('agrees on accept/reject for every file but the known differences', async () => {
    const disagreements: string[] = [];
    const outputs: Array<[string, string, string]> = [];
    for (const f of files) {
      const [theirs, mine] = await Promise.all([amtool(f), ours([f])]);
      if ((theirs.code === 0) !== (mine.code === 0)) disagreements.push(f);
      else if (theirs.code === 0) outputs.push([f, mine.stdout, theirs.stdout]);
    }
    expect(disagreements).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
    // Where both accept, the whole report is byte for byte amtool's.
    expect(outputs.length).toBeGreaterThanOrEqual(10);
    for (const [f, mine, theirs] of outputs) expect(mine, f).toBe(theirs);
  }, 60_000);
});
