/**
 * Builds the effective configuration from the YAML file, the environment and
 * flags, validating once so every error names where the bad value came from.
 */
import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../result.js';
import type { Issue } from '../schema/index.js';
import { ConfigSchema, type Config } from './schema.js';
import { ConfigError, parseYaml } from './yaml-source.js';

/** A value from a flag or environment variable, and where it came from (for messages). */
export interface Override {
  readonly path: readonly string[];
  readonly value: unknown;
  readonly origin: string;
}

/** Environment variables kubepulse reads; each maps to a config key path. */
export const ENV_KEYS: Readonly<Record<string, readonly string[]>> = {
  KUBEPULSE_LISTEN: ['listen'],
  KUBEPULSE_DATA_DIR: ['dataDir'],
  KUBEPULSE_LOG_LEVEL: ['log', 'level'],
  KUBEPULSE_LOG_FORMAT: ['log', 'format'],
  KUBEPULSE_RESOURCE_INTERVAL: ['pipelines', 'resource', 'interval'],
  KUBEPULSE_FULL_INTERVAL: ['pipelines', 'full', 'interval'],
  KUBEPULSE_PROC_PATH: ['procfs', 'procPath'],
  KUBEPULSE_SYS_PATH: ['procfs', 'sysPath'],
  KUBEPULSE_ROOTFS_PATH: ['procfs', 'rootfsPath'],
  KUBEPULSE_CGROUP_ROOT: ['cgroup', 'cgroupRoot'],
  KUBEPULSE_REMOTE_WRITE_URL: ['remoteWrite', 'url'],
  NODE_NAME: ['nodeName'],
  NODE_IP: ['kubelet', 'address'],
};

export function envOverrides(env: NodeJS.ProcessEnv): Override[] {
  return Object.entries(ENV_KEYS).flatMap(([name, path]) =>
    env[name] === undefined ? [] : [{ path, value: env[name], origin: `environment variable ${name}` }],
  );
}

export async function loadConfig(
  file: string | undefined,
  overrides: readonly Override[],
): Promise<Result<Config, ConfigError>> {
  let data: unknown = {};
  let lineOf: ((path: readonly PropertyKey[]) => number) | undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      return err(new ConfigError(`${file}: cannot read config file: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`));
    }
    const parsed = parseYaml(file, text);
    if (!parsed.ok) return parsed;
    data = parsed.value.data ?? {};
    lineOf = parsed.value.lineOf;
    if (typeof data !== 'object' || Array.isArray(data)) return err(new ConfigError(`${file}:1: expected a mapping of settings at the top level`));
  }
  const merged = structuredClone(data) as Record<string, unknown>;
  const origins = new Map<string, string>();
  for (const o of overrides) {
    setPath(merged, o.path, o.value);
    origins.set(o.path.join('.'), o.origin);
  }
  const result = ConfigSchema.safeParse(merged);
  if (result.success) return ok(result.data);
  return err(new ConfigError(result.error.issues.map((i) => describeIssue(i, file, lineOf, origins)).join('\n')));
}

function describeIssue(
  issue: Issue,
  file: string | undefined,
  lineOf: ((path: readonly PropertyKey[]) => number) | undefined,
  origins: ReadonlyMap<string, string>,
): string {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = issue.path.map(String);
  const key = path.join('.');
  const message = keys.length > 0 ? `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  const origin = origins.get(key);
  if (origin) return `${origin}: ${key}: ${message}`;
  const full = keys.length > 0 ? [...path, keys[0] as string] : path;
  const place = file && lineOf ? `${file}:${lineOf(full)}` : file ?? 'defaults';
  return key === '' ? `${place}: ${message}` : `${place}: ${key}: ${message}`;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}
