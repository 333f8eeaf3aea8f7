/**
 * What a checkpoint keeps from a WAL file: series still in the head, their
 * tombstones, and their samples at or after the head's new minimum time,
 * re-framed into (at most) one record of each kind per source file.
 */
import { readFile } from 'node:fs/promises';
import { frame, readFrames } from './frame.js';
import {
  RECORD_CODE,
  dispatch,
  encodeSamples,
  encodeSeries,
  encodeTombstones,
  type ReplayHandler,
  type SeriesRecord,
  type TombstoneRecord,
} from './records.js';

export async function keptRecords(
  file: string,
  keep: (ref: number) => boolean,
  minT: number,
): Promise<{ frames: Buffer[]; problem?: string }> {
  const collect = collector(keep, minT);
  const r = readFrames(await readFile(file));
  for (const f of r.frames) dispatch(f.type, f.payload, collect.handler);
  return { frames: collect.frames(), ...(r.problem ? { problem: r.problem } : {}) };
}

/** A ReplayHandler that keeps what a checkpoint needs and re-frames it. */
function collector(keep: (ref: number) => boolean, minT: number) {
  const series: SeriesRecord[] = [];
  const tombstones: TombstoneRecord[] = [];
  const refs: number[] = [];
  const ts: number[] = [];
  let vs = new Float64Array(1024);
  const handler: ReplayHandler = {
    series: (s) => {
      if (keep(s.ref)) series.push(s);
    },
    tombstone: (t) => {
      if (keep(t.ref)) tombstones.push(t);
    },
    sample: (ref, t, v) => {
      if (t < minT || !keep(ref)) return;
      if (refs.length === vs.length) {
        const next = new Float64Array(vs.length * 2);
        next.set(vs);
        vs = next;
      }
      vs[refs.length] = v;
      refs.push(ref);
      ts.push(t);
    },
  };
  return {
    handler,
    frames: (): Buffer[] => {
      const out: Buffer[] = [];
      if (series.length > 0) out.push(frame(RECORD_CODE.series, encodeSeries(series)));
      if (refs.length > 0) out.push(frame(RECORD_CODE.samples, encodeSamples(refs, ts, vs, refs.length)));
      if (tombstones.length > 0) out.push(frame(RECORD_CODE.tombstones, encodeTombstones(tombstones)));
      return out;
    },
  };
}
