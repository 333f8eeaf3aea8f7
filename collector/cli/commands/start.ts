import { envOverrides, loadConfig, type Override } from '../../config/index.js';
import { createLogger } from '../../log/index.js';
import { stringFlag, type Command, type ParsedArgs } from '../command.js';
import { startAllInOne } from '../roles/start.js';
import { shutdownSignal } from '../signals.js';

/** Flags shared by the long-running roles, mapped to config keys. */
export const ROLE_FLAGS = {
  config: { type: 'string', valueName: 'file', help: 'YAML configuration file (env KUBEPULSE_CONFIG).' },
  listen: { type: 'string', valueName: 'host:port', help: 'Address of the HTTP server (env KUBEPULSE_LISTEN).', default: '127.0.0.1:9470' },
  'data-dir': { type: 'string', valueName: 'dir', help: 'Where the store keeps its data (env KUBEPULSE_DATA_DIR).', default: './data' },
  'scrape-interval': { type: 'string', valueName: 'duration', help: 'How often node metrics are collected.', default: '15s' },
} as const;

const FLAG_PATHS: Readonly<Record<string, readonly string[]>> = {
  listen: ['listen'],
  'data-dir': ['dataDir'],
  'scrape-interval': ['scrape', 'interval'],
  'log-level': ['log', 'level'],
  'log-format': ['log', 'format'],
};

export function roleOverrides(args: ParsedArgs, env: NodeJS.ProcessEnv): Override[] {
  const fromFlags = Object.entries(FLAG_PATHS).flatMap(([flag, path]) => {
    const value = stringFlag(args, flag);
    return value === undefined ? [] : [{ path, value, origin: `flag --${flag}` }];
  });
  return [...envOverrides(env), ...fromFlags];
}

export const startCommand: Command = {
  path: ['start'],
  summary: 'Run the all-in-one stack on this machine: collector, store, PromQL API and dashboard on one port.',
  description:
    'Collects this machine\'s node metrics into the embedded store and serves /metrics, /-/healthy, /-/ready,\n' +
    'the Prometheus HTTP API and the dashboard. No Kubernetes cluster is needed. Stops gracefully on SIGTERM/SIGINT.',
  flags: ROLE_FLAGS,
  async run(args, io) {
    const configFile = stringFlag(args, 'config') ?? io.env.KUBEPULSE_CONFIG;
    const config = await loadConfig(configFile, roleOverrides(args, io.env));
    if (!config.ok) {
      io.stderr(`kubepulse: invalid configuration:\n${config.error.message}\n`);
      return 2;
    }
    const logger = createLogger({ level: config.value.log.level, format: config.value.log.format });
    const stack = await startAllInOne(config.value, logger);
    if (!stack.ok) {
      io.stderr(`kubepulse: ${stack.error}\n`);
      return 1;
    }
    const signal = shutdownSignal((name) => logger.info('shutting down', { signal: name }));
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await stack.value.stop();
    logger.info('stopped');
    // Everything was closed above; should a stray handle still hold the event
    // loop, do not hang the shutdown of a pod on it.
    setTimeout(() => process.exit(0), 2_000).unref();
    return 0;
  },
};
