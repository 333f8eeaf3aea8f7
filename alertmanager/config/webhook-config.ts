/** `webhook_configs` entries, validated as Alertmanager's webhook integration does. */
import { anyValue, int, map, str } from './decoder.js';
import type { Decoded } from './decoder.js';
import { goDuration } from './duration.js';
import { COMMON_SPEC, fail, notifier, set } from './notifier.js';
import { secretTemplateUrl } from './url.js';

const WEBHOOK_SPEC = {
  ...COMMON_SPEC,
  url: secretTemplateUrl,
  url_file: str,
  max_alerts: int('uint64'),
  timeout: goDuration,
  payload: map(anyValue, 'map[string]interface {}'),
};
export type WebhookConfig = Decoded<typeof WEBHOOK_SPEC>;

export const webhookConfig = notifier(
  'webhook.plain',
  WEBHOOK_SPEC,
  () => ({ send_resolved: true }),
  (c) => {
    if (!set(c.url) && !set(c.url_file)) fail('one of url or url_file must be configured');
    if (set(c.url) && set(c.url_file)) fail('at most one of url & url_file must be configured');
  },
);
