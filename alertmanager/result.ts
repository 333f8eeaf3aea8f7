/**
 * Expected failures are values, not exceptions (../shared/STYLE.md §5).
 * alertmanager/ keeps its own copy: five lines are cheaper than a dependency on collector/.
 */
export type Result<T, E = Error> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
