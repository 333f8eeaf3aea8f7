/**
 * Loading a config file from disk: read, parse, and resolve relative paths
 * (templates, `*_file` secrets) against the file's directory, as
 * Alertmanager's LoadFile does. Secret files are read only on request
 * (readSecretFiles): Alertmanager reads them when it sends, so a config that
 * names a file which is not there yet still loads, in amtool and here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../result.js';
import { AlertmanagerConfigError, parseConfig, type AlertmanagerConfig, type ParseConfigOptions } from './config.js';
import { Secret, isSecret } from './secret.js';

export interface LoadedConfig {
  readonly config: AlertmanagerConfig;
  /** The file's text as read; /api/v2/status shows it through redactedConfig(). */
  readonly original: string;
  readonly file: string;
  /** Directory that relative paths in the file are resolved against. */
  readonly baseDir: string;
  /** `templates:` globs made absolute. */
  readonly templateGlobs: readonly string[];
  /** Contents of `*_file` secrets by absolute path, when loaded with readSecretFiles. */
  readonly secretFiles?: ReadonlyMap<string, Secret>;
}

export interface LoadOptions extends ParseConfigOptions {
  /**
   * Read every `*_file` secret now and fail, naming the file, when one is
   * missing. The hub sets this; check-config leaves it off, as amtool does.
   */
  readonly readSecretFiles?: boolean;
}

export const resolvePath = (baseDir: string, p: string): string =>
  p === '' || path.isAbsolute(p) ? p : path.join(baseDir, p);

export async function loadConfigFile(
  file: string,
  options: LoadOptions = {},
): Promise<Result<LoadedConfig, AlertmanagerConfigError>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : String(e);
    return err(new AlertmanagerConfigError(`open ${file}: ${why}`, { cause: e }));
  }
  const loaded = loadConfigText(file, text, options);
  if (!loaded.ok || !options.readSecretFiles) return loaded;
  const secrets = await readSecretFiles(loaded.value);
  return secrets.ok ? ok({ ...loaded.value, secretFiles: secrets.value }) : secrets;
}

export function loadConfigText(
  file: string,
  text: string,
  options: ParseConfigOptions = {},
): Result<LoadedConfig, AlertmanagerConfigError> {
  const parsed = parseConfig(text, options);
  if (!parsed.ok) return parsed;
  const baseDir = path.dirname(file);
  return ok({
    config: parsed.value,
    original: text,
    file,
    baseDir,
    templateGlobs: parsed.value.templates.map((t) => resolvePath(baseDir, t)),
  });
}

/** Every `*_file` value in the config, with its YAML path (`receivers.0.email_configs.1.auth_password_file`). */
export function secretFileRefs(config: AlertmanagerConfig): Array<{ readonly where: string; readonly file: string }> {
  const out: Array<{ where: string; file: string }> = [];
  const walk = (v: unknown, where: string): void => {
    if (isSecret(v) || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, where ? `${where}.${i}` : String(i)));
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      const at = where ? `${where}.${k}` : k;
      if (k.endsWith('_file') && typeof x === 'string' && x !== '') out.push({ where: at, file: x });
      else walk(x, at);
    }
  };
  walk(config, '');
  // Globals are copied into receivers; report each file once, first where it appears.
  const seen = new Set<string>();
  return out.filter((r) => (seen.has(r.where) ? false : (seen.add(r.where), true)));
}

/**
 * Reads every `*_file` secret relative to the config's directory. A missing or
 * unreadable file is an error naming the file and the field that refers to it.
 */
export async function readSecretFiles(
  loaded: LoadedConfig,
): Promise<Result<ReadonlyMap<string, Secret>, AlertmanagerConfigError>> {
  const values = new Map<string, Secret>();
  for (const ref of secretFileRefs(loaded.config)) {
    const abs = resolvePath(loaded.baseDir, ref.file);
    if (values.has(abs)) continue;
    try {
      values.set(abs, new Secret((await readFile(abs, 'utf8')).trim()));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      return err(
        new AlertmanagerConfigError(
          `${loaded.file}: ${ref.where}: cannot read secret file ${JSON.stringify(abs)}: ${code}`,
          { cause: e },
        ),
      );
    }
  }
  return ok(values);
}
