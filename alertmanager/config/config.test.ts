import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ParseConfigOptions } from './config.js';
import { redactedConfig } from './redact.js';
import { Secret } from './secret.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.resolve(repoRoot, '../shared/conformance/alertmanager-config');

const errorOf = (yaml: string, options?: ParseConfigOptions): string => {
  const r = parseConfig(yaml, options);
  return r.ok ? 'loaded' : r.error.message;
};
const lineOf = (yaml: string): number | undefined => {
  const r = parseConfig(yaml);
  return r.ok ? undefined : r.error.line;
};

const RECEIVER = `receivers:\n- name: team-X\n`;

describe('top-level checks (Alertmanager config_test.go cases)', () => {
  it.each([
    ['', 'no route provided in config'],
    ['# only a comment\n', 'no route provided in config'],
    ['route:\n   group_wait: 30s\n', 'root route must specify a default receiver'],
    [
      "route:\n    receiver: team-X\nreceivers:\n- name: 'team-X'\n- name: 'team-X'\n",
      'notification config name "team-X" is not unique',
    ],
    ["route:\n    receiver: team-X\nreceivers:\n- name: 'team-Y'\n", 'undefined receiver "team-X" used in route'],
    [
      'route:\n    receiver: team-X\n    routes:\n      - match:\n          foo: bar\n        routes:\n        - match:\n            foo: bar\n          receiver: nonexistent\n' +
        RECEIVER,
      'undefined receiver "nonexistent" used in route',
    ],
    ["route:\n\nreceivers:\n- name: ''\n", 'missing name in receiver'],
    [
      'route:\n    receiver: team-X\n    routes:\n    -  match:\n        severity: critical\n       mute_time_intervals:\n       - business_hours\n' +
        RECEIVER,
      'undefined time interval "business_hours" used in route',
    ],
    [
      "time_intervals:\n- name:\n  time_intervals:\n  - times:\n     - start_time: '09:00'\n       end_time: '17:00'\n",
      'missing name in time interval',
    ],
    [
      'mute_time_intervals:\n- name: dup\n  time_intervals: []\n- name: dup\n  time_intervals: []\nroute:\n  receiver: team-X\n' +
        RECEIVER,
      'mute time interval "dup" is not unique',
    ],
    [
      "route:\n  group_by: ['alertname', 'cluster', 'service', 'cluster']\n" + RECEIVER,
      'duplicated label "cluster" in group_by',
    ],
    [
      "route:\n  group_by: ['alertname', '...']\n  receiver: team-X\n" + RECEIVER,
      'cannot have wildcard group_by (`...`) and other labels at the same time',
    ],
    [RECEIVER, 'no routes provided'],
    [
      "route:\n  receiver: 'team-X'\n  match:\n    severity: critical\n" + RECEIVER,
      'root route must not have any matchers',
    ],
    [
      "route:\n  receiver: 'team-X'\n  matchers:\n    - severity=critical\n" + RECEIVER,
      'root route must not have any matchers',
    ],
    ['route:\n    receiver: team-X\n    continue: true\n' + RECEIVER, 'cannot have continue in root route'],
    ['route:\n    receiver: team-X\n    group_interval: 0s\n' + RECEIVER, 'group_interval cannot be zero'],
    ['route:\n    receiver: team-X\n    repeat_interval: 0s\n' + RECEIVER, 'repeat_interval cannot be zero'],
    [
      'route:\n    receiver: team-X\n    group_wait: 5 minutes\n' + RECEIVER,
      'not a valid duration string: "5 minutes"',
    ],
  ])('%j', (yaml, want) => expect(errorOf(yaml)).toBe(want));

  it('checks group_by names with the classic rule only in classic mode', () => {
    const yaml = "route:\n  group_by: ['-invalid-']\n  receiver: team-X\n" + RECEIVER;
    expect(errorOf(yaml, { matcherMode: 'classic' })).toBe('invalid label name "-invalid-" in group_by list');
    expect(errorOf(yaml)).toBe('loaded');
  });

  it('rejects an unparsable matcher with the parser message', () => {
    const yaml = "route:\n  receiver: team-X\n  routes:\n  - matchers: ['foo!bar']\n" + RECEIVER;
    expect(errorOf(yaml)).toBe('bad matcher format: foo!bar');
    expect(lineOf(yaml)).toBe(4);
  });

  it('passes fallback-parser warnings to the warn function', () => {
    const warnings: string[] = [];
    const r = parseConfig('route:\n  receiver: team-X\n  routes:\n  - matchers: [foo=]\n' + RECEIVER, {
      warn: (_m, f) => warnings.push(f.input ?? ''),
    });
    expect(r.ok).toBe(true);
    expect(warnings).toEqual(['foo=']);
  });
});

describe('go-yaml strict decoding', () => {
  it('collects unknown fields with their lines', () => {
    const yaml = 'route:\n  receiver: x\n  recevier: y\nreceivers:\n- name: x\n  foo: 1\nglobals: {}\n';
    expect(errorOf(yaml)).toBe(
      'yaml: unmarshal errors:\n  line 3: field recevier not found in type config.plain\n  line 6: field foo not found in type config.plain\n  line 7: field globals not found in type config.plain',
    );
    expect(lineOf(yaml)).toBe(3);
  });
  it('reports type mismatches as go-yaml does', () => {
    expect(errorOf('route:\n  receiver: x\n  continue: maybe\n')).toBe(
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `maybe` into bool',
    );
    expect(errorOf('route:\n  receiver: x\n  group_by: alertname\n')).toBe(
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `alertname` into []string',
    );
    expect(errorOf('BAD')).toBe('yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `BAD` into config.plain');
  });
  it('reads YAML 1.1 booleans like go-yaml', () => {
    const r = parseConfig(
      'route:\n  receiver: x\n  routes:\n  - receiver: x\n    continue: yes\nreceivers:\n- name: x\n',
    );
    expect(r.ok && r.value.route.routes?.[0]?.continue).toBe(true);
  });
  it('reports YAML syntax errors with a line', () => {
    const r = parseConfig('route:\n  receiver: [x\n');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/^yaml: line \d+: /);
  });
  it('expands anchors and merge keys', () => {
    const yaml = `x: &http\n  follow_redirects: false\n`;
    const r = parseConfig(
      `global:\n  http_config: &h\n    follow_redirects: false\nroute:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://a.example/\n    http_config:\n      <<: *h\n      enable_http2: false\n`,
    );
    expect(yaml).toContain('http');
    expect(r.ok && r.value.receivers[0]?.webhook_configs?.[0]?.http_config).toEqual({
      follow_redirects: false,
      enable_http2: false,
    });
  });
});

describe('receivers and globals', () => {
  const base = (receiver: string, global = ''): string =>
    `${global ? `global:\n${global}` : ''}route:\n  receiver: r\nreceivers:\n- name: r\n${receiver}`;

  it.each([
    ['discord_configs', 'missing discord config'],
    ['email_configs', 'missing email config'],
    ['incidentio_configs', 'missing incidentio config'],
    ['pagerduty_configs', 'missing pagerduty config'],
    ['webhook_configs', 'missing webhook config'],
    ['pushover_configs', 'missing pushover config'],
    ['victorops_configs', 'missing victorops config'],
    ['sns_configs', 'missing sns config'],
    ['telegram_configs', 'missing telegram config'],
    ['webex_configs', 'missing webex config'],
    ['msteams_configs', 'missing msteams config'],
    ['msteamsv2_configs', 'missing msteamsv2 config'],
    ['jira_configs', 'missing jira config'],
    ['mattermost_configs', 'missing mattermost config'],
    ['slack_configs', 'no Slack API URL nor App token set either inline or in a file'],
    ['opsgenie_configs', 'no global OpsGenie API Key set either inline or in a file'],
    ['wechat_configs', 'no global Wechat Api Secret set either inline or in a file'],
    ['rocketchat_configs', 'no global Rocketchat TokenID set either inline or in a file'],
  ])('an empty %s entry fails with %j', (key, want) => {
    expect(errorOf(`global:\nroute:\n  receiver: r\nreceivers:\n- name: r\n  ${key}:\n  -\n`)).toBe(want);
  });

  it.each([
    ['  email_configs:\n  - to: a@example.org\n', '', 'no global SMTP smarthost set'],
    ['  email_configs:\n  - to: a@example.org\n', '  smtp_smarthost: localhost:25\n', 'no global SMTP from set'],
    [
      '  email_configs:\n  - to: a@example.org\n    smarthost: localhost\n',
      '',
      'address localhost: missing port in address',
    ],
    [
      '  email_configs:\n  - to: a@example.org\n    smarthost: "localhost:"\n',
      '',
      'address "localhost:": port cannot be empty',
    ],
    ["  email_configs:\n  - to: ''\n", '', 'missing to address in email config'],
    [
      '  email_configs:\n  - to: a@x\n    headers: {Subject: a, sUbject: b}\n',
      '',
      'duplicate header "Subject" in email config',
    ],
    ['  webhook_configs:\n  - send_resolved: true\n', '', 'one of url or url_file must be configured'],
    ['  webhook_configs:\n  - url: ftp://x.example/\n', '', 'invalid URL: unsupported scheme "ftp" for URL'],
    [
      '  webhook_configs:\n  - url: "http://x/{{ .Invalid"\n',
      '',
      'invalid template syntax: template: :1: unclosed action',
    ],
    [
      '  slack_configs:\n  - api_url: http://x.example/\n    api_url_file: /f\n',
      '',
      'at most one of api_url & api_url_file must be configured',
    ],
    ['  slack_configs:\n  - api_url: foo\n', '', 'unsupported scheme "" for URL'],
    [
      '  slack_configs:\n  - channel: x\n    actions: [{type: button}]\n',
      '  slack_api_url: http://x.example/\n',
      'missing text in Slack action configuration',
    ],
    ['  pagerduty_configs:\n  - routing_key: ""\n', '', 'missing service or routing key in PagerDuty config'],
    ['  pushover_configs:\n  - user_key: k\n', '', 'one of token or token_file must be configured'],
    [
      '  pushover_configs:\n  - user_key: k\n    token: t\n    retry: 1x\n',
      '',
      'time: unknown unit "x" in duration "1x"',
    ],
    [
      '  victorops_configs:\n  - routing_key: r\n    custom_fields: {entity_state: x}\n',
      '  victorops_api_key: k\n',
      'victorOps config contains custom field entity_state which cannot be used as it conflicts with the fixed/static fields',
    ],
    ['  telegram_configs:\n  - bot_token: t\n', '', 'missing chat_id or chat_id_file on telegram_config'],
    [
      '  telegram_configs:\n  - bot_token: t\n    chat_id: 1\n    parse_mode: rtf\n',
      '',
      'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
    ],
    ['  webex_configs:\n  - room_id: r\n', '', 'missing webex_configs.http_config.authorization'],
    [
      '  wechat_configs:\n  - message_type: html\n',
      '',
      'weChat message type "html" does not match valid options ^(text|markdown)$',
    ],
    ['  jira_configs:\n  - project: P\n', '', 'missing issue_type in jira_config'],
    ['  jira_configs:\n  - project: P\n    issue_type: Bug\n', '', 'no global Jira Cloud URL set'],
    [
      '  opsgenie_configs:\n  - api_key: k\n    responders: [{id: x, type: wrong}]\n',
      '',
      'opsGenieConfig responder {x   wrong} type does not match valid options ^(team|teams|user|escalation|schedule)$',
    ],
    [
      '  sns_configs:\n  - topic_arn: t\n    phone_number: p\n',
      '',
      'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config',
    ],
    [
      '  webhook_configs:\n  - url: http://x.example/\n    http_config:\n      bearer_token: a\n      basic_auth: {username: u}\n',
      '',
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    ],
    [
      '  webhook_configs:\n  - url: http://x.example/\n    http_config:\n      authorization: {type: Basic}\n',
      '',
      'authorization type cannot be set to "basic", use "basic_auth" instead',
    ],
    [
      '  webhook_configs:\n  - url: http://x.example/\n    http_config:\n      tls_config: {cert_file: /c}\n',
      '',
      'exactly one of key or key_file must be configured when a client certificate is configured',
    ],
    ['  discord_configs:\n  - title: t\n', '', 'no discord webhook URL or URLFile provided'],
  ])('%j', (receiver, global, want) => expect(errorOf(base(receiver, global))).toBe(want));

  it('names the line of the failing integration', () => {
    expect(lineOf(base('  email_configs:\n  - to: a@example.org\n    from: x@example.org\n'))).toBe(6);
  });

  it('copies SMTP, Slack and HTTP globals into receivers', () => {
    const r = parseConfig(readFileSync(path.join(fixtures, 'conf.good.yml'), 'utf8'));
    if (!r.ok) throw r.error;
    const email = r.value.receivers[0]?.email_configs?.[0];
    expect(email?.smarthost).toBe('localhost:25');
    expect(email?.from).toBe('alertmanager@example.org');
    expect(email?.hello).toBe('host.example.org');
    expect(email?.auth_password?.reveal()).toBe('multiline\nmysecret');
    expect(email?.require_tls).toBe(true);
    const slack = r.value.receivers.find((x) => x.name === 'slack-receiver')?.slack_configs?.[0];
    expect(slack?.api_url?.reveal()).toBe('http://mysecret.example.com/');
    expect(slack?.http_config?.proxy_url).toBe('http://127.0.0.1:1025');
    expect(r.value.global.resolve_timeout).toBe(300_000);
  });

  it('keeps a receiver http_config over the global one', () => {
    const r = parseConfig(readFileSync(path.join(fixtures, 'conf.http-config.good.yml'), 'utf8'));
    if (!r.ok) throw r.error;
    expect(r.value.global.http_config?.follow_redirects).toBe(false);
    expect(r.value.receivers[0]?.slack_configs?.[0]?.http_config?.follow_redirects).toBe(true);
  });

  it('turns a global Slack app token into a bearer authorization on the app URL', () => {
    const r = parseConfig(base('  slack_configs:\n  - channel: c\n', '  slack_app_token: xoxb-1\n'));
    if (!r.ok) throw r.error;
    const s = r.value.receivers[0]?.slack_configs?.[0];
    expect(s?.api_url?.reveal()).toBe('https://slack.com/api/chat.postMessage');
    expect(s?.http_config?.authorization?.credentials?.reveal()).toBe('xoxb-1');
  });
});

describe('secrets', () => {
  it('never print their value', () => {
    const s = new Secret('hunter2');
    expect(String(s)).toBe('<secret>');
    expect('token=' + s.toString()).toBe('token=<secret>');
    expect(JSON.stringify({ s })).toBe('{"s":"<secret>"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });

  it('redactedConfig masks every secret in conf.good.yml as Alertmanager does (13 of them)', () => {
    const r = parseConfig(readFileSync(path.join(fixtures, 'conf.good.yml'), 'utf8'));
    if (!r.ok) throw r.error;
    const out = redactedConfig(r.value);
    expect(out.split('<secret>').length - 1).toBe(13);
    expect(out).not.toContain('mysecret');
    expect(JSON.stringify(r.value)).not.toContain('mysecret');
    // The output is itself a loadable config.
    expect(parseConfig(out).ok).toBe(true);
  });
});

describe('inhibitRuleMatchers', () => {
  it('folds legacy maps and matchers into sorted source and target lists', async () => {
    const { inhibitRuleMatchers } = await import('./route.js');
    const r = parseConfig(
      `route:\n  receiver: r\nreceivers:\n- name: r\ninhibit_rules:\n- source_match: {severity: critical}\n  source_matchers: ['alertname="X"']\n  target_match_re: {severity: 'warn.*'}\n  equal: [cluster]\n`,
    );
    if (!r.ok) throw r.error;
    const rule = r.value.inhibit_rules[0];
    if (!rule) throw new Error('no rule');
    const m = inhibitRuleMatchers(rule);
    expect(m.source.map(String)).toEqual(['alertname="X"', 'severity="critical"']);
    expect(m.target.map(String)).toEqual(['severity=~"warn.*"']);
    expect(m.target[0]?.matches('warning')).toBe(true);
    expect(m.equal).toEqual(['cluster']);
  });
});
