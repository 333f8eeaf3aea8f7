/** `receivers:` entries: a name and any number of integrations of each kind. */
import { isNull, list, str, stringMap, ConfigFail, type Decoded, type FieldDecoder } from './decoder.js';
import { emailConfig } from './email-config.js';
import {
  discordConfig,
  jiraConfig,
  mattermostConfig,
  msteamsConfig,
  msteamsv2Config,
  rocketchatConfig,
  telegramConfig,
  webexConfig,
  wechatConfig,
} from './integrations-chat.js';
import {
  incidentioConfig,
  opsgenieConfig,
  pagerdutyConfig,
  pushoverConfig,
  snsConfig,
  victoropsConfig,
} from './integrations-paging.js';
import { slackConfig } from './slack-config.js';
import { webhookConfig } from './webhook-config.js';

// Entries may be undefined: `- ` (null) in YAML is a nil pointer in Go, which
// the loader reports as "missing <kind> config".
const RECEIVER_SPEC = {
  name: str,
  labels: stringMap,
  discord_configs: list(discordConfig, '[]*discord.Config'),
  email_configs: list(emailConfig, '[]*email.Config'),
  incidentio_configs: list(incidentioConfig, '[]*incidentio.Config'),
  pagerduty_configs: list(pagerdutyConfig, '[]*pagerduty.Config'),
  slack_configs: list(slackConfig, '[]*slack.Config'),
  webhook_configs: list(webhookConfig, '[]*webhook.Config'),
  opsgenie_configs: list(opsgenieConfig, '[]*opsgenie.Config'),
  wechat_configs: list(wechatConfig, '[]*wechat.Config'),
  pushover_configs: list(pushoverConfig, '[]*pushover.Config'),
  victorops_configs: list(victoropsConfig, '[]*victorops.Config'),
  sns_configs: list(snsConfig, '[]*sns.Config'),
  telegram_configs: list(telegramConfig, '[]*telegram.Config'),
  webex_configs: list(webexConfig, '[]*webex.Config'),
  msteams_configs: list(msteamsConfig, '[]*msteams.Config'),
  msteamsv2_configs: list(msteamsv2Config, '[]*msteamsv2.Config'),
  jira_configs: list(jiraConfig, '[]*jira.Config'),
  rocketchat_configs: list(rocketchatConfig, '[]*rocketchat.Config'),
  mattermost_configs: list(mattermostConfig, '[]*mattermost.Config'),
};
type RawReceiver = Decoded<typeof RECEIVER_SPEC>;
export type ReceiverConfig = RawReceiver & { name: string };
/** The integration list keys of a receiver, e.g. 'email_configs'. */
export type IntegrationKey = Exclude<keyof RawReceiver, 'name' | 'labels'>;
export const INTEGRATION_KEYS = Object.keys(RECEIVER_SPEC).filter(
  (k) => k !== 'name' && k !== 'labels',
) as IntegrationKey[];

export const receiverField: FieldDecoder<ReceiverConfig> = (d, n) => {
  if (isNull(n)) return undefined;
  let r: RawReceiver = {};
  if (!d.clean(() => (r = d.fields(n, 'config.plain', RECEIVER_SPEC)))) return { ...r, name: r.name ?? '' };
  if (!r.name) throw new ConfigFail('missing name in receiver');
  return { ...r, name: r.name };
};
