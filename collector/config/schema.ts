/**
 * kubepulse's own configuration file (`--config kubepulse.yaml`). Every key is
 * optional; flags override environment variables, which override the file,
 * which overrides the defaults.
 *
 * @example
 * # kubepulse.yaml
 * listen: 127.0.0.1:9470
 * dataDir: ./data
 * log: { level: info, format: auto }
 * pipelines: { resource: { interval: 15s }, full: { interval: 30s } }
 * procfs: { procPath: /proc, sysPath: /sys, rootfsPath: / }
 */
import { NEVER, s, type Infer, type Input } from '../schema/index.js';
import { parseDuration } from './duration.js';

/** A duration string (or the 0 that YAML reads as a number) of at least `minMs`, in milliseconds. */
const duration = (example: string, minMs = 1) =>
  s.union([s.string(), s.number()]).transform((raw, ctx) => {
    const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
    if (ms === undefined || ms < minMs) {
      ctx.addIssue({ message: `expected a duration like "${example}", got ${JSON.stringify(raw)}` });
      return NEVER;
    }
    return ms;
  });

const hostPort = s
  .string()
  .refine(
    (addr) =>
      /^(\[[0-9a-fA-F:]+\]|[^:\s]*):\d{1,5}$/.test(addr) && Number(addr.slice(addr.lastIndexOf(':') + 1)) <= 65535,
    { message: 'expected host:port such as "127.0.0.1:9470"' },
  );

const text = (what: string) => s.string({ error: (i) => `expected ${what}, got ${describe(i.input)}` });

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export const ConfigSchema = s.strictObject({
  listen: hostPort.default('127.0.0.1:9470'),
  dataDir: text('a directory path').default('./data'),
  log: s
    .strictObject({
      level: s.enum(['debug', 'info', 'warn', 'error']).default('info'),
      format: s.enum(['auto', 'json', 'text']).default('auto'),
    })
    .prefault({}),
  storage: s
    .strictObject({
      /** Blocks older than this are deleted (Prometheus' --storage.tsdb.retention.time). */
      retention: duration('15d').default(15 * 24 * 3600_000),
      /** Oldest blocks are deleted while the data directory is larger (bytes; Prometheus' retention.size). */
      retentionBytes: s.number().int().positive().optional(),
      /** Accept samples this much older than a series' newest one (Prometheus' out_of_order_time_window); 0 = off. */
      outOfOrderWindow: duration('10m', 0).default(0),
    })
    .prefault({}),
  /**
   * Two schedules, as the collector has two pipelines: the lean resource pipeline (CPU and memory of the node,
   * its pods and containers, and controller state: what metrics.k8s.io serves) and the full one (every other
   * series, and the annotated pods' own metrics).
   */
  pipelines: s
    .strictObject({
      resource: s.strictObject({ interval: duration('15s').default(15_000) }).prefault({}),
      full: s.strictObject({ interval: duration('30s').default(30_000) }).prefault({}),
    })
    .prefault({}),
  /** Pods on this node annotated `prometheus.io/scrape: "true"` are scraped at the full pipeline's interval. */
  scrape: s
    .strictObject({
      pods: s.boolean().default(true),
      timeout: duration('10s').default(10_000),
      /** Most samples one scrape may return; more fails that scrape (up=0). 0: no limit. */
      sampleLimit: s.number().int().min(0).default(20_000),
      /** Most labels one sample may carry. 0: no limit. */
      labelLimit: s.number().int().min(0).default(64),
      labelNameLengthLimit: s.number().int().min(0).default(256),
      labelValueLengthLimit: s.number().int().min(0).default(4096),
      /** Largest uncompressed body one scrape may read, bytes. */
      bodySizeLimit: s.number().int().positive().default(32 * 1024 * 1024),
      /** For `prometheus.io/scheme: https` pods (Prometheus' tls_config): a CA bundle, or no verification at all. */
      tls: s
        .strictObject({
          caFile: text('a file path').optional(),
          insecureSkipVerify: s.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
  procfs: s
    .strictObject({
      enabled: s.boolean().default(true),
      procPath: text('a directory path').default('/proc'),
      sysPath: text('a directory path').default('/sys'),
      rootfsPath: text('a directory path').default('/'),
    })
    .prefault({}),
  cgroup: s
    .strictObject({
      enabled: s.boolean().default(true),
      /** Where the cgroup filesystem(s) are mounted; /host/sys/fs/cgroup in a container. */
      cgroupRoot: text('a directory path').default('/sys/fs/cgroup'),
    })
    .prefault({}),
  dashboard: s.strictObject({ enabled: s.boolean().default(true) }).prefault({}),
  alertmanager: s
    .strictObject({
      /** Run the embedded Alertmanager (API v2 under /api/v2, notifications by email, Slack, webhook). */
      enabled: s.boolean().default(true),
      /** Alertmanager's configuration format; without it alerts are kept and shown but sent nowhere. */
      configFile: text('a file path').optional(),
    })
    .prefault({}),
  kube: s
    .strictObject({
      /**
       * auto: the hub uses the in-cluster ServiceAccount; `start` watches a cluster
       * only when a kubeconfig is given or found (KUBECONFIG, ~/.kube/config).
       */
      mode: s.enum(['auto', 'off', 'in-cluster', 'kubeconfig']).default('auto'),
      kubeconfig: text('a kubeconfig path').optional(),
      context: text('a kubeconfig context').optional(),
    })
    .prefault({}),
  /** The collector role: this node's kubelet. */
  kubelet: s
    .strictObject({
      /**
       * The node's address (the DaemonSet sets NODE_IP from status.hostIP). With it the collector
       * names containers from the kubelet's /pods and may read the kubelet's own endpoints.
       */
      address: text('an address').optional(),
      port: s.number().int().min(1).max(65535).default(10250),
      /** kind's kubelets serve self-signed certificates (metrics-server's --kubelet-insecure-tls). */
      insecureSkipVerify: s.boolean().default(false),
      /**
       * Kubelet endpoints to collect besides the cgroup source: resource, cadvisor, summary. Empty by
       * default, since their container_* series overlap the cgroup source's (job="kubelet" vs "cadvisor").
       */
      endpoints: s.array(s.enum(['resource', 'cadvisor', 'summary'])).default([]),
    })
    .prefault({}),
  /** The collector role: where samples go. */
  remoteWrite: s
    .strictObject({
      url: s.url({ error: 'expected an http(s) URL such as "http://kubepulse-hub:9470/api/v1/write"' }).optional(),
      /** The durable queue; default <dataDir>/remote-write-queue. */
      queueDir: text('a directory path').optional(),
      bearerTokenFile: text('a file path').optional(),
      /** Basic auth: the user name, and the file holding the password. */
      username: text('a user name').optional(),
      passwordFile: text('a file path').optional(),
      insecureSkipVerify: s.boolean().default(false),
      caFile: text('a file path').optional(),
    })
    .prefault({}),
  /** This node's name (the DaemonSet sets NODE_NAME from the downward API). */
  nodeName: text('a node name').optional(),
  rules: s
    .strictObject({
      /** Load the rule pack kubepulse ships (rules/*.yaml). */
      shippedPack: s.boolean().default(true),
      /** More rule files or globs, relative to the working directory. */
      files: s.array(text('a file path or glob')).default([]),
      evaluationInterval: duration('1m').default(60_000),
      queryOffset: duration('0s', 0).default(0),
    })
    .prefault({}),
  alerting: s
    .strictObject({
      /** Alertmanagers (API v2 base URLs) the ruler sends alerts to, besides the embedded one. */
      alertmanagers: s.array(s.url({ error: 'expected an http(s) URL' })).default([]),
      externalLabels: s.record(s.string(), s.string()).default({}),
      /** The URL users reach kubepulse at; alerts link back to it. Default http://<listen>. */
      externalUrl: s.string().optional(),
      resendDelay: duration('1m').default(60_000),
    })
    .prefault({}),
  web: s
    .strictObject({
      /** Serve the main listener over HTTPS (PEM files). */
      tls: s.strictObject({ certFile: text('a file path'), keyFile: text('a file path') }).optional(),
      /**
       * Protect the endpoints that change data (remote write, admin API): a bearer token and/or basic
       * credentials, read from files (mount a Secret). Reads stay open, as in Prometheus.
       */
      writeAuth: s
        .strictObject({
          bearerTokenFile: text('a file path').optional(),
          username: text('a user name').optional(),
          passwordFile: text('a file path').optional(),
        })
        .optional(),
    })
    .prefault({}),
  /**
   * metrics.k8s.io for the Kubernetes API aggregation layer (kubectl top, HPA): an HTTPS listener of its own
   * that the kube-apiserver reaches through the APIService. Off unless `listen` is set (the hub's manifest sets it).
   */
  metricsApi: s
    .strictObject({
      listen: hostPort.optional(),
      /** Serving certificate and key (PEM); without them a self-signed pair is made at start. */
      certFile: text('a file path').optional(),
      keyFile: text('a file path').optional(),
      /**
       * requestheader: only the kube-apiserver's front proxy (client certificate signed by the requestheader CA
       * from kube-system/extension-apiserver-authentication) may call, and the user it names is authorised with
       * a SubjectAccessReview, as metrics-server does. none: anyone who reaches the port.
       */
      authentication: s.enum(['requestheader', 'none']).default('requestheader'),
    })
    .prefault({}),
  shutdownTimeout: duration('10s').default(10_000),
});

/** The validated configuration; durations are milliseconds. */
export type Config = Infer<typeof ConfigSchema>;
export type ConfigInput = Input<typeof ConfigSchema>;
