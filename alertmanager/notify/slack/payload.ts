/**
 * The Slack message: Block Kit blocks (a header with the title, a section
 * with the text, one section per alert) for current clients, plus the
 * classic attachment Alertmanager sends (colour bar, title link, fallback)
 * for older ones and for notifications. Slack rejects messages over its
 * limits, so every piece is cut to size here and, when alerts had to be left
 * out, a last section says how many.
 */
import type { DataAlert } from '../../templates/index.js';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, messageText: 40000 } as const;

export interface RenderedSlack {
  readonly channel: string;
  readonly username: string;
  readonly iconEmoji: string;
  readonly iconUrl: string;
  readonly title: string;
  readonly titleLink: string;
  readonly pretext: string;
  readonly text: string;
  readonly fallback: string;
  readonly footer: string;
  readonly color: string;
  readonly linkNames: boolean;
}

/** Cuts to `max` characters (UTF-16 code units, as Slack counts), ending in an ellipsis. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function alertSection(a: DataAlert): string {
  const name = a.labels.alertname ?? '(no alertname)';
  const icon = a.status === 'firing' ? ':red_circle:' : ':large_green_circle:';
  const labels = Object.keys(a.labels)
    .filter((k) => k !== 'alertname')
    .sort()
    .map((k) => `\`${k}=${a.labels[k] ?? ''}\``)
    .join(' ');
  const summary = a.annotations.summary ?? a.annotations.description ?? '';
  return `${icon} *${name}* (${a.status})${labels ? `\n${labels}` : ''}${summary ? `\n${summary}` : ''}`;
}

const section = (text: string): Record<string, unknown> => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) },
});

export function slackPayload(r: RenderedSlack, alerts: readonly DataAlert[]): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [];
  if (r.title.trim())
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: truncate(r.title, SLACK_LIMITS.headerText), emoji: true },
    });
  if (r.text.trim()) blocks.push(section(r.text));
  // Room for the alerts, keeping one block for the "left out" line if needed.
  const room = SLACK_LIMITS.blocks - blocks.length;
  const shown = alerts.length <= room ? alerts : alerts.slice(0, room - 1);
  for (const a of shown) blocks.push(section(alertSection(a)));
  const omitted = alerts.length - shown.length;
  if (omitted > 0) blocks.push(section(`…and ${omitted} more alert${omitted === 1 ? '' : 's'} not shown.`));
  const payload: Record<string, unknown> = {
    text: truncate(r.fallback || r.title, SLACK_LIMITS.messageText),
    blocks,
    attachments: [
      {
        color: r.color,
        title: truncate(r.title, SLACK_LIMITS.headerText),
        title_link: r.titleLink,
        pretext: r.pretext,
        text: truncate(r.text, SLACK_LIMITS.sectionText),
        fallback: truncate(r.fallback, SLACK_LIMITS.messageText),
        footer: r.footer,
        mrkdwn_in: ['fallback', 'pretext', 'text'],
      },
    ],
  };
  if (r.channel) payload.channel = r.channel;
  if (r.username) payload.username = r.username;
  if (r.iconEmoji) payload.icon_emoji = r.iconEmoji;
  else if (r.iconUrl) payload.icon_url = r.iconUrl;
  if (r.linkNames) payload.link_names = true;
  return payload;
}

/** danger for firing alerts of critical (or unknown) severity, warning when all are warning/info, good when resolved. */
export function severityColor(alerts: readonly DataAlert[]): string {
  const firing = alerts.filter((a) => a.status === 'firing');
  if (firing.length === 0) return 'good';
  const mild = new Set(['warning', 'info', 'none']);
  return firing.every((a) => mild.has((a.labels.severity ?? '').toLowerCase())) ? 'warning' : 'danger';
}
