/** kubepulse's own metrics registry: prom-client's process metrics plus build info. */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export function createSelfRegistry(version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'kubepulse_build_info',
    help: 'A metric with a constant 1 value labelled by version and Node.js runtime of kubepulse.',
    labelNames: ['version', 'nodeversion'],
    registers: [registry],
  }).set({ version, nodeversion: process.version }, 1);
  return registry;
}
