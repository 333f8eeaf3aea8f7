/**
 * The one entry point a scrape needs: pick the parser from the Content-Type
 * and parse the whole body.
 */
import type { Result } from '../../result.js';
import { formatForContentType } from './content-type.js';
import type { ExpositionOptions, ParseError, ParsedExposition } from './exposition-types.js';
import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseText } from './parse-text.js';
import { decodeUtf8 } from './utf8-input.js';

/**
 * Parses an exposition body; bytes are checked to be UTF-8 first (a string
 * has lost that information). `contentType` is the response's Content-Type
 * header (absent: the text format). See `ExpositionOptions` for how strict it is.
 *
 * @example
 * const r = parseExposition(body, res.headers.get('content-type') ?? undefined);
 * if (!r.ok) log.warn('bad exposition', { error: r.error.message }); // "line 12: ..."
 */
export function parseExposition(
  body: string | Uint8Array,
  contentType?: string,
  options: ExpositionOptions = {},
): Result<ParsedExposition, ParseError> {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    const decoded = decodeUtf8(body);
    if (!decoded.ok) return decoded;
    text = decoded.value;
  }
  return formatForContentType(contentType) === 'openmetrics'
    ? parseOpenMetrics(text, options)
    : parseText(text, options);
}
