/**
 * What every cgroup file parser returns: the value it could read and the
 * problems it met, each placed at `file:line`. A bad line costs only itself.
 */
import type { FileProblem } from './text-lines.js';

export interface Parsed<T> {
  readonly value: T;
  readonly problems: readonly FileProblem[];
}

export const parsed = <T>(value: T, problems: readonly FileProblem[] = []): Parsed<T> => ({ value, problems });
