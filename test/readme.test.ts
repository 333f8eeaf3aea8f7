/** The README's configuration block is the real defaults: it must load as it stands. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../collector/config/index.js';
import { REPO_ROOT } from './support/cli.js';

it("README's kubepulse.yaml loads and equals the defaults", async () => {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n(# kubepulse\.yaml[\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'the README has a ```yaml block starting with # kubepulse.yaml').toBeDefined();
  const file = join(await mkdtemp(join(tmpdir(), 'kp-readme-')), 'kubepulse.yaml');
  await writeFile(file, block as string);
  const fromReadme = await loadConfig(file, []);
  expect(fromReadme.ok ? '' : fromReadme.error.message).toBe('');
  const defaults = await loadConfig(undefined, []);
  expect(fromReadme.ok && fromReadme.value).toEqual(defaults.ok && defaults.value);
});
