/**
 * The long-running roles: `start` (all-in-one), `hub` and `collector`. They
 * share flags, configuration loading, logging and graceful shutdown.
 */
import { envOverrides, loadConfig, type Config, type Override } from '../../config/index.js';
import { createLogger, type Logger } from '../../log/index.js';
import type { Result } from '../../result.js';
import { stringFlag, type Command, type FlagSpec, type ParsedArgs } from '../command.js';
import type { RunningStack } from '../roles/stack.js';
import { shutdownSignal } from '../signals.js';

const FLAG_PATHS: Readonly<Record<string, readonly string[]>> = {
  listen: ['listen'],
  'data-dir': ['dataDir'],
  'resource-interval': ['pipelines', 'resource', 'interval'],
  'full-interval': ['pipelines', 'full', 'interval'],
  'log-level': ['log', 'level'],
  'log-format': ['log', 'format'],
  kubeconfig: ['kube', 'kubeconfig'],
  'remote-write-url': ['remoteWrite', 'url'],
  'node-name': ['nodeName'],
};

function flags(defaultListen: string, extra: Readonly<Record<string, FlagSpec>> = {}): Record<string, FlagSpec> {
  return {
    config: { type: 'string', valueName: 'file', help: 'YAML configuration file (env KUBEPULSE_CONFIG).' },
    listen: { type: 'string', valueName: 'host:port', help: 'Address of the HTTP server (env KUBEPULSE_LISTEN).', default: defaultListen },
    'data-dir': { type: 'string', valueName: 'dir', help: 'Where data is kept (env KUBEPULSE_DATA_DIR).', default: './data' },
    'resource-interval': {
      type: 'string',
      valueName: 'duration',
      help: 'How often CPU and memory of the node, pods and containers and controller state are collected (env KUBEPULSE_RESOURCE_INTERVAL).',
      default: '15s',
    },
    'full-interval': {
      type: 'string',
      valueName: 'duration',
      help: 'How often every other series and the annotated pods are collected (env KUBEPULSE_FULL_INTERVAL).',
      default: '30s',
    },
    ...extra,
  };
}

/** Overrides from the role's defaults, the environment and flags, in increasing precedence. */
export function roleOverrides(args: ParsedArgs, env: NodeJS.ProcessEnv, defaults: readonly Override[] = []): Override[] {
  const fromFlags = Object.entries(FLAG_PATHS).flatMap(([flag, path]) => {
    const value = stringFlag(args, flag);
    return value === undefined ? [] : [{ path, value, origin: `flag --${flag}` }];
  });
  return [...defaults, ...envOverrides(env), ...fromFlags];
}

interface RoleSpec {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly defaults: readonly Override[];
  readonly start: (config: Config, logger: Logger) => Promise<Result<RunningStack, string>>;
}

function roleCommand(spec: RoleSpec): Command {
  return {
    path: [spec.name],
    summary: spec.summary,
    description: spec.description,
    flags: spec.flags,
    async run(args, io) {
      const configFile = stringFlag(args, 'config') ?? io.env.KUBEPULSE_CONFIG;
      const config = await loadConfig(configFile, roleOverrides(args, io.env, spec.defaults));
      if (!config.ok) {
        io.stderr(`kubepulse: invalid configuration:\n${config.error.message}\n`);
        return 2;
      }
      const logger = createLogger({ level: config.value.log.level, format: config.value.log.format });
      const stack = await spec.start(config.value, logger);
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
}

const fromDefault = (path: readonly string[], value: unknown): Override => ({ path, value, origin: 'role default' });

export const startCommand = roleCommand({
  name: 'start',
  summary: 'Run the all-in-one stack on this machine: collector, store, PromQL API, ruler and dashboard on one port.',
  description:
    "Collects this machine's node and container metrics into the embedded store and serves /metrics, /-/healthy,\n" +
    '/-/ready, the Prometheus HTTP API, the remote-write receiver and the dashboard. With a kubeconfig (--kubeconfig,\n' +
    'KUBECONFIG, ~/.kube/config) it also watches that cluster. Stops gracefully on SIGTERM/SIGINT.',
  flags: flags('127.0.0.1:9470', {
    kubeconfig: { type: 'string', valueName: 'file', help: 'Watch this cluster from outside (default: KUBECONFIG or ~/.kube/config if present).' },
  }),
  defaults: [],
  start: async (config, logger) => (await import('../roles/stack.js')).startStack(config, logger, 'start'),
});

export const hubCommand = roleCommand({
  name: 'hub',
  summary: 'Run the hub: remote-write receiver, store, cluster state, PromQL API, ruler and dashboard.',
  description:
    'The Deployment role. Collectors remote-write into it; it watches the cluster with its ServiceAccount\n' +
    '(or --kubeconfig from outside) and serves the Prometheus HTTP API and the dashboard.',
  flags: flags('127.0.0.1:9470', {
    kubeconfig: { type: 'string', valueName: 'file', help: 'Watch this cluster from outside instead of in-cluster.' },
  }),
  defaults: [fromDefault(['procfs', 'enabled'], false), fromDefault(['cgroup', 'enabled'], false)],
  start: async (config, logger) => (await import('../roles/stack.js')).startStack(config, logger, 'hub'),
});

export const collectorCommand = roleCommand({
  name: 'collector',
  summary: "Run the node collector: this node's /proc and cgroups, remote-written to the hub through a disk queue.",
  description:
    'The DaemonSet role. Serves /metrics, /-/healthy and /-/ready on its port (default :9471); samples go to\n' +
    '--remote-write-url (the hub, or any Prometheus remote-write endpoint) and survive outages on disk.',
  flags: flags('0.0.0.0:9471', {
    'remote-write-url': { type: 'string', valueName: 'url', help: 'Where samples go (env KUBEPULSE_REMOTE_WRITE_URL).' },
    'node-name': { type: 'string', valueName: 'name', help: 'This node (env NODE_NAME).' },
  }),
  defaults: [fromDefault(['listen'], '0.0.0.0:9471'), fromDefault(['dashboard', 'enabled'], false)],
  // The collector never loads the store, PromQL, ruler, alertmanager or dashboard (stack.js): its RSS budget is 80 MB.
  start: async (config, logger) => (await import('../roles/collector.js')).startCollector(config, logger),
});
