/**
 * Chat and ticket integrations (WeChat, Telegram, Webex, Discord, Microsoft
 * Teams, Jira, Rocket.Chat, Mattermost): validated as Alertmanager does,
 * though kubepulse does not send to them.
 */
import {
  plainStruct,
  anyValue,
  bool,
  int,
  isNull,
  list,
  map,
  str,
  stringList,
  type Decoded,
  type FieldDecoder,
} from './decoder.js';
import { promDuration } from './duration.js';
import { COMMON_SPEC, fail, notifier, set } from './notifier.js';
import { secret, secretUrl, url } from './url.js';

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
