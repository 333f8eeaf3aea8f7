/** The `global:` block: defaults for every receiver, with Alertmanager's default values. */
import { bool, str, type Decoded, type FieldDecoder, isNull } from './decoder.js';
import { promDuration } from './duration.js';
import { defaultHttpConfig, httpConfig, tlsConfig } from './http-config.js';
import { hostPort, secret, secretUrl, url } from './url.js';

const GLOBAL_SPEC = {
  resolve_timeout: promDuration,
  http_config: httpConfig,
  jira_api_url: url,
  smtp_from: str,
  smtp_hello: str,
  smtp_smarthost: hostPort,
  smtp_auth_username: str,
  smtp_auth_password: secret,
  smtp_auth_password_file: str,
  smtp_auth_secret: secret,
  smtp_auth_secret_file: str,
  smtp_auth_identity: str,
  smtp_require_tls: bool,
  smtp_tls_config: tlsConfig,
  smtp_force_implicit_tls: bool,
  slack_api_url: secretUrl,
  slack_api_url_file: str,
  slack_app_token: secret,
  slack_app_token_file: str,
  slack_app_url: url,
  pagerduty_url: url,
  opsgenie_api_url: url,
  opsgenie_api_key: secret,
  opsgenie_api_key_file: str,
  wechat_api_url: url,
  wechat_api_secret: secret,
  wechat_api_secret_file: str,
  wechat_api_corp_id: str,
  victorops_api_url: url,
  victorops_api_key: secret,
  victorops_api_key_file: str,
  telegram_api_url: url,
  telegram_bot_token: secret,
  telegram_bot_token_file: str,
  webex_api_url: url,
  rocketchat_api_url: url,
  rocketchat_token: secret,
  rocketchat_token_file: str,
  rocketchat_token_id: secret,
  rocketchat_token_id_file: str,
  mattermost_webhook_url: secretUrl,
  mattermost_webhook_url_file: str,
};
export type GlobalConfig = Decoded<typeof GLOBAL_SPEC>;

/** Alertmanager's DefaultGlobalConfig(); resolve_timeout in milliseconds. */
export const defaultGlobalConfig = (): GlobalConfig => ({
  resolve_timeout: 5 * 60_000,
  http_config: defaultHttpConfig(),
  smtp_hello: 'localhost',
  smtp_require_tls: true,
  smtp_tls_config: {},
  pagerduty_url: 'https://events.pagerduty.com/v2/enqueue',
  opsgenie_api_url: 'https://api.opsgenie.com/',
  wechat_api_url: 'https://qyapi.weixin.qq.com/cgi-bin/',
  victorops_api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
  telegram_api_url: 'https://api.telegram.org',
  webex_api_url: 'https://webexapis.com/v1/messages',
  rocketchat_api_url: 'https://open.rocket.chat/',
  slack_app_url: 'https://slack.com/api/chat.postMessage',
});

/** A present-but-empty `global:` also gets the defaults (Go restores them). */
export const globalConfig: FieldDecoder<GlobalConfig> = (d, n) => {
  if (isNull(n)) return undefined;
  const g = { ...defaultGlobalConfig(), ...d.fields(n, 'config.plain', GLOBAL_SPEC) };
  d.lines.set(g, n.line);
  return g;
};
