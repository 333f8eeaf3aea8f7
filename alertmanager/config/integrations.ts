/**
 * The integrations kubepulse does not send to itself (yet) still get
 * Alertmanager's validation, so that every config Alertmanager accepts loads
 * here and every one it rejects fails with the same message.
 */
import {
  anyValue,
  bool,
  int,
  isNull,
  list,
  map,
  str,
  stringList,
  stringMap,
  type Decoded,
  type FieldDecoder,
} from './decoder.js';
import { goDuration, promDuration, textGoDuration } from './duration.js';
import { sigv4Config } from './http-config.js';
import { COMMON_SPEC, fail, notifier, set, templateSyntaxError } from './notifier.js';
import { secret, secretUrl, url } from './url.js';

const plainStruct =
  <S extends Record<string, FieldDecoder<unknown>>>(typeName: string, spec: S): FieldDecoder<Decoded<S>> =>
  (d, n) =>
    isNull(n) ? undefined : d.fields(n, typeName, spec);

// ---- PagerDuty ------------------------------------------------------------------------
const PAGERDUTY_SPEC = {
  ...COMMON_SPEC,
  service_key: secret,
  service_key_file: str,
  routing_key: secret,
  routing_key_file: str,
  url,
  client: str,
  client_url: str,
  description: str,
  details: map(anyValue, 'map[string]interface {}'),
  images: list(plainStruct('pagerduty.Image', { src: str, alt: str, href: str }), '[]pagerduty.Image'),
  links: list(plainStruct('pagerduty.Link', { href: str, text: str }), '[]pagerduty.Link'),
  source: str,
  severity: str,
  class: str,
  component: str,
  group: str,
  timeout: goDuration,
};
const PAGERDUTY_DETAILS: Readonly<Record<string, string>> = {
  firing: '{{ .Alerts.Firing | toJson }}',
  resolved: '{{ .Alerts.Resolved | toJson }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};
export const pagerdutyConfig = notifier(
  'pagerduty.plain',
  PAGERDUTY_SPEC,
  () => ({
    send_resolved: true,
    description: '{{ template "pagerduty.default.description" .}}',
    client: '{{ template "pagerduty.default.client" . }}',
    client_url: '{{ template "pagerduty.default.clientURL" . }}',
  }),
  (c) => {
    if (!set(c.routing_key) && !set(c.service_key) && !set(c.routing_key_file) && !set(c.service_key_file)) {
      fail('missing service or routing key in PagerDuty config');
    }
    if (set(c.routing_key) && set(c.routing_key_file))
      fail('at most one of routing_key & routing_key_file must be configured');
    if (set(c.service_key) && set(c.service_key_file))
      fail('at most one of service_key & service_key_file must be configured');
    c.details = { ...PAGERDUTY_DETAILS, ...c.details };
    if (!c.source) c.source = c.client;
  },
);

// ---- OpsGenie -------------------------------------------------------------------------
const OPSGENIE_TYPES = /^(team|teams|user|escalation|schedule)$/;
const RESPONDER_SPEC = { id: str, name: str, username: str, type: str };
const OPSGENIE_SPEC = {
  ...COMMON_SPEC,
  api_key: secret,
  api_key_file: str,
  api_url: url,
  message: str,
  description: str,
  source: str,
  details: stringMap,
  entity: str,
  responders: list(plainStruct('opsgenie.Responder', RESPONDER_SPEC), '[]opsgenie.Responder'),
  actions: str,
  tags: str,
  note: str,
  priority: str,
  update_alerts: bool,
};
const goStruct = (r: Decoded<typeof RESPONDER_SPEC>): string =>
  `{${r.id ?? ''} ${r.name ?? ''} ${r.username ?? ''} ${r.type ?? ''}}`;
export const opsgenieConfig = notifier(
  'opsgenie.plain',
  OPSGENIE_SPEC,
  () => ({
    send_resolved: true,
    message: '{{ template "opsgenie.default.message" . }}',
    description: '{{ template "opsgenie.default.description" . }}',
    source: '{{ template "opsgenie.default.source" . }}',
  }),
  (c) => {
    if (set(c.api_key) && set(c.api_key_file)) fail('at most one of api_key & api_key_file must be configured');
    for (const r of c.responders ?? []) {
      if (!r) continue;
      if (!r.id && !r.username && !r.name)
        fail(`opsGenieConfig responder ${goStruct(r)} has to have at least one of id, username or name specified`);
      const t = r.type ?? '';
      if (t.includes('{{')) {
        const e = templateSyntaxError(t);
        if (e) fail(`opsGenieConfig responder ${goStruct(r)} type is not a valid template: ${e}`);
      } else {
        r.type = t.toLowerCase();
        if (!OPSGENIE_TYPES.test(r.type))
          fail(`opsGenieConfig responder ${goStruct(r)} type does not match valid options ${OPSGENIE_TYPES.source}`);
      }
    }
  },
);

// ---- VictorOps ------------------------------------------------------------------------
const VICTOROPS_RESERVED = [
  'routing_key',
  'message_type',
  'state_message',
  'entity_display_name',
  'monitoring_tool',
  'entity_id',
  'entity_state',
];
const VICTOROPS_SPEC = {
  ...COMMON_SPEC,
  api_key: secret,
  api_key_file: str,
  api_url: url,
  routing_key: str,
  message_type: str,
  state_message: str,
  entity_display_name: str,
  monitoring_tool: str,
  custom_fields: stringMap,
};
export const victoropsConfig = notifier(
  'victorops.plain',
  VICTOROPS_SPEC,
  () => ({
    send_resolved: true,
    message_type: 'CRITICAL',
    state_message: '{{ template "victorops.default.state_message" . }}',
    entity_display_name: '{{ template "victorops.default.entity_display_name" . }}',
    monitoring_tool: '{{ template "victorops.default.monitoring_tool" . }}',
  }),
  (c) => {
    if (!c.routing_key) fail('missing Routing key in VictorOps config');
    if (set(c.api_key) && set(c.api_key_file)) fail('at most one of api_key & api_key_file must be configured');
    for (const f of VICTOROPS_RESERVED) {
      if (c.custom_fields && Object.hasOwn(c.custom_fields, f)) {
        fail(
          `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`,
        );
      }
    }
  },
);

// ---- Pushover -------------------------------------------------------------------------
const PUSHOVER_SPEC = {
  ...COMMON_SPEC,
  user_key: secret,
  user_key_file: str,
  token: secret,
  token_file: str,
  title: str,
  message: str,
  url: str,
  url_title: str,
  device: str,
  sound: str,
  priority: str,
  retry: textGoDuration,
  expire: textGoDuration,
  ttl: textGoDuration,
  html: bool,
  monospace: bool,
};
export const pushoverConfig = notifier(
  'pushover.plain',
  PUSHOVER_SPEC,
  () => ({
    send_resolved: true,
    title: '{{ template "pushover.default.title" . }}',
    message: '{{ template "pushover.default.message" . }}',
    url: '{{ template "pushover.default.url" . }}',
    priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}',
    retry: 60_000,
    expire: 3_600_000,
    html: false,
  }),
  (c) => {
    if (!set(c.user_key) && !set(c.user_key_file)) fail('one of user_key or user_key_file must be configured');
    if (set(c.user_key) && set(c.user_key_file)) fail('at most one of user_key & user_key_file must be configured');
    if (!set(c.token) && !set(c.token_file)) fail('one of token or token_file must be configured');
    if (set(c.token) && set(c.token_file)) fail('at most one of token & token_file must be configured');
    if (c.html && c.monospace) fail('at most one of monospace & html must be configured');
  },
);

// ---- SNS ------------------------------------------------------------------------------
const SNS_SPEC = {
  ...COMMON_SPEC,
  api_url: str,
  sigv4: sigv4Config,
  topic_arn: str,
  phone_number: str,
  target_arn: str,
  subject: str,
  message: str,
  attributes: stringMap,
  use_aws_http_client: bool,
};
export const snsConfig = notifier(
  'sns.plain',
  SNS_SPEC,
  () => ({
    send_resolved: true,
    subject: '{{ template "sns.default.subject" . }}',
    message: '{{ template "sns.default.message" . }}',
  }),
  (c) => {
    // Exactly one of the three, as Go's chained != on the three emptiness flags says.
    const a = !c.target_arn;
    const b = !c.topic_arn;
    const p = !c.phone_number;
    if ((a !== b) !== p) fail('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
  },
);

// ---- WeChat ---------------------------------------------------------------------------
const WECHAT_TYPES = /^(text|markdown)$/;
const WECHAT_SPEC = {
  ...COMMON_SPEC,
  api_secret: secret,
  api_secret_file: str,
  corp_id: str,
  message: str,
  api_url: url,
  to_user: str,
  to_party: str,
  to_tag: str,
  agent_id: str,
  message_type: str,
};
export const wechatConfig = notifier(
  'wechat.plain',
  WECHAT_SPEC,
  () => ({
    send_resolved: false,
    message: '{{ template "wechat.default.message" . }}',
    to_user: '{{ template "wechat.default.to_user" . }}',
    to_party: '{{ template "wechat.default.to_party" . }}',
    to_tag: '{{ template "wechat.default.to_tag" . }}',
    agent_id: '{{ template "wechat.default.agent_id" . }}',
  }),
  (c) => {
    if (!c.message_type) c.message_type = 'text';
    if (!WECHAT_TYPES.test(c.message_type)) {
      fail(`weChat message type ${JSON.stringify(c.message_type)} does not match valid options ${WECHAT_TYPES.source}`);
    }
    if (set(c.api_secret) && set(c.api_secret_file))
      fail('at most one of api_secret & api_secret_file must be configured');
  },
);

// ---- Telegram -------------------------------------------------------------------------
const TELEGRAM_SPEC = {
  ...COMMON_SPEC,
  api_url: url,
  bot_token: secret,
  bot_token_file: str,
  chat_id: int('int64'),
  chat_id_file: str,
  message_thread_id: int('int'),
  message: str,
  disable_notifications: bool,
  parse_mode: str,
};
export const telegramConfig = notifier(
  'telegram.plain',
  TELEGRAM_SPEC,
  () => ({
    send_resolved: true,
    disable_notifications: false,
    message: '{{ template "telegram.default.message" . }}',
    parse_mode: 'HTML',
  }),
  (c) => {
    if (set(c.bot_token) && set(c.bot_token_file)) fail('at most one of bot_token & bot_token_file must be configured');
    if (!c.chat_id && !set(c.chat_id_file)) fail('missing chat_id or chat_id_file on telegram_config');
    if (c.chat_id && set(c.chat_id_file)) fail('at most one of chat_id & chat_id_file must be configured');
    if (c.parse_mode && !['Markdown', 'MarkdownV2', 'HTML'].includes(c.parse_mode)) {
      fail('unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string');
    }
  },
);

// ---- Webex ----------------------------------------------------------------------------
export const webexConfig = notifier(
  'webex.plain',
  { ...COMMON_SPEC, api_url: url, message: str, room_id: str },
  () => ({ send_resolved: true, message: '{{ template "webex.default.message" . }}' }),
  (c) => {
    if (!c.room_id) fail('missing room_id on webex_config');
    if (!c.http_config?.authorization) fail('missing webex_configs.http_config.authorization');
  },
);

// ---- Discord, Microsoft Teams ---------------------------------------------------------
const onlyOneWebhook = (c: { webhook_url?: unknown; webhook_url_file?: string }): void => {
  if (c.webhook_url !== undefined && set(c.webhook_url_file))
    fail('at most one of webhook_url & webhook_url_file must be configured');
};
export const discordConfig = notifier(
  'discord.plain',
  {
    ...COMMON_SPEC,
    webhook_url: secretUrl,
    webhook_url_file: str,
    title: str,
    message: str,
    content: str,
    username: str,
    avatar_url: str,
  },
  () => ({
    send_resolved: true,
    title: '{{ template "discord.default.title" . }}',
    message: '{{ template "discord.default.message" . }}',
  }),
  onlyOneWebhook,
);
export const msteamsConfig = notifier(
  'msteams.plain',
  { ...COMMON_SPEC, webhook_url: secretUrl, webhook_url_file: str, title: str, summary: str, text: str },
  () => ({
    send_resolved: true,
    title: '{{ template "msteams.default.title" . }}',
    summary: '{{ template "msteams.default.summary" . }}',
    text: '{{ template "msteams.default.text" . }}',
  }),
  onlyOneWebhook,
);
export const msteamsv2Config = notifier(
  'msteamsv2.plain',
  { ...COMMON_SPEC, webhook_url: secretUrl, webhook_url_file: str, title: str, text: str },
  () => ({
    send_resolved: true,
    title: '{{ template "msteamsv2.default.title" . }}',
    text: '{{ template "msteamsv2.default.text" . }}',
  }),
  onlyOneWebhook,
);

// ---- Jira -----------------------------------------------------------------------------
const JIRA_FIELD_SPEC = { template: str, enable_update: bool };
/** `summary:` and `description:` take a template string or `{template, enable_update}`. */
const jiraText: FieldDecoder<Decoded<typeof JIRA_FIELD_SPEC>> = (d, n) => {
  if (isNull(n)) return undefined;
  if (n.kind === 'scalar') return { template: n.value, enable_update: true };
  return { enable_update: true, ...d.fields(n, 'jira.plain', JIRA_FIELD_SPEC) };
};
export const jiraConfig = notifier(
  'jira.plain',
  {
    ...COMMON_SPEC,
    api_url: url,
    api_type: str,
    project: str,
    summary: jiraText,
    description: jiraText,
    labels: stringList,
    priority: str,
    issue_type: str,
    reopen_transition: str,
    resolve_transition: str,
    wont_fix_resolution: str,
    reopen_duration: promDuration,
    fields: map(anyValue, 'map[string]interface {}'),
  },
  () => ({ send_resolved: true, priority: '{{ template "jira.default.priority" . }}' }),
  (c) => {
    if (!c.project) fail('missing project in jira_config');
    if (!c.issue_type) fail('missing issue_type in jira_config');
  },
);

// ---- Rocket.Chat ----------------------------------------------------------------------
const ROCKET_FIELD_SPEC = { short: bool, title: str, value: str };
const ROCKET_ACTION_SPEC = {
  type: str,
  text: str,
  url: str,
  image_url: str,
  is_webview: bool,
  webview_height_ratio: str,
  msg: str,
  msg_in_chat_window: bool,
  msg_processing_type: str,
};
export const rocketchatConfig = notifier(
  'rocketchat.plain',
  {
    ...COMMON_SPEC,
    api_url: url,
    token_id: secret,
    token_id_file: str,
    token: secret,
    token_file: str,
    channel: str,
    color: str,
    title: str,
    title_link: str,
    text: str,
    fields: list(plainStruct('rocketchat.AttachmentField', ROCKET_FIELD_SPEC), '[]*rocketchat.AttachmentField'),
    short_fields: bool,
    emoji: str,
    icon_url: str,
    image_url: str,
    thumb_url: str,
    link_names: bool,
    actions: list(plainStruct('rocketchat.AttachmentAction', ROCKET_ACTION_SPEC), '[]*rocketchat.AttachmentAction'),
  },
  () => ({
    send_resolved: false,
    color: '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}',
    emoji: '{{ template "rocketchat.default.emoji" . }}',
    icon_url: '{{ template "rocketchat.default.iconurl" . }}',
    text: '{{ template "rocketchat.default.text" . }}',
    title: '{{ template "rocketchat.default.title" . }}',
    title_link: '{{ template "rocketchat.default.titlelink" . }}',
  }),
  (c) => {
    if (c.token !== undefined && set(c.token_file)) fail('at most one of token & token_file must be configured');
    if (c.token_id !== undefined && set(c.token_id_file))
      fail('at most one of token_id & token_id_file must be configured');
  },
);

// ---- Mattermost -----------------------------------------------------------------------
const MM_FIELD = plainStruct('mattermost.Field', { title: str, value: str, short: bool });
const MM_ATTACHMENT_SPEC = {
  fallback: str,
  color: str,
  pretext: str,
  text: str,
  author_name: str,
  author_link: str,
  author_icon: str,
  title: str,
  title_link: str,
  fields: list(MM_FIELD, '[]*mattermost.Field'),
  thumb_url: str,
  footer: str,
  footer_icon: str,
  image_url: str,
};
export const mattermostConfig = notifier(
  'mattermost.plain',
  {
    ...COMMON_SPEC,
    webhook_url: secretUrl,
    webhook_url_file: str,
    channel: str,
    username: str,
    icon_url: str,
    icon_emoji: str,
    ...MM_ATTACHMENT_SPEC,
    attachments: list(plainStruct('mattermost.Attachment', MM_ATTACHMENT_SPEC), '[]*mattermost.Attachment'),
    props: plainStruct('mattermost.Props', { card: str }),
    priority: plainStruct('mattermost.Priority', {
      priority: str,
      requested_ack: bool,
      persistent_notifications: bool,
    }),
  },
  () => ({ send_resolved: true }),
  onlyOneWebhook,
);

// ---- incident.io ----------------------------------------------------------------------
export const incidentioConfig = notifier(
  'incidentio.plain',
  {
    ...COMMON_SPEC,
    url,
    url_file: str,
    alert_source_token: secret,
    alert_source_token_file: str,
    max_alerts: int('uint64'),
    timeout: goDuration,
  },
  () => ({ send_resolved: true }),
  (c) => {
    if (c.url === undefined && !set(c.url_file)) fail('one of url or url_file must be configured');
    if (c.url !== undefined && set(c.url_file)) fail('at most one of url & url_file must be configured');
    const token = set(c.alert_source_token) || set(c.alert_source_token_file);
    if (c.http_config?.authorization && token) {
      fail('cannot specify alert_source_token or alert_source_token_file when using http_config.authorization');
    }
    if (c.http_config && !c.http_config.authorization && !token) {
      fail(
        'at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured',
      );
    }
  },
);
