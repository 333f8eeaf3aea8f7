/**
 * zod's `z.prettifyError`, in its words and order, so the messages users already see from the kube
 * reflector read the same.
 */
import type { PathKey, SchemaError } from './schema.js';

/**
 * One `✖ message` line per issue, those nearest the root first (in their order otherwise), each
 * followed by `  → at path` unless it is about the value itself.
 *
 * @example
 * prettifyError(r.error) // '✖ Invalid input: expected string, received number\n  → at metadata.labels["app.kubernetes.io/name"]'
 */
export function prettifyError(error: SchemaError): string {
  const lines: string[] = [];
  const issues = [...error.issues].sort((a, b) => a.path.length - b.path.length); // sort is stable
  for (const issue of issues) {
    lines.push(`✖ ${issue.message}`);
    if (issue.path.length > 0) lines.push(`  → at ${dotPath(issue.path)}`);
  }
  return lines.join('\n');
}

/** `items[0].metadata.name`; a key with characters other than letters, digits, _ and $ is quoted: `labels["app.kubernetes.io/name"]`. */
function dotPath(path: readonly PathKey[]): string {
  const parts: string[] = [];
  for (const key of path) {
    if (typeof key === 'number') parts.push(`[${key}]`);
    else if (/[^\w$]/.test(key)) parts.push(`[${JSON.stringify(key)}]`);
    else parts.push(parts.length > 0 ? `.${key}` : key);
  }
  return parts.join('');
}
