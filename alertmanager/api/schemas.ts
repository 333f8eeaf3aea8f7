/** Request bodies of API v2 (api/v2/openapi.yaml), narrowed at the edge. */
import { z } from 'zod';

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an RFC 3339 date-time' });
const labelSet = z.record(z.string(), z.string());

export const PostableAlertSchema = z.object({
  labels: labelSet,
  annotations: labelSet.optional(),
  startsAt: dateTime.optional(),
  endsAt: dateTime.optional(),
  generatorURL: z.string().optional(),
});
export const PostableAlertsSchema = z.array(PostableAlertSchema);

export const MatcherSchema = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().optional(),
});

export const PostableSilenceSchema = z.object({
  id: z.string().optional(),
  matchers: z.array(MatcherSchema),
  startsAt: dateTime,
  endsAt: dateTime,
  createdBy: z.string(),
  comment: z.string(),
});

/** First issue as `path: message`, e.g. `0.labels: expected record`. */
export function describeZodError(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return 'invalid body';
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}
