/**
 * Fills receivers from `global:` and rejects what is still missing, as
 * Alertmanager's Config.UnmarshalYAML does: smtp_* into email, slack_api_url
 * into Slack, API URLs and keys into PagerDuty, OpsGenie, VictorOps, WeChat,
 * Telegram, Webex, Jira, Rocket.Chat and Mattermost, and the global
 * http_config into every integration that sets none.
 */
import { ConfigFail } from './decoder.js';
import type { GlobalConfig } from './global.js';
import type { HttpConfig } from './http-config.js';
import { set } from './notifier.js';
import type { ReceiverConfig } from './receiver.js';
import { Secret } from './secret.js';

/** The object the current check is about; its YAML line goes into the error. */
let at: object | undefined;
let lineOf: (o: object | undefined) => number | undefined = () => undefined;
function fail(msg: string): never {
  throw new ConfigFail(msg, lineOf(at));
}
const withSlash = (u: string): string => (new URL(u).pathname.endsWith('/') ? u : u.replace(/(\?|#|$)/, '/$1'));

/** Each list's null entries are Go nil pointers: most kinds reject them. */
function entries<T>(xs: readonly (T | undefined)[] | undefined, kind: string): T[] {
  return (xs ?? []).map((x) => x ?? fail(`missing ${kind} config`));
}

export function applyGlobals(
  g: GlobalConfig,
  receivers: readonly (ReceiverConfig | undefined)[],
  lines: (o: object | undefined) => number | undefined = () => undefined,
): ReceiverConfig[] {
  lineOf = lines;
  at = g;
  exclusiveGlobals(g);
  const names = new Set<string>();
  const out: ReceiverConfig[] = [];
  const http = (h: HttpConfig | undefined): HttpConfig | undefined => h ?? g.http_config;
  for (const rcv of receivers) {
    if (!rcv) continue;
    at = rcv;
    if (names.has(rcv.name)) fail(`notification config name ${JSON.stringify(rcv.name)} is not unique`);
    for (const c of entries(rcv.webhook_configs, 'webhook')) {
      at = c;
      c.http_config = http(c.http_config);
    }
    for (const c of entries(rcv.email_configs, 'email')) {
      at = c;
      c.tls_config ??= g.smtp_tls_config;
      c.smarthost ||= g.smtp_smarthost;
      if (!c.smarthost) fail('no global SMTP smarthost set');
      c.from ||= g.smtp_from;
      if (!c.from) fail('no global SMTP from set');
      c.hello ||= g.smtp_hello;
      c.auth_username ||= g.smtp_auth_username;
      if (!set(c.auth_password) && !set(c.auth_password_file)) {
        c.auth_password = g.smtp_auth_password;
        c.auth_password_file = g.smtp_auth_password_file;
      }
      if (!set(c.auth_secret)) c.auth_secret = g.smtp_auth_secret;
      if (!set(c.auth_secret_file)) c.auth_secret_file = g.smtp_auth_secret_file;
      c.auth_identity ||= g.smtp_auth_identity;
      c.require_tls ??= g.smtp_require_tls ?? true;
      c.force_implicit_tls ??= g.smtp_force_implicit_tls;
    }
    rcv.slack_configs = (rcv.slack_configs ?? []).map((x) => x ?? {});
    for (const c of rcv.slack_configs) {
      at = c;
      c.app_url ??= g.slack_app_url;
      if (!c.app_url) fail('no global Slack App URL set');
      // The global app token only applies when the receiver sets no auth of its own and no webhook.
      if (!set(c.app_token) && !set(c.app_token_file) && !c.http_config?.authorization && !c.api_url) {
        c.app_token = g.slack_app_token;
        c.app_token_file = g.slack_app_token_file;
      }
      if (!c.api_url && !set(c.api_url_file)) {
        c.api_url = g.slack_api_url;
        c.api_url_file = g.slack_api_url_file;
      }
      if (!c.api_url && !set(c.api_url_file) && !set(c.app_token) && !set(c.app_token_file)) {
        fail('no Slack API URL nor App token set either inline or in a file');
      }
      c.http_config = { ...(c.http_config ?? g.http_config) };
      if (set(c.app_token) || set(c.app_token_file)) {
        if (c.http_config.authorization) fail("http authorization can't be set when using Slack App tokens");
        c.http_config.authorization = {
          type: 'Bearer',
          ...(c.app_token ? { credentials: c.app_token } : {}),
          ...(c.app_token_file ? { credentials_file: c.app_token_file } : {}),
        };
        c.api_url = asSecretUrl(c.app_url);
      }
    }
    for (const c of entries(rcv.pushover_configs, 'pushover')) {
      at = c;
      c.http_config = http(c.http_config);
    }
    for (const c of entries(rcv.pagerduty_configs, 'pagerduty')) {
      at = c;
      c.http_config = http(c.http_config);
      c.url ??= g.pagerduty_url;
      if (!c.url) fail('no global PagerDuty URL set');
    }
    for (const c of entries(rcv.incidentio_configs, 'incidentio')) {
      at = c;
      c.http_config = http(c.http_config);
    }
    rcv.opsgenie_configs = (rcv.opsgenie_configs ?? []).map((x) => x ?? {});
    for (const c of rcv.opsgenie_configs) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.opsgenie_api_url;
      if (!c.api_url) fail('no global OpsGenie URL set');
      c.api_url = withSlash(c.api_url);
      if (!set(c.api_key)) c.api_key = g.opsgenie_api_key;
      if (!set(c.api_key_file)) c.api_key_file = g.opsgenie_api_key_file;
      if (!set(c.api_key) && !set(c.api_key_file)) fail('no global OpsGenie API Key set either inline or in a file');
    }
    rcv.wechat_configs = (rcv.wechat_configs ?? []).map((x) => x ?? {});
    for (const c of rcv.wechat_configs) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.wechat_api_url;
      if (!c.api_url) fail('no global Wechat URL set');
      if (!set(c.api_secret) && !set(c.api_secret_file)) {
        if (!set(g.wechat_api_secret) && !set(g.wechat_api_secret_file))
          fail('no global Wechat Api Secret set either inline or in a file');
        c.api_secret = g.wechat_api_secret;
        c.api_secret_file = g.wechat_api_secret_file;
      }
      c.corp_id ||= g.wechat_api_corp_id;
      if (!c.corp_id) fail('no global Wechat CorpID set');
      c.api_url = withSlash(c.api_url);
    }
    for (const c of entries(rcv.victorops_configs, 'victorops')) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.victorops_api_url;
      if (!c.api_url) fail('no global VictorOps URL set');
      c.api_url = withSlash(c.api_url);
      if (!set(c.api_key)) c.api_key = g.victorops_api_key;
      if (!set(c.api_key_file)) c.api_key_file = g.victorops_api_key_file;
      if (!set(c.api_key) && !set(c.api_key_file)) fail('no global VictorOps API Key set');
    }
    for (const c of entries(rcv.sns_configs, 'sns')) {
      at = c;
      c.http_config = http(c.http_config);
    }
    for (const c of entries(rcv.telegram_configs, 'telegram')) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.telegram_api_url;
      if (!set(c.bot_token) && !set(c.bot_token_file)) {
        if (!set(g.telegram_bot_token) && !set(g.telegram_bot_token_file))
          fail('missing bot_token or bot_token_file on telegram_config');
        c.bot_token = g.telegram_bot_token;
        c.bot_token_file = g.telegram_bot_token_file;
      }
    }
    for (const c of entries(rcv.discord_configs, 'discord')) {
      at = c;
      c.http_config = http(c.http_config);
      if (!c.webhook_url && !set(c.webhook_url_file)) fail('no discord webhook URL or URLFile provided');
    }
    for (const c of entries(rcv.webex_configs, 'webex')) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.webex_api_url;
      if (!c.api_url) fail('no global Webex URL set');
    }
    for (const c of entries(rcv.msteams_configs, 'msteams')) {
      at = c;
      c.http_config = http(c.http_config);
      if (!c.webhook_url && !set(c.webhook_url_file)) fail('no msteams webhook URL or URLFile provided');
    }
    for (const c of entries(rcv.msteamsv2_configs, 'msteamsv2')) {
      at = c;
      c.http_config = http(c.http_config);
      if (!c.webhook_url && !set(c.webhook_url_file)) fail('no msteamsv2 webhook URL or URLFile provided');
    }
    for (const c of entries(rcv.jira_configs, 'jira')) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.jira_api_url;
      if (!c.api_url) fail('no global Jira Cloud URL set');
    }
    rcv.rocketchat_configs = (rcv.rocketchat_configs ?? []).map((x) => x ?? {});
    for (const c of rcv.rocketchat_configs) {
      at = c;
      c.http_config = http(c.http_config);
      c.api_url ??= g.rocketchat_api_url;
      c.token_id ??= g.rocketchat_token_id;
      if (!set(c.token_id_file)) c.token_id_file = g.rocketchat_token_id_file;
      if (c.token_id === undefined && !set(c.token_id_file))
        fail('no global Rocketchat TokenID set either inline or in a file');
      c.token ??= g.rocketchat_token;
      if (!set(c.token_file)) c.token_file = g.rocketchat_token_file;
      if (c.token === undefined && !set(c.token_file))
        fail('no global Rocketchat Token set either inline or in a file');
    }
    for (const c of entries(rcv.mattermost_configs, 'mattermost')) {
      at = c;
      c.http_config = http(c.http_config);
      if (!c.webhook_url && !set(c.webhook_url_file)) {
        if (!g.mattermost_webhook_url && !set(g.mattermost_webhook_url_file))
          fail('missing webhook_url or webhook_url_file on mattermost_config');
        c.webhook_url = g.mattermost_webhook_url;
        c.webhook_url_file = g.mattermost_webhook_url_file;
      }
    }
    names.add(rcv.name);
    out.push(rcv);
  }
  return out;
}

function asSecretUrl(u: string): Secret {
  return new Secret(u);
}

/** The global either/or pairs, checked before any receiver. */
function exclusiveGlobals(g: GlobalConfig): void {
  const both = (a: { isEmpty: boolean } | string | undefined, b: string | undefined, what: string): void => {
    if (set(a) && set(b)) fail(`at most one of ${what} must be configured`);
  };
  both(g.slack_app_token, g.slack_app_token_file, 'slack_app_token & slack_app_token_file');
  if (g.slack_api_url && set(g.slack_api_url_file))
    fail('at most one of slack_api_url & slack_api_url_file must be configured');
  const token = set(g.slack_app_token) || set(g.slack_app_token_file);
  const apiUrl = g.slack_api_url !== undefined || set(g.slack_api_url_file);
  // Tolerated when slack_api_url equals the app URL: the old workaround for bot tokens.
  if (token && apiUrl && (g.slack_api_url?.reveal() ?? '') !== (g.slack_app_url ?? '')) {
    fail('at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured');
  }
  both(g.opsgenie_api_key, g.opsgenie_api_key_file, 'opsgenie_api_key & opsgenie_api_key_file');
  both(g.victorops_api_key, g.victorops_api_key_file, 'victorops_api_key & victorops_api_key_file');
  both(g.telegram_bot_token, g.telegram_bot_token_file, 'telegram_bot_token & telegram_bot_token_file');
  both(g.smtp_auth_password, g.smtp_auth_password_file, 'smtp_auth_password & smtp_auth_password_file');
  if (g.rocketchat_token !== undefined && set(g.rocketchat_token_file))
    fail('at most one of rocketchat_token & rocketchat_token_file must be configured');
  if (g.rocketchat_token_id !== undefined && set(g.rocketchat_token_id_file)) {
    fail('at most one of rocketchat_token_id & rocketchat_token_id_file must be configured');
  }
  both(g.smtp_auth_secret, g.smtp_auth_secret_file, 'smtp_auth_secret & smtp_auth_secret_file');
  both(g.wechat_api_secret, g.wechat_api_secret_file, 'wechat_api_secret & wechat_api_secret_file');
  if (g.mattermost_webhook_url && set(g.mattermost_webhook_url_file)) {
    fail('at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured');
  }
}
