/**
 * The inverted index: for every label name and value, the ascending list of
 * series refs that carry it. Names and values are symbol ids, so the index
 * holds no strings of its own. A value carried by a single series (a pod UID,
 * a container ID) stores that ref as a bare number rather than a one-element
 * array, which would cost ~90 bytes in V8.
 */
import type { CompiledMatcher } from './matcher.js';
import { insertSorted, intersect, removeSorted, subtract, unionAll } from './sorted-refs.js';
import { compareStrings } from './label-set.js';
import type { SymbolTable } from './symbol-table.js';

type Postings = number | number[];

const asList = (p: Postings): readonly number[] => (typeof p === 'number' ? [p] : p);
const sizeOf = (p: Postings): number => (typeof p === 'number' ? 1 : p.length);

export class PostingsIndex {
  /** nameId -> valueId -> refs */
  private readonly byName = new Map<number, Map<number, Postings>>();
  private readonly all: number[] = [];

  constructor(readonly symbols: SymbolTable) {}

  /** Adds a series; `pairIds` is [nameId, valueId, ...]. */
  add(ref: number, pairIds: readonly number[]): void {
    insertSorted(this.all, ref);
    for (let i = 0; i < pairIds.length; i += 2) {
      let values = this.byName.get(pairIds[i]!);
      if (!values) this.byName.set(pairIds[i]!, (values = new Map<number, Postings>()));
      const valueId = pairIds[i + 1]!;
      const refs = values.get(valueId);
      if (refs === undefined) values.set(valueId, ref);
      else if (typeof refs === 'number') {
        if (refs !== ref) values.set(valueId, refs < ref ? [refs, ref] : [ref, refs]);
      } else insertSorted(refs, ref);
    }
  }

  remove(ref: number, pairIds: readonly number[]): void {
    removeSorted(this.all, ref);
    for (let i = 0; i < pairIds.length; i += 2) {
      const values = this.byName.get(pairIds[i]!);
      const valueId = pairIds[i + 1]!;
      const refs = values?.get(valueId);
      if (!values || refs === undefined) continue;
      if (typeof refs === 'number') {
        if (refs === ref) values.delete(valueId);
      } else {
        removeSorted(refs, ref);
        if (refs.length === 1) values.set(valueId, refs[0]!);
        else if (refs.length === 0) values.delete(valueId);
      }
      if (values.size === 0) this.byName.delete(pairIds[i]!);
    }
  }

  get seriesCount(): number {
    return this.all.length;
  }

  allRefs(): readonly number[] {
    return this.all;
  }

  /** Refs of series having label `name` with a value for which `pred` holds. */
  private refsWhere(name: string, pred: (v: string) => boolean): number[] {
    const nameId = this.symbols.lookup(name);
    const values = nameId === undefined ? undefined : this.byName.get(nameId);
    if (!values) return [];
    const lists: Array<readonly number[]> = [];
    for (const [valueId, refs] of values) if (pred(this.symbols.get(valueId))) lists.push(asList(refs));
    return unionAll(lists);
  }

  /**
   * Refs of series matching every matcher, ascending. A series lacking a label
   * has the value "" for it, so `a=""`, `a!="x"` and `a=~".*"` also select
   * series without `a`, as in Prometheus.
   */
  select(matchers: readonly CompiledMatcher[]): number[] {
    const include: number[][] = [];
    const exclude: number[][] = [];
    for (const m of matchers) {
      if (m.matchesEmpty) exclude.push(this.refsWhere(m.name, (v) => !m.matches(v)));
      else if (m.type === '=') include.push(this.exact(m.name, m.value));
      else include.push(this.refsWhere(m.name, (v) => m.matches(v)));
    }
    include.sort((a, b) => a.length - b.length);
    let result: number[] = include.length === 0 ? this.all.slice() : include[0]!;
    for (let i = 1; i < include.length && result.length > 0; i++) result = intersect(result, include[i]!);
    if (exclude.length > 0 && result.length > 0) result = subtract(result, unionAll(exclude));
    return result;
  }

  /** A copy of the refs carrying name=value. */
  private exact(name: string, value: string): number[] {
    const nameId = this.symbols.lookup(name);
    const valueId = this.symbols.lookup(value);
    if (nameId === undefined || valueId === undefined) return [];
    const refs = this.byName.get(nameId)?.get(valueId);
    return refs === undefined ? [] : asList(refs).slice();
  }

  /** All label names in the index, sorted. */
  labelNames(): string[] {
    return [...this.byName.keys()].map((id) => this.symbols.get(id)).sort(compareStrings);
  }

  /** All values of label `name`, sorted. */
  labelValues(name: string): string[] {
    const nameId = this.symbols.lookup(name);
    const values = nameId === undefined ? undefined : this.byName.get(nameId);
    if (!values) return [];
    return [...values.keys()].map((id) => this.symbols.get(id)).sort(compareStrings);
  }

  /** Walks every (name, value, series count) triple; for status statistics. */
  forEachPair(fn: (name: string, value: string, count: number) => void): void {
    for (const [nameId, values] of this.byName) {
      const name = this.symbols.get(nameId);
      for (const [valueId, refs] of values) fn(name, this.symbols.get(valueId), sizeOf(refs));
    }
  }
}
