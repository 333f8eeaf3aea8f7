/**
 * Prometheus duration strings: one or more `<number><unit>` terms in descending
 * unit order, units y w d h m s ms (`1h30m`, `15s`, `500ms`). A year is 365 days.
 */
const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const TERM = /(\d+)(ms|y|w|d|h|m|s)/y;

/** Milliseconds, or undefined when `text` is not a Prometheus duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let pos = 0;
  let total = 0;
  let lastUnit = -1;
  while (pos < text.length) {
    TERM.lastIndex = pos;
    const m = TERM.exec(text);
    if (!m) return undefined;
    const unit = m[2] as string;
    const idx = ORDER.indexOf(unit);
    if (idx <= lastUnit) return undefined;
    lastUnit = idx;
    total += Number(m[1]) * (UNIT_MS[unit] as number);
    pos = TERM.lastIndex;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest Prometheus spelling of `ms` (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit] as number;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
