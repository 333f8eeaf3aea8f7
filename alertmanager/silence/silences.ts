/**
 * Silences (Alertmanager's silence package): matchers plus a time window.
 * An alert whose labels satisfy every matcher of an active silence is muted.
 * Changing a silence keeps its id when only its end time or text changes in
 * a way that cannot rewrite the past (canUpdate); otherwise the old one is
 * expired and a new id is issued. Everything is saved to a JSON file after
 * each change and expired silences are dropped `retentionMs` after their end.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { matchesAll, newMatcher, type LabelSet, type Matcher, type MatchType } from '../labels/index.js';
import { JsonFile } from '../nflog/index.js';
import { err, ok, type Result } from '../result.js';

export type SilenceState = 'expired' | 'active' | 'pending';

/** A matcher as API v2 spells it. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** Times in ms since epoch. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

export type SilenceInput = Omit<Silence, 'id' | 'updatedAt'> & { readonly id?: string };

export type SilenceErrorKind = 'bad_data' | 'not_found';
export class SilenceError extends Error {
  override readonly name = 'SilenceError';
  constructor(
    readonly kind: SilenceErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const MatcherSchema = z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() });
const SilenceSchema = z.object({
  id: z.string(),
  matchers: z.array(MatcherSchema),
  startsAt: z.number(),
  endsAt: z.number(),
  updatedAt: z.number(),
  createdBy: z.string(),
  comment: z.string(),
});
const FileSchema = z.object({ version: z.literal(1), silences: z.array(SilenceSchema) });

export function silenceState(s: Silence, now: number): SilenceState {
  if (s.endsAt <= now) return 'expired';
  if (s.startsAt > now) return 'pending';
  return 'active';
}

function compile(ms: readonly SilenceMatcher[]): Result<Matcher[], string> {
  const out: Matcher[] = [];
  for (const m of ms) {
    const type: MatchType = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) return err(`invalid label name "${m.name}"`);
    const r = newMatcher(type, m.name, m.value);
    if (!r.ok) return err(`invalid regular expression "${m.value}": ${r.error}`);
    out.push(r.value);
  }
  return ok(out);
}

/** Alertmanager's validateSilence. */
function validate(s: SilenceInput, matchers: readonly Matcher[]): string | undefined {
  if (s.matchers.length === 0) return 'at least one matcher required';
  if (matchers.every((m) => m.matches(''))) return 'at least one matcher must not match the empty string';
  if (s.endsAt < s.startsAt) return 'end time must not be before start time';
  return undefined;
}

const sameMatchers = (a: readonly SilenceMatcher[], b: readonly SilenceMatcher[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function canUpdate(prev: Silence, next: SilenceInput, now: number): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, now)) {
    case 'active':
      return next.startsAt === prev.startsAt && next.endsAt >= now;
    case 'pending':
      return next.startsAt >= now;
    case 'expired':
      return false;
  }
}

export interface SilencesOptions {
  readonly file?: string;
  readonly retentionMs: number;
  readonly clock: () => number;
}

export class Silences {
  readonly #byId = new Map<string, { s: Silence; matchers: Matcher[] }>();
  readonly #file: JsonFile | undefined;

  private constructor(private readonly o: SilencesOptions) {
    this.#file = o.file === undefined ? undefined : new JsonFile(o.file);
  }

  static async open(o: SilencesOptions): Promise<Result<Silences, Error>> {
    const s = new Silences(o);
    if (!s.#file) return ok(s);
    const saved = await s.#file.readValid(FileSchema);
    if (!saved.ok) return saved;
    if (saved.value === undefined) return ok(s);
    for (const sil of saved.value.silences) {
      const m = compile(sil.matchers);
      if (!m.ok) return err(new Error(`${o.file}: silence ${sil.id}: ${m.error}`));
      s.#byId.set(sil.id, { s: sil, matchers: m.value });
    }
    return ok(s);
  }

  /** Creates or updates a silence; resolves to its (possibly new) id. */
  async set(input: SilenceInput): Promise<Result<string, SilenceError>> {
    const now = this.o.clock();
    const m = compile(input.matchers);
    if (!m.ok) return err(new SilenceError('bad_data', m.error));
    const why = validate(input, m.value);
    if (why) return err(new SilenceError('bad_data', why));
    const prev = input.id ? this.#byId.get(input.id) : undefined;
    if (input.id && !prev) return err(new SilenceError('not_found', `silence ${input.id} not found`));
    if (prev && canUpdate(prev.s, input, now)) {
      this.#byId.set(prev.s.id, { s: { ...prev.s, ...input, id: prev.s.id, updatedAt: now }, matchers: m.value });
      await this.#save();
      return ok(prev.s.id);
    }
    if (input.endsAt <= now) return err(new SilenceError('bad_data', "end time can't be in the past"));
    if (prev && silenceState(prev.s, now) !== 'expired') this.#expireAt(prev.s.id, now);
    const id = randomUUID();
    const startsAt = Math.max(input.startsAt, now);
    this.#byId.set(id, { s: { ...input, id, startsAt, updatedAt: now }, matchers: m.value });
    await this.#save();
    return ok(id);
  }

  async expire(id: string): Promise<Result<void, SilenceError>> {
    const cur = this.#byId.get(id);
    if (!cur) return err(new SilenceError('not_found', `silence ${id} not found`));
    const now = this.o.clock();
    if (silenceState(cur.s, now) === 'expired')
      return err(new SilenceError('bad_data', `silence ${id} already expired`));
    this.#expireAt(id, now);
    await this.#save();
    return ok(undefined);
  }

  #expireAt(id: string, now: number): void {
    const cur = this.#byId.get(id);
    if (!cur) return;
    const pending = silenceState(cur.s, now) === 'pending';
    const s = { ...cur.s, startsAt: pending ? now : cur.s.startsAt, endsAt: now, updatedAt: now };
    this.#byId.set(id, { s, matchers: cur.matchers });
  }

  get(id: string): Silence | undefined {
    return this.#byId.get(id)?.s;
  }

  list(): Silence[] {
    return [...this.#byId.values()].map((x) => x.s);
  }

  /** Ids of the active silences that mute `labels` (sorted, as the API shows them). */
  mutedBy(labels: LabelSet, now: number): string[] {
    const ids: string[] = [];
    for (const { s, matchers } of this.#byId.values()) {
      if (silenceState(s, now) === 'active' && matchesAll(matchers, labels)) ids.push(s.id);
    }
    return ids.sort();
  }

  mutes(labels: LabelSet, now: number): boolean {
    return this.mutedBy(labels, now).length > 0;
  }

  /** Drops silences that ended more than the retention ago; returns how many. */
  async gc(): Promise<number> {
    const cutoff = this.o.clock() - this.o.retentionMs;
    let n = 0;
    for (const [id, { s }] of this.#byId) {
      if (s.endsAt <= cutoff) {
        this.#byId.delete(id);
        n++;
      }
    }
    if (n > 0) await this.#save();
    return n;
  }

  /** Resolves when pending saves have reached the disk. */
  async close(): Promise<void> {
    await this.#file?.settled();
  }

  async #save(): Promise<void> {
    await this.#file?.write({ version: 1, silences: this.list() });
  }
}
