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
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = (example: string) =>
  z.union([z.string(), z.number()]).transform((raw, ctx) => {
    const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like "${example}", got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return ms;
  });

const hostPort = z.string().refine((s) => /^(\[[0-9a-fA-F:]+\]|[^:\s]*):\d{1,5}$/.test(s) && Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, {
  message: 'expected host:port such as "127.0.0.1:9470"',
});

const text = (what: string) => z.string({ error: (i) => `expected ${what}, got ${describe(i.input)}` });

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export const ConfigSchema = z.strictObject({
  listen: hostPort.default('127.0.0.1:9470'),
  dataDir: text('a directory path').default('./data'),
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      format: z.enum(['auto', 'json', 'text']).default('auto'),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Blocks older than this are deleted (Prometheus' --storage.tsdb.retention.time). */
      retention: duration('15d').default(15 * 24 * 3600_000),
      /** Oldest blocks are deleted while the data directory is larger (bytes; Prometheus' retention.size). */
      retentionBytes: z.number().int().positive().optional(),
      /** Accept samples this much older than a series' newest one (Prometheus' out_of_order_time_window); 0 = off. */
      outOfOrderWindow: z
        .union([z.string(), z.number()])
        .transform((raw, ctx) => {
          const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
          if (ms === undefined) {
            ctx.addIssue({ code: 'custom', message: `expected a duration like "10m", got ${JSON.stringify(raw)}` });
            return z.NEVER;
          }
          return ms;
        })
        .default(0),
    })
    .prefault({}),
  /**
   * Two schedules, as the collector has two pipelines: the lean resource pipeline (CPU and memory of the node,
   * its pods and containers, and controller state: what metrics.k8s.io serves) and the full one (every other
   * series, and the annotated pods' own metrics).
   */
  pipelines: z
    .strictObject({
      resource: z.strictObject({ interval: duration('15s').default(15_000) }).prefault({}),
      full: z.strictObject({ interval: duration('30s').default(30_000) }).prefault({}),
    })
    .prefault({}),
  /** Pods on this node annotated `prometheus.io/scrape: "true"` are scraped at the full pipeline's interval. */
  scrape: z
    .strictObject({
      pods: z.boolean().default(true),
      timeout: duration('10s').default(10_000),
      /** Most samples one scrape may return; more fails that scrape (up=0). 0: no limit. */
      sampleLimit: z.number().int().min(0).default(20_000),
      /** Most labels one sample may carry. 0: no limit. */
      labelLimit: z.number().int().min(0).default(64),
      labelNameLengthLimit: z.number().int().min(0).default(256),
      labelValueLengthLimit: z.number().int().min(0).default(4096),
      /** Largest uncompressed body one scrape may read, bytes. */
      bodySizeLimit: z.number().int().positive().default(32 * 1024 * 1024),
      /** For `prometheus.io/scheme: https` pods (Prometheus' tls_config): a CA bundle, or no verification at all. */
      tls: z
        .strictObject({
          caFile: text('a file path').optional(),
          insecureSkipVerify: z.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
  procfs: z
    .strictObject({
      enabled: z.boolean().default(true),
      procPath: text('a directory path').default('/proc'),
      sysPath: text('a directory path').default('/sys'),
      rootfsPath: text('a directory path').default('/'),
    })
    .prefault({}),
  cgroup: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Where the cgroup filesystem(s) are mounted; /host/sys/fs/cgroup in a container. */
      cgroupRoot: text('a directory path').default('/sys/fs/cgroup'),
    })
    .prefault({}),
  dashboard: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  alertmanager: z
    .strictObject({
      /** Run the embedded Alertmanager (API v2 under /api/v2, notifications by email, Slack, webhook). */
      enabled: z.boolean().default(true),
      /** Alertmanager's configuration format; without it alerts are kept and shown but sent nowhere. */
      configFile: text('a file path').optional(),
    })
    .prefault({}),
  kube: z
    .strictObject({
      /**
       * auto: the hub uses the in-cluster ServiceAccount; `start` watches a cluster
       * only when a kubeconfig is given or found (KUBECONFIG, ~/.kube/config).
       */
      mode: z.enum(['auto', 'off', 'in-cluster', 'kubeconfig']).default('auto'),
      kubeconfig: text('a kubeconfig path').optional(),
      context: text('a kubeconfig context').optional(),
    })
    .prefault({}),
  /** The collector role: this node's kubelet. */
  kubelet: z
    .strictObject({
      /**
       * The node's address (the DaemonSet sets NODE_IP from status.hostIP). With it the collector
       * names containers from the kubelet's /pods and may read the kubelet's own endpoints.
       */
      address: text('an address').optional(),
      port: z.number().int().min(1).max(65535).default(10250),
      /** kind's kubelets serve self-signed certificates (metrics-server's --kubelet-insecure-tls). */
      insecureSkipVerify: z.boolean().default(false),
      /**
       * Kubelet endpoints to collect besides the cgroup source: resource, cadvisor, summary. Empty by
       * default, since their container_* series overlap the cgroup source's (job="kubelet" vs "cadvisor").
       */
      endpoints: z.array(z.enum(['resource', 'cadvisor', 'summary'])).default([]),
    })
    .prefault({}),
  /** The collector role: where samples go. */
  remoteWrite: z
    .strictObject({
      url: z.url({ error: 'expected an http(s) URL such as "http://kubepulse-hub:9470/api/v1/write"' }).optional(),
      /** The durable queue; default <dataDir>/remote-write-queue. */
      queueDir: text('a directory path').optional(),
      bearerTokenFile: text('a file path').optional(),
      /** Basic auth: the user name, and the file holding the password. */
      username: text('a user name').optional(),
      passwordFile: text('a file path').optional(),
      insecureSkipVerify: z.boolean().default(false),
      caFile: text('a file path').optional(),
    })
    .prefault({}),
  /** This node's name (the DaemonSet sets NODE_NAME from the downward API). */
  nodeName: text('a node name').optional(),
  rules: z
    .strictObject({
      /** Load the rule pack kubepulse ships (rules/*.yaml). */
      shippedPack: z.boolean().default(true),
      /** More rule files or globs, relative to the working directory. */
      files: z.array(text('a file path or glob')).default([]),
      evaluationInterval: duration('1m').default(60_000),
      queryOffset: z
        .union([z.string(), z.number()])
        .transform((raw, ctx) => {
          const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
          if (ms === undefined) {
            ctx.addIssue({ code: 'custom', message: `expected a duration like "0s", got ${JSON.stringify(raw)}` });
            return z.NEVER;
          }
          return ms;
        })
        .default(0),
    })
    .prefault({}),
  alerting: z
    .strictObject({
      /** Alertmanagers (API v2 base URLs) the ruler sends alerts to, besides the embedded one. */
      alertmanagers: z.array(z.url({ error: 'expected an http(s) URL' })).default([]),
      externalLabels: z.record(z.string(), z.string()).default({}),
      /** The URL users reach kubepulse at; alerts link back to it. Default http://<listen>. */
      externalUrl: z.string().optional(),
      resendDelay: duration('1m').default(60_000),
    })
    .prefault({}),
  web: z
    .strictObject({
      /** Serve the main listener over HTTPS (PEM files). */
      tls: z.strictObject({ certFile: text('a file path'), keyFile: text('a file path') }).optional(),
      /**
       * Protect the endpoints that change data (remote write, admin API): a bearer token and/or basic
       * credentials, read from files (mount a Secret). Reads stay open, as in Prometheus.
       */
      writeAuth: z
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
  metricsApi: z
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
      authentication: z.enum(['requestheader', 'none']).default('requestheader'),
    })
    .prefault({}),
  shutdownTimeout: duration('10s').default(10_000),
});

/** The validated configuration; durations are milliseconds. */
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
