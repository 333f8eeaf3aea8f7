/**
 * The Slack integration (incoming webhook, or chat.postMessage with an app
 * token). The webhook URL is the secret, so it is never logged: failures
 * name only the host.
 */
import type { StoredAlert } from '../../alerts/index.js';
import { goData, templateData, type NotificationTemplate } from '../../templates/index.js';
import { classifyHttp, networkFailure, redactUrl, type Integration, type NotifyOutcome } from '../integration.js';
import type { NotifyContext } from '../stage.js';
import { severityColor, slackPayload, type RenderedSlack } from './payload.js';

/** Template text per field, as the config holds them (defaults from default.tmpl): what is rendered, less link_names. */
export type SlackFields = Omit<RenderedSlack, 'linkNames'>;

export interface SlackOptions {
  readonly receiver: string;
  readonly index: number;
  readonly sendResolved: boolean;
  readonly fields: SlackFields;
  readonly linkNames: boolean;
  /** The incoming-webhook URL, or chat.postMessage when appToken is set. */
  readonly url: () => Promise<string | undefined>;
  readonly appToken?: () => Promise<string | undefined>;
  readonly externalUrl: string;
  readonly template: NotificationTemplate;
  readonly timeoutMs: number;
}

export const DEFAULT_SLACK_COLOR = '{{ template "slack.default.color" . }}';

export function slackIntegration(o: SlackOptions): Integration {
  return {
    name: 'slack',
    index: o.index,
    receiver: o.receiver,
    sendResolved: o.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<NotifyOutcome> {
      const td = templateData(ctx.receiver, ctx.groupLabels, alerts, ctx.now, o.externalUrl);
      const data = goData(td);
      const rendered: Record<string, string> = {};
      for (const [k, text] of Object.entries(o.fields) as Array<[keyof SlackFields, string]>) {
        const r = await o.template.render(`slack ${k}`, text, data);
        if (!r.ok) return { kind: 'failed', retryable: false, reason: r.error.message };
        rendered[k] = r.value;
      }
      const fields = rendered as unknown as Omit<RenderedSlack, 'linkNames'>;
      const color = o.fields.color === DEFAULT_SLACK_COLOR ? severityColor(td.alerts) : fields.color;
      const body = JSON.stringify(slackPayload({ ...fields, color, linkNames: o.linkNames }, td.alerts));
      let url: string | undefined;
      let token: string | undefined;
      try {
        url = await o.url();
        token = o.appToken ? await o.appToken() : undefined;
      } catch (e) {
        return {
          kind: 'failed',
          retryable: true,
          reason: `cannot read Slack secret file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        };
      }
      if (!url) return { kind: 'failed', retryable: false, reason: 'Slack URL is empty' };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body,
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(o.timeoutMs)]),
        });
        const text = await res.text();
        const outcome = classifyHttp(res.status, text);
        // chat.postMessage answers 200 with {"ok":false,"error":...} on failure.
        if (outcome.kind === 'sent' && token && /"ok"\s*:\s*false/.test(text)) {
          return { kind: 'failed', retryable: false, reason: `Slack API error: ${text.slice(0, 200)}` };
        }
        return outcome.kind === 'failed' ? { ...outcome, reason: `${redactUrl(url)}: ${outcome.reason}` } : outcome;
      } catch (e) {
        return networkFailure(e, redactUrl(url));
      }
    },
  };
}
