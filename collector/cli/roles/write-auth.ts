/**
 * `web.writeAuth`: the credentials that protect remote write and the admin
 * API, read from files (a mounted Secret) once at start. The secrets never
 * reach a log line; errors name the file and the key, not the content.
 */
import { readFile } from 'node:fs/promises';
import type { WriteAuth } from '../../api/index.js';
import type { Config } from '../../config/index.js';
import { err, ok, type Result } from '../../result.js';

async function secret(file: string, key: string): Promise<Result<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return err(`web.writeAuth.${key}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // A trailing newline is an artefact of how the file was written, never part of the secret.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') return err(`web.writeAuth.${key}: ${file} is empty`);
  return ok(value);
}

/** undefined when nothing is configured: writes are then open, as in Prometheus. */
export async function loadWriteAuth(web: Config['web']): Promise<Result<WriteAuth | undefined, string>> {
  const c = web.writeAuth;
  if (!c) return ok(undefined);
  if ((c.username === undefined) !== (c.passwordFile === undefined)) {
    return err('web.writeAuth: username and passwordFile go together (basic auth needs both)');
  }
  let bearerToken: string | undefined;
  if (c.bearerTokenFile !== undefined) {
    const t = await secret(c.bearerTokenFile, 'bearerTokenFile');
    if (!t.ok) return t;
    bearerToken = t.value;
  }
  let basic: WriteAuth['basic'];
  if (c.username !== undefined && c.passwordFile !== undefined) {
    const p = await secret(c.passwordFile, 'passwordFile');
    if (!p.ok) return p;
    basic = { username: c.username, password: p.value };
  }
  if (bearerToken === undefined && basic === undefined) return err('web.writeAuth: set bearerTokenFile, or username and passwordFile');
  return ok({ ...(bearerToken !== undefined ? { bearerToken } : {}), ...(basic ? { basic } : {}) });
}
