/**
 * Turns the config's receivers into integrations. Secrets are revealed only
 * here, where they are handed to the notifier that sends them; `*_file`
 * secrets come from the files the loader read (LoadedConfig.secretFiles).
 */
import { resolvePath, type LoadedConfig, type Secret } from '../config/index.js';
import type { Integration } from './integration.js';
import { webhookIntegration } from './webhook/index.js';

export interface IntegrationDeps {
  readonly externalUrl: string;
  /** Called for each integration kind this build cannot send to yet. */
  readonly warn: (msg: string, fields: Readonly<Record<string, unknown>>) => void;
}

/** A secret given inline or through a file; undefined when neither is set or the file was not read. */
export function secretValue(loaded: LoadedConfig, inline: Secret | undefined, file: string | undefined): string | undefined {
  if (inline && !inline.isEmpty) return inline.reveal();
  if (file) return loaded.secretFiles?.get(resolvePath(loaded.baseDir, file))?.reveal();
  return undefined;
}

export type ExtraIntegrationBuilder = (
  loaded: LoadedConfig,
  receiver: string,
  deps: IntegrationDeps,
) => Integration[];

export function buildReceivers(
  loaded: LoadedConfig,
  deps: IntegrationDeps,
  extra: readonly ExtraIntegrationBuilder[] = [],
): Map<string, Integration[]> {
  const out = new Map<string, Integration[]>();
  for (const r of loaded.config.receivers) {
    const list: Integration[] = [];
    (r.webhook_configs ?? []).forEach((c, index) => {
      if (!c) return;
      const url = secretValue(loaded, c.url, c.url_file);
      if (url === undefined) {
        deps.warn('webhook URL not available (url_file not read?); integration skipped', { receiver: r.name, index });
        return;
      }
      list.push(
        webhookIntegration({
          receiver: r.name,
          index,
          url,
          sendResolved: c.send_resolved ?? true,
          maxAlerts: Number(c.max_alerts ?? 0),
          timeoutMs: c.timeout && c.timeout > 0 ? c.timeout : 30_000,
          externalUrl: deps.externalUrl,
        }),
      );
    });
    for (const b of extra) list.push(...b(loaded, r.name, deps));
    for (const key of Object.keys(r)) {
      if (key.endsWith('_configs') && !['webhook_configs', 'email_configs', 'slack_configs'].includes(key)) {
        deps.warn('integration kind not supported; ignored', { receiver: r.name, kind: key });
      }
    }
    out.set(r.name, list);
  }
  return out;
}
