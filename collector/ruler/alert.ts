/**
 * The alert type the ruler hands to alertmanagers, and the only type
 * alertmanager/ takes from collector/ (ARCHITECTURE.md).
 */
export type AlertLabels = Readonly<Record<string, string>>;

/** An alert as Alertmanager's API v2 receives it (PostableAlert); times in ms since epoch. */
export interface Alert {
  readonly labels: AlertLabels;
  readonly annotations: AlertLabels;
  readonly startsAt: number;
  /** When the alert stops being valid unless resent (firing) or when it was resolved; 0 = unknown. */
  readonly endsAt: number;
  readonly generatorURL: string;
}

/** Where alerting rules deliver alerts: the embedded alertmanager, remote ones, or both. */
export type AlertSink = (alerts: readonly Alert[]) => Promise<void>;

export type AlertState = 'inactive' | 'pending' | 'firing';
