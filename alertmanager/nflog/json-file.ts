/**
 * Small JSON state files (silences, notification log) written atomically:
 * the new content goes to a temporary file that is renamed over the old one,
 * so a crash mid-write leaves the previous state intact. Writes are chained
 * so that two saves never interleave.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { err, ok, type Result } from '../result.js';

export class JsonFile {
  #chain: Promise<void> = Promise.resolve();
  constructor(readonly file: string) {}

  /** The parsed content, undefined when the file does not exist yet. */
  async read(): Promise<Result<unknown, Error>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
      return err(new Error(`${this.file}: cannot read: ${String(e)}`, { cause: e }));
    }
    try {
      return ok(JSON.parse(text) as unknown);
    } catch (e) {
      return err(
        new Error(`${this.file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e }),
      );
    }
  }

  /**
   * The content checked against `schema`, undefined when the file does not
   * exist yet; a damaged file is an error naming the file and the first bad field.
   */
  async readValid<T>(schema: z.ZodType<T>): Promise<Result<T | undefined, Error>> {
    const raw = await this.read();
    if (!raw.ok || raw.value === undefined) return raw as Result<undefined, Error>;
    const parsed = schema.safeParse(raw.value);
    if (parsed.success) return ok(parsed.data);
    const i = parsed.error.issues[0];
    return err(new Error(`${this.file}: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`));
  }

  /** Resolves when every save started so far has finished. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Saves `value`; resolves once this and every earlier save reached the disk. */
  write(value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    const next = this.#chain.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
