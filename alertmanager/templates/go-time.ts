/** Go's time.Time JSON form (RFC 3339 with trailing fractional zeros dropped), in UTC. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export function goTimeJson(ms: number): string {
  if (ms === 0) return GO_ZERO_TIME;
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.670Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac === '' ? 'Z' : `.${frac}Z`));
}
