import { err, type Result } from '../../result.js';
import { ParseError, type ParsedExposition } from './exposition-types.js';

// TODO: OpenMetrics 1.0 parser; until it lands OpenMetrics bodies are rejected.
export function parseOpenMetrics(text: string): Result<ParsedExposition, ParseError> {
  return err(new ParseError(1, `OpenMetrics is not supported yet (${text.length} bytes)`));
}
