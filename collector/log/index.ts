export { createLogger, isLogLevel, redact, silentLogger, LOG_LEVELS } from './logger.js';
export type { Logger, LogLevel, LogFormat, LogFields, LoggerOptions } from './logger.js';
