/**
 * `kubepulse alertmanager check-config FILE...`, with amtool check-config's
 * output and exit codes:
 *
 *   Checking 'alertmanager.yml'  SUCCESS
 *   Found:
 *    - global config
 *    - route
 *    - 1 inhibit rules
 *    - 2 receivers
 *    - 1 templates
 *     SUCCESS
 *
 * A file that does not exist stops everything (amtool: error: path 'x' does
 * not exist), a file that fails adds to "failed to validate N file(s)".
 */
import { glob, readFile, stat } from 'node:fs/promises';
import { err, ok, type Result } from '../result.js';
import type { ParseConfigOptions } from './config.js';
import { loadConfigFile } from './load.js';
import { templateSyntaxError } from './template-syntax.js';

export interface CheckReport {
  readonly file: string;
  /** The config loaded and its templates parsed. */
  readonly valid: boolean;
  /** Alertmanager's message when the config itself was rejected. */
  readonly configError?: string;
  /** 1-based line of the config error when known. */
  readonly line?: number;
  readonly found?: { readonly inhibitRules: number; readonly receivers: number; readonly templates: number };
  /** Present when the config has templates: the template check's outcome. */
  readonly templateError?: string | null;
  /** Exactly what amtool prints for this file. */
  readonly output: string;
}

export class CheckConfigError extends Error {
  override readonly name = 'CheckConfigError';
}

/** Expands the (already absolute) template globs and checks each file's template syntax. */
async function checkTemplates(globs: readonly string[]): Promise<string | null> {
  for (const pattern of globs) {
    for await (const file of glob(pattern)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        return `open ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
      }
      const bad = templateSyntaxError(text);
      if (bad) return bad.replace('template: :', `template: ${file.split('/').pop() ?? file}:`);
    }
  }
  return null;
}

export async function checkConfigFile(
  file: string,
  options: ParseConfigOptions = {},
): Promise<Result<CheckReport, CheckConfigError>> {
  try {
    if (!(await stat(file)).isFile()) return err(new CheckConfigError(`path '${file}' is a directory`));
  } catch {
    return err(new CheckConfigError(`path '${file}' does not exist`));
  }
  const loaded = await loadConfigFile(file, options);
  let out = `Checking '${file}'`;
  if (!loaded.ok) {
    out += `  FAILED: ${loaded.error.message}\n\n`;
    return ok({
      file,
      valid: false,
      configError: loaded.error.message,
      ...(loaded.error.line !== undefined ? { line: loaded.error.line } : {}),
      output: out,
    });
  }
  const c = loaded.value.config;
  const found = { inhibitRules: c.inhibit_rules.length, receivers: c.receivers.length, templates: c.templates.length };
  out += '  SUCCESS\nFound:\n - global config\n - route\n';
  out += ` - ${found.inhibitRules} inhibit rules\n - ${found.receivers} receivers\n - ${found.templates} templates\n`;
  let templateError: string | null | undefined;
  if (found.templates > 0) {
    templateError = await checkTemplates(loaded.value.templateGlobs);
    out += templateError === null ? '  SUCCESS\n' : `  FAILED: ${templateError}\n`;
  }
  out += '\n';
  return ok({
    file,
    valid: templateError == null,
    found,
    ...(templateError !== undefined ? { templateError } : {}),
    output: out,
  });
}

export interface CheckConfigIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs the command over `files`; returns the process exit code (0 all valid, 1 otherwise). */
export async function runCheckConfig(
  files: readonly string[],
  io: CheckConfigIo,
  options: ParseConfigOptions = {},
): Promise<number> {
  if (files.length === 0) {
    io.stderr('kubepulse: error: check-config needs at least one FILE\n');
    return 1;
  }
  // amtool refuses to start when a path does not exist, before checking any file.
  for (const f of files) {
    const s = await stat(f).catch(() => undefined);
    if (!s) {
      io.stderr(`kubepulse: error: path '${f}' does not exist\n`);
      return 1;
    }
  }
  let failed = 0;
  for (const f of files) {
    const r = await checkConfigFile(f, options);
    if (!r.ok) {
      io.stderr(`kubepulse: error: ${r.error.message}\n`);
      return 1;
    }
    io.stdout(r.value.output);
    if (!r.value.valid) failed++;
  }
  if (failed > 0) {
    io.stderr(`kubepulse: error: failed to validate ${failed} file(s)\n`);
    return 1;
  }
  return 0;
}
