/**
 * What `kubepulse grafana generate --out DIR` writes: every file's path
 * relative to DIR and its text, computed without touching the disk so the
 * test can compare it with what is committed under grafana/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../../collector/result.js';
import { clusterBottlenecksDashboard } from './cluster-bottlenecks.js';
import type { GrafanaDashboard } from './model.js';
import { nodesDashboard } from './nodes.js';
import { dashboardProviderYaml, datasourceYaml, type ProvisioningOptions } from './provisioning.js';
import { workloadsDashboard } from './workloads.js';

export function generateDashboards(): GrafanaDashboard[] {
  return [clusterBottlenecksDashboard(), nodesDashboard(), workloadsDashboard()];
}

/** Relative path → file text, in a stable order. */
export function renderFiles(options: ProvisioningOptions = {}): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  for (const d of generateDashboards()) files.set(`dashboards/${d.uid}.json`, `${JSON.stringify(d, null, 2)}\n`);
  files.set('provisioning/datasources/kubepulse.yaml', datasourceYaml(options));
  files.set('provisioning/dashboards/kubepulse.yaml', dashboardProviderYaml(options));
  return files;
}

/**
 * Writes the dashboards and provisioning files under outDir and returns the
 * paths written. A file that cannot be written is reported with its path;
 * the ones before it stay written.
 */
export async function writeProvisioning(
  outDir: string,
  options: ProvisioningOptions = {},
): Promise<Result<readonly string[], Error>> {
  const written: string[] = [];
  for (const [rel, text] of renderFiles(options)) {
    const file = path.join(outDir, rel);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      return err(new Error(`cannot write ${file}: ${reason}`, { cause }));
    }
    written.push(file);
  }
  return ok(written);
}

/**
 * The CLI's `kubepulse grafana generate --out DIR`: writes the files and
 * returns the lines to print, or the error to report (exit non-zero).
 */
export async function runGrafanaGenerate(
  outDir: string,
  options: ProvisioningOptions = {},
): Promise<Result<string[], string>> {
  const r = await writeProvisioning(outDir, options);
  if (!r.ok) return err(r.error.message);
  return ok(r.value.map((f) => `wrote ${f}`));
}
