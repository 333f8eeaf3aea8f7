/**
 * Small configs that probe the decoder (duplicate keys, type mismatches,
 * durations, URLs, matchers, http_config rules...) run through Debian's
 * amtool 0.25 check-config and through ours: the messages must be identical
 * except where Alertmanager changed after 0.25, listed here with the reason.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './load.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(repoRoot, 'test/fixtures/alertmanager/amtool-0.25');
const run = promisify(execFile);

const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'basic.yml': 'prometheus/common added *_ref fields and reworded the basic_auth message',
  'eqlabel.yml': 'since 0.27 `equal` accepts any UTF-8 label name (fallback mode)',
  'nestedtype.yml': 'since 0.32 notifier configs live in their own packages (email.plain, not config.plain)',
  'oauth.yml': 'prometheus/common no longer requires an oauth2 client_secret and checks token_url first',
  'pd.yml': 'pagerduty `timeout` arrived after 0.25',
  'proxy.yml': 'no_proxy arrived after 0.25',
  'syntax.yml': 'YAML syntax errors come from a different parser: same form, different wording and line',
  'tab.yml': 'YAML syntax errors come from a different parser: same form, different wording',
};

async function amtoolMessage(file: string): Promise<string> {
  try {
    await run('/usr/bin/amtool', ['check-config', file]);
    return 'loaded';
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '');
    return (/ {2}FAILED: ([\s\S]*?)\n\n/.exec(out)?.[1] ?? out).trim();
  }
}

describe('decoder edge cases against amtool 0.25', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  it.each(files)('%s', async (f) => {
    const [theirs, r] = await Promise.all([amtoolMessage(path.join(dir, f)), loadConfigFile(path.join(dir, f))]);
    const ours = r.ok ? 'loaded' : r.error.message;
    if (KNOWN_DIFFERENCES[f]) expect(ours).not.toBe(theirs);
    else expect(ours).toBe(theirs);
  });
});
