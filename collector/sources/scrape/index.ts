export { parseExposition } from './parse-exposition.js';
export { parseText } from './parse-text.js';
export { parseOpenMetrics } from './parse-openmetrics.js';
export { writeTextExposition, formatValue } from './write-text.js';
export { formatForContentType, SCRAPE_ACCEPT_HEADER, TEXT_CONTENT_TYPE } from './content-type.js';
export { ParseError } from './exposition-types.js';
export type {
  Exemplar,
  ExposedSample,
  ExpositionFormat,
  ExpositionOptions,
  ParsedExposition,
} from './exposition-types.js';
