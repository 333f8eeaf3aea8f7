/**
 * Turns the config's receivers into integrations. Secrets are revealed only
 * here, where they are handed to the notifier that sends them; `*_file`
 * secrets come from the files the loader read (LoadedConfig.secretFiles).
 */
import { readFile } from 'node:fs/promises';
import { resolvePath, type LoadedConfig, type Secret } from '../config/index.js';
import type { NotificationTemplate } from '../templates/index.js';
import { emailIntegration } from './email/index.js';
import type { Integration } from './integration.js';
import { slackIntegration, type SlackFields } from './slack/index.js';

const set = (s: Secret | undefined): boolean => s !== undefined && !s.isEmpty;
import { webhookIntegration } from './webhook/index.js';

export interface IntegrationDeps {
  readonly externalUrl: string;
  readonly template: NotificationTemplate;
  /** Called for each integration kind this build cannot send to yet. */
  readonly warn: (msg: string, fields: Readonly<Record<string, unknown>>) => void;
}

/** A secret given inline or through a file (already read by the loader, or read now); undefined when neither is set. */
export async function secretValue(
  loaded: LoadedConfig,
  inline: Secret | undefined,
  file: string | undefined,
): Promise<string | undefined> {
  if (inline && !inline.isEmpty) return inline.reveal();
  if (!file) return undefined;
  const abs = resolvePath(loaded.baseDir, file);
  const cached = loaded.secretFiles?.get(abs);
  if (cached) return cached.reveal();
  // Alertmanager reads secret files when it sends, so a file written after the config loaded still works.
  return (await readFile(abs, 'utf8')).trim();
}

export function buildReceivers(loaded: LoadedConfig, deps: IntegrationDeps): Map<string, Integration[]> {
  const out = new Map<string, Integration[]>();
  for (const r of loaded.config.receivers) {
    const list: Integration[] = [];
    (r.webhook_configs ?? []).forEach((c, index) => {
      if (!c) return;
      if (!set(c.url) && !c.url_file) return;
      list.push(
        webhookIntegration({
          receiver: r.name,
          index,
          url: () => secretValue(loaded, c.url, c.url_file),
          sendResolved: c.send_resolved ?? true,
          maxAlerts: Number(c.max_alerts ?? 0),
          timeoutMs: c.timeout && c.timeout > 0 ? c.timeout : 30_000,
          externalUrl: deps.externalUrl,
        }),
      );
    });
    (r.email_configs ?? []).forEach((c, index) => {
      if (!c) return;
      const headers: Record<string, string> = {
        Subject: '{{ template "email.default.subject" . }}',
        To: c.to ?? '',
        From: c.from ?? '',
        ...c.headers,
      };
      const tls = c.tls_config ?? {};
      list.push(
        emailIntegration({
          receiver: r.name,
          index,
          sendResolved: c.send_resolved ?? false,
          to: c.to ?? '',
          from: c.from ?? '',
          hello: c.hello || 'localhost',
          smarthost: c.smarthost ?? '',
          authUsername: c.auth_username || undefined,
          authPassword: () => secretValue(loaded, c.auth_password, c.auth_password_file),
          requireTls: c.require_tls ?? true,
          forceImplicitTls: c.force_implicit_tls ?? false,
          tls: { insecureSkipVerify: tls.insecure_skip_verify ?? false, serverName: tls.server_name, ca: tls.ca },
          headers,
          html: c.html ?? '',
          // Alertmanager sends no text part unless configured; we add a plain-text rendering of the same content.
          text: c.text || '{{ template "email.default.text" . }}',
          externalUrl: deps.externalUrl,
          template: deps.template,
        }),
      );
    });
    (r.slack_configs ?? []).forEach((c, index) => {
      if (!c) return;
      const useToken = set(c.app_token) || !!c.app_token_file;
      const fields: SlackFields = {
        channel: c.channel ?? '',
        username: c.username ?? '',
        iconEmoji: c.icon_emoji ?? '',
        iconUrl: c.icon_url ?? '',
        title: c.title ?? '',
        titleLink: c.title_link ?? '',
        pretext: c.pretext ?? '',
        text: c.text ?? '',
        fallback: c.fallback ?? '',
        footer: c.footer ?? '',
        color: c.color ?? '',
      };
      list.push(
        slackIntegration({
          receiver: r.name,
          index,
          sendResolved: c.send_resolved ?? false,
          fields,
          linkNames: c.link_names ?? false,
          url: useToken
            ? () => Promise.resolve(c.app_url ?? 'https://slack.com/api/chat.postMessage')
            : () => secretValue(loaded, c.api_url, c.api_url_file),
          appToken: useToken ? () => secretValue(loaded, c.app_token, c.app_token_file) : undefined,
          externalUrl: deps.externalUrl,
          template: deps.template,
          timeoutMs: c.timeout && c.timeout > 0 ? c.timeout : 30_000,
        }),
      );
    });
    for (const [key, value] of Object.entries(r)) {
      // The decoder fills every *_configs key; only kinds the user actually configured deserve a warning.
      const configured = Array.isArray(value) && value.length > 0;
      if (configured && key.endsWith('_configs') && !['webhook_configs', 'email_configs', 'slack_configs'].includes(key)) {
        deps.warn('integration kind not supported; ignored', { receiver: r.name, kind: key });
      }
    }
    out.set(r.name, list);
  }
  return out;
}
