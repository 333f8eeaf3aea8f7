/**
 * `node dist/grafana/generator/main.js [OUT_DIR]`: regenerates the committed
 * output (default: the grafana/ folder of the working directory).
 */
import { runGrafanaGenerate } from './generate.js';

const r = await runGrafanaGenerate(process.argv[2] ?? 'grafana');
if (r.ok) for (const line of r.value) console.log(line);
else {
  console.error(r.error);
  process.exitCode = 1;
}
