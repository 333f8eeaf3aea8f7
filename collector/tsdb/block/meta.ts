/**
 * meta.json, the one human-readable file of a block (Prometheus' tsdb/block.go
 * BlockMeta). minTime is inclusive and maxTime exclusive, both milliseconds.
 * Fields we do not know (Thanos adds a "thanos" section, newer Prometheus
 * versions add hints) are kept when we rewrite the file.
 */
import { err, ok, type Result } from '../../result.js';
import { s, type Infer } from '../../schema/index.js';
import { isUlid } from './ulid.js';

const Ulid = s.string().refine(isUlid, { message: 'expected a ULID (26 Crockford base32 characters)' });
const Int = s.number().int();

const BlockDescSchema = s.looseObject({ ulid: Ulid, minTime: Int, maxTime: Int });

const MetaSchema = s.looseObject({
  ulid: Ulid,
  minTime: Int,
  maxTime: Int,
  stats: s
    .looseObject({
      numSamples: Int.nonnegative().optional(),
      numSeries: Int.nonnegative().optional(),
      numChunks: Int.nonnegative().optional(),
      numTombstones: Int.nonnegative().optional(),
    })
    .default({}),
  compaction: s.looseObject({
    level: Int.nonnegative(),
    sources: s.array(Ulid).optional(),
    deletable: s.boolean().optional(),
    parents: s.array(BlockDescSchema).optional(),
    failed: s.boolean().optional(),
  }),
  version: s.literal(1),
});

export type BlockMeta = Infer<typeof MetaSchema>;
export type BlockDesc = Infer<typeof BlockDescSchema>;

export const META_FILENAME = 'meta.json';

export function parseMeta(file: string, text: string): Result<BlockMeta, Error> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return err(new Error(`${file}: not valid JSON: ${(e as Error).message}`));
  }
  const parsed = MetaSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return err(new Error(`${file}: ${why}`));
  }
  if (parsed.data.maxTime < parsed.data.minTime) {
    return err(new Error(`${file}: maxTime ${parsed.data.maxTime} is before minTime ${parsed.data.minTime}`));
  }
  return ok(parsed.data);
}

/** Prometheus writes meta.json tab-indented; we do the same so diffs against its blocks stay readable. */
export function formatMeta(meta: BlockMeta): string {
  return JSON.stringify(meta, null, '\t');
}
