/**
 * What every cgroup file parser returns: the value it could read and the
 * problems it met, each placed at `file:line`. A bad line costs only itself.
 */
import type { FileProblem } from './text-lines.js';

export interface Parsed<T> {
  readonly value: T;
  readonly problems: readonly FileProblem[];
}

/** What a file without problems has: one array for all of them (a parse runs for every cgroup file). */
const NONE: readonly FileProblem[] = Object.freeze([]);

export const parsed = <T>(value: T, problems: readonly FileProblem[] = NONE): Parsed<T> => ({ value, problems });
