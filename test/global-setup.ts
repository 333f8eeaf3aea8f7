/**
 * Builds dist/ once per test run: integration tests start the real `kubepulse`
 * binary as a separate process, exactly as a user would. Type errors do not
 * stop the emit here: `npm test` type-checks the whole tree before vitest runs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
}
