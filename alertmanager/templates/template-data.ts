/**
 * Alertmanager's template.Data: what notification templates see as `.` and,
 * in JSON form, the webhook payload (version "4"). Built once per flush and
 * integration from the alerts being sent.
 */
import { resolvedAt, type StoredAlert } from '../alerts/index.js';
import type { LabelSet } from '../labels/index.js';
import { goTimeJson } from './go-time.js';

export interface DataAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  /** ms since epoch; 0 = unset (firing alerts). */
  readonly startsAt: number;
  readonly endsAt: number;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface TemplateData {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly DataAlert[];
  readonly groupLabels: LabelSet;
  readonly commonLabels: LabelSet;
  readonly commonAnnotations: LabelSet;
  readonly externalURL: string;
}

/** The labels every set has with the same value. */
export function commonPairs(sets: readonly LabelSet[]): Record<string, string> {
  const [first, ...rest] = sets;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((s) => s[k] === v)) out[k] = v;
  return out;
}

export function templateData(
  receiver: string,
  groupLabels: LabelSet,
  alerts: readonly StoredAlert[],
  now: number,
  externalURL: string,
): TemplateData {
  const data: DataAlert[] = alerts.map((a) => ({
    status: resolvedAt(a, now) ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  }));
  return {
    receiver,
    status: data.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: data,
    groupLabels,
    commonLabels: commonPairs(alerts.map((a) => a.labels)),
    commonAnnotations: commonPairs(alerts.map((a) => a.annotations)),
    externalURL,
  };
}

/** An alert as the webhook payload and API show it (times as Go JSON). */
export const alertJson = (a: DataAlert): Record<string, unknown> => ({
  status: a.status,
  labels: a.labels,
  annotations: a.annotations,
  startsAt: goTimeJson(a.startsAt),
  endsAt: goTimeJson(a.endsAt),
  generatorURL: a.generatorURL,
  fingerprint: a.fingerprint,
});
