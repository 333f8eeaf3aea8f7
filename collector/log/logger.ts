/**
 * Structured logging: one JSON object per line when stderr is not a terminal
 * (what log shippers want), a readable line when it is. Values under keys that
 * name secrets are replaced before anything is written.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text' | 'auto';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (e.g. `{ component: 'tsdb' }`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; defaults to process.stderr. */
  readonly write?: (line: string) => void;
  readonly isTTY?: boolean;
  readonly clock?: () => number;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|api_?key|authorization|webhook|api_url|credential/i;

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** Replaces values whose key names a secret; walks nested objects and arrays. */
export function redact(value: unknown, key = ''): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '') return '<secret>';
  if (value instanceof Error) return { message: value.message, ...(value.cause ? { cause: redact(value.cause) } : {}) };
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
    return out;
  }
  return value;
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const clock = options.clock ?? Date.now;
  const tty = options.isTTY ?? process.stderr.isTTY === true;
  const json = options.format === 'json' || (options.format === 'auto' && !tty);
  const min = RANK[options.level];

  const emit = (level: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (RANK[level] < min) return;
    const all = redact({ ...base, ...fields }) as Record<string, unknown>;
    const ts = new Date(clock()).toISOString();
    if (json) {
      write(JSON.stringify({ ts, level, msg, ...all }));
      return;
    }
    const rest = Object.entries(all)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${ts.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? ' ' + rest : ''}`);
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything; for tools whose output is their result. */
export const silentLogger: Logger = createLogger({ level: 'error', format: 'json', write: () => undefined });
