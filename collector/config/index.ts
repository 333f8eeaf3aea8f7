export { parseDuration, formatDuration } from './duration.js';
export { parseYaml, ConfigError } from './yaml-source.js';
export type { YamlSource } from './yaml-source.js';
export { ConfigSchema } from './schema.js';
export type { Config, ConfigInput } from './schema.js';
export { loadConfig, envOverrides, ENV_KEYS } from './load.js';
export type { Override } from './load.js';
