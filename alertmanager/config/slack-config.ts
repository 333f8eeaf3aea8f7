/** `slack_configs` entries, validated as Alertmanager's Slack integration does. */
import { bool, isNull, list, str, stringList, type Decoded, type FieldDecoder } from './decoder.js';
import { goDuration } from './duration.js';
import { COMMON_SPEC, fail, notifier, set } from './notifier.js';
import { secret, secretUrl, url } from './url.js';

const CONFIRM_SPEC = { text: str, title: str, ok_text: str, dismiss_text: str };
const confirm: FieldDecoder<Decoded<typeof CONFIRM_SPEC>> = (d, n) => {
  if (isNull(n)) return undefined;
  let c: Decoded<typeof CONFIRM_SPEC> = {};
  if (!d.clean(() => (c = d.fields(n, 'slack.plain', CONFIRM_SPEC)))) return c;
  if (!c.text) fail('missing text in Slack confirmation configuration');
  return c;
};

const ACTION_SPEC = { type: str, text: str, url: str, style: str, name: str, value: str, confirm };
const action: FieldDecoder<Decoded<typeof ACTION_SPEC>> = (d, n) => {
  if (isNull(n)) return undefined;
  let a: Decoded<typeof ACTION_SPEC> = {};
  if (!d.clean(() => (a = d.fields(n, 'slack.plain', ACTION_SPEC)))) return a;
  if (!a.type) fail('missing type in Slack action configuration');
  if (!a.text) fail('missing text in Slack action configuration');
  if (a.url) {
    delete a.name;
    delete a.value;
    delete a.confirm;
  } else if (!a.name) fail('missing name or url in Slack action configuration');
  return a;
};

const FIELD_SPEC = { title: str, value: str, short: bool };
const field: FieldDecoder<Decoded<typeof FIELD_SPEC>> = (d, n) => {
  if (isNull(n)) return undefined;
  let f: Decoded<typeof FIELD_SPEC> = {};
  if (!d.clean(() => (f = d.fields(n, 'slack.plain', FIELD_SPEC)))) return f;
  if (!f.title) fail('missing title in Slack field configuration');
  if (!f.value) fail('missing value in Slack field configuration');
  return f;
};

const SLACK_SPEC = {
  ...COMMON_SPEC,
  api_url: secretUrl,
  api_url_file: str,
  app_token: secret,
  app_token_file: str,
  app_url: url,
  channel: str,
  username: str,
  color: str,
  title: str,
  title_link: str,
  pretext: str,
  text: str,
  message_text: str,
  fields: list(field, '[]*slack.Field'),
  short_fields: bool,
  footer: str,
  fallback: str,
  callback_id: str,
  icon_emoji: str,
  icon_url: str,
  image_url: str,
  thumb_url: str,
  link_names: bool,
  mrkdwn_in: stringList,
  actions: list(action, '[]*slack.Action'),
  update_message: bool,
  timeout: goDuration,
};
export type SlackConfig = Decoded<typeof SLACK_SPEC>;

const POST_MESSAGE = 'https://slack.com/api/chat.postMessage';

export const slackConfig = notifier(
  'slack.plain',
  SLACK_SPEC,
  () => ({
    send_resolved: false,
    color: '{{ template "slack.default.color" . }}',
    username: '{{ template "slack.default.username" . }}',
    title: '{{ template "slack.default.title" . }}',
    title_link: '{{ template "slack.default.titlelink" . }}',
    icon_emoji: '{{ template "slack.default.iconemoji" . }}',
    icon_url: '{{ template "slack.default.iconurl" . }}',
    pretext: '{{ template "slack.default.pretext" . }}',
    text: '{{ template "slack.default.text" . }}',
    fallback: '{{ template "slack.default.fallback" . }}',
    callback_id: '{{ template "slack.default.callbackid" . }}',
    footer: '{{ template "slack.default.footer" . }}',
  }),
  (c) => {
    if (c.api_url && set(c.api_url_file)) fail('at most one of api_url & api_url_file must be configured');
    if (set(c.app_token) && set(c.app_token_file)) fail('at most one of app_token & app_token_file must be configured');
    if ((c.api_url || set(c.api_url_file)) && (set(c.app_token) || set(c.app_token_file))) {
      fail('at most one of api_url/api_url_file & app_token/app_token_file must be configured');
    }
    if (c.update_message && c.api_url?.reveal() !== POST_MESSAGE) {
      fail(`update_message can only be used with bot tokens. api_url must be set to ${POST_MESSAGE}`);
    }
  },
);
