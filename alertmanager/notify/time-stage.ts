/**
 * Route time intervals (TimeMuteStage/TimeActiveStage): nothing goes out
 * while any of the route's mute_time_intervals contains the flush time, nor
 * while none of its active_time_intervals (if it has any) does.
 */
import type { NamedTimeInterval } from '../config/index.js';
import { namedIntervalContains } from '../dispatch/index.js';
import { ok } from '../result.js';
import type { Stage } from './stage.js';

export const timeStage = (intervals: ReadonlyMap<string, NamedTimeInterval>): Stage => ({
  exec(ctx, alerts) {
    const inside = (name: string): boolean => {
      const ti = intervals.get(name);
      return ti !== undefined && namedIntervalContains(ti, ctx.now);
    };
    const muted =
      ctx.muteTimeIntervals.some(inside) ||
      (ctx.activeTimeIntervals.length > 0 && !ctx.activeTimeIntervals.some(inside));
    return Promise.resolve(ok(muted ? [] : alerts));
  },
});
