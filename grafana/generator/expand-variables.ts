/**
 * Grafana's interpolation of a panel query, for checking the queries outside
 * Grafana: template variables and the built-in intervals become the text
 * Grafana would send to the data source.
 */

/** The values Grafana computes itself; $__rate_interval is at least 4 × the data source's timeInterval (15s). */
export const BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
  __interval_ms: '15000',
};

/** `$name`, `${name}` and `[[name]]`, the three spellings Grafana accepts. */
const VARIABLE = /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g;

/** Names of the variables a text refers to, built-ins included. */
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/**
 * Replaces each variable with `values[name]` (or a built-in). A variable
 * with no value is left in place so the parser reports it.
 */
export function expandVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    return values[name] ?? BUILTIN_VALUES[name] ?? whole;
  });
}
