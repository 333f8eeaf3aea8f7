#!/usr/bin/env node
// What the node collector (`kubepulse collector`, the DaemonSet role) costs on a full node:
// a real collector process, at the default intervals (resource 15 s, full 30 s), reading this
// machine's /proc and a generated cgroup v2 tree of 110 pods x 3 containers (the kubelet's
// default max-pods), remote-writing to a 204 responder on loopback through its disk queue.
// It names the containers from a kubelet as the DaemonSet does in kind: an HTTPS /pods (self-signed,
// kubelet.insecureSkipVerify as deploy/kind/overlay sets it) answering the tree's 110 pods, made of
// the real pods a v1.34 kubelet served (bench/lib/kubelet-pods.mjs); --no-kubelet leaves it out.
//
//   npm run build && node bench/collector-cost.mjs [--minutes 3] [--pods 110] [--containers 3]
//       [--dist dist] [--node-options "..."] [--node-args "..."] [--malloc-env "K=V ..."]
//       [--sample-ms 1000] [--warmup-s 60] [--no-node-exporter] [--no-kubelet]
//
// Samples the child's RSS (/proc/<pid>/status VmRSS, split into RssAnon and RssFile; VmHWM
// for the peak) and CPU (/proc/<pid>/stat utime + stime, all its threads) and prints steady
// RSS (median of the second half of the run), peak RSS, CPU in % of one core from ready to
// the end, and CPU from --warmup-s after ready to the end (once the hot code is compiled).
// Issue 4's targets: <= 80 MB RSS and <= 1 % of one core.
// Beside it, "node at rest": the same node binary, flags and environment with node:https loaded and
// nothing to do, the floor under any collector written for this runtime. --pods 0 gives the
// collector's own floor (its code, /proc, the kubelet, remote write; no containers).
// Run as root on a cgroup v1 machine, the collector runs in a memory cgroup of its own and the
// cgroup's working set and kernel memory are printed too (the pod-level figures; RSS has no kernel part).
//
// Reference in the same run: Debian's prometheus-node-exporter on the same machine,
// scraped every 15 s (it collects on scrape, as it would under Prometheus). It reads
// /proc and /sys only, no cgroups: a ratio to read with that in mind.
// The collector runs as the DaemonSet runs it: node's flags from the container's `command`
// and the literal NODE_OPTIONS and MALLOC_* variables of its `env`, read from
// deploy/base/collector-daemonset.yaml (printed with the results). --node-options,
// --node-args and --malloc-env replace those, to try other settings.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { flag, has } from './lib/args.mjs';
import { buildKubeNode, buildProcDir } from './lib/cgroup-tree.mjs';
import { kubeletPodList } from './lib/kubelet-pods.mjs';
import { cpuSeconds, freePort } from './lib/procs.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const minutes = Number(flag('minutes', '3'));
const pods = Number(flag('pods', '110'));
const containers = Number(flag('containers', '3'));
const sampleMs = Number(flag('sample-ms', '1000'));
// Two full collections (default interval 30 s): every file has been opened and the hot code compiled.
const warmupMs = Number(flag('warmup-s', '60')) * 1000;
const dist = resolve(ROOT, flag('dist', 'dist'));
const deployed = daemonSetRuntime(resolve(ROOT, 'deploy/base/collector-daemonset.yaml'));
const nodeOptions = flag('node-options', deployed.env.NODE_OPTIONS ?? '');
// V8 flags NODE_OPTIONS does not accept (--max-opt, --optimize-for-size…) go on the command line.
const nodeArgs = has('node-args') ? flag('node-args', '').split(' ').filter(Boolean) : deployed.nodeArgs;
const mallocEnv = has('malloc-env')
  ? Object.fromEntries(
      flag('malloc-env', '')
        .split(' ')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    )
  : Object.fromEntries(Object.entries(deployed.env).filter(([k]) => k.startsWith('MALLOC_')));
const withNodeExporter = !has('no-node-exporter');
const withKubelet = !has('no-kubelet');
const NODE_EXPORTER = process.env.NODE_EXPORTER_BIN ?? 'prometheus-node-exporter';
/** What the runtime floor process runs: the TLS client modules loaded, then an idle event loop. */
const REST_SCRIPT = "require('node:https'); setInterval(() => {}, 1 << 30);";

/**
 * How the DaemonSet starts the collector: node's own flags (the container's `command`
 * between `node` and the script) and the environment variables given as literal values.
 */
function daemonSetRuntime(file) {
  const ds = parseYaml(readFileSync(file, 'utf8'));
  const c = ds.spec.template.spec.containers.find((x) => x.name === 'collector');
  if (!c) throw new Error(`${file}: no container named collector`);
  const command = c.command ?? [];
  const script = command.findIndex((a) => a.endsWith('.js'));
  const nodeArgs = command[0] === 'node' && script > 0 ? command.slice(1, script) : [];
  const env = Object.fromEntries(
    (c.env ?? []).filter((e) => typeof e.value === 'string').map((e) => [e.name, e.value]),
  );
  return { nodeArgs, env };
}

/**
 * VmRSS and VmHWM of a process, bytes, and the two parts of VmRSS: RssFile (pages of mapped files,
 * mostly the node binary's code and read-only data) and RssAnon (heaps, stacks, buffers).
 */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** Bytes the process has had written to storage (/proc/<pid>/io write_bytes): the queue's segments, mostly. */
function writtenBytes(pid) {
  return Number(/^write_bytes: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
};
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const exited = (p) => p.child.exitCode !== null || p.child.signalCode !== null;
const howExited = (p) => (p.child.signalCode ? `signal ${p.child.signalCode}` : `code ${p.child.exitCode}`);

function start(name, command, args, env) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (log = (log + d).slice(-20_000)));
  return { name, child, log: () => log };
}

async function waitReady(p, url) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited(p)) throw new Error(`${p.name} exited (${howExited(p)}):\n${p.log()}`);
    if (
      await fetch(url).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${p.name} did not become ready:\n${p.log()}`);
    await sleep(100);
  }
}

async function stop(p) {
  if (exited(p)) return;
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(t);
}

/**
 * Samples RSS every `sampleMs` from now until stopped; CPU is taken at both ends, and once more
 * `warmupMs` in, so the figure after warm-up (the JIT compiling the collection code, the first
 * full collection that opens every file) can be told from the whole run's.
 */
function watch(pid, warmupMs, cgroup) {
  const samples = [];
  const cgroupSamples = [];
  const cpu0 = cpuSeconds(pid);
  const written0 = writtenBytes(pid);
  const t0 = performance.now();
  let warm;
  const timer = setInterval(() => {
    try {
      samples.push(memory(pid));
      if (cgroup) cgroupSamples.push(cgroupMemory(cgroup));
      if (!warm && performance.now() - t0 >= warmupMs) warm = { cpu: cpuSeconds(pid), at: performance.now() };
    } catch {
      // exited between two samples
    }
  }, sampleMs);
  return () => {
    clearInterval(timer);
    const { hwm } = memory(pid);
    const now = performance.now();
    const cpuNow = cpuSeconds(pid);
    const second = samples.slice(Math.floor(samples.length / 2));
    const cgroupSecond = cgroupSamples.slice(Math.floor(cgroupSamples.length / 2));
    return {
      steady: median(second.map((m) => m.rss)),
      steadyAnon: median(second.map((m) => m.anon)),
      steadyFile: median(second.map((m) => m.file)),
      peakSampled: Math.max(...samples.map((m) => m.rss)),
      hwm,
      cpu: cpuNow - cpu0,
      written: writtenBytes(pid) - written0,
      seconds: (now - t0) / 1000,
      ...(warm && { warmCpu: cpuNow - warm.cpu, warmSeconds: (now - warm.at) / 1000 }),
      ...(cgroupSecond.length > 0 && {
        workingSet: median(cgroupSecond.map((m) => m.workingSet)),
        kernel: median(cgroupSecond.map((m) => m.kernel)),
      }),
    };
  };
}

/**
 * A cgroup v1 memory-controller directory for the collector (this machine's layout; on a cgroup v2
 * node the same figures are memory.current and memory.stat's `inactive_file`, `kernel`), or
 * undefined when it cannot be made (not root, no v1 memory controller).
 */
function makeMemoryCgroup() {
  const d = `/sys/fs/cgroup/memory/kubepulse-bench-${process.pid}`;
  try {
    mkdirSync(d);
    return d;
  } catch {
    return undefined;
  }
}

/** The cgroup's working set as cAdvisor computes it (usage minus inactive file pages) and its kernel memory, bytes. */
function cgroupMemory(d) {
  const num = (f) => Number(readFileSync(join(d, f), 'utf8').trim());
  const inactive = Number(/^total_inactive_file (\d+)$/m.exec(readFileSync(join(d, 'memory.stat'), 'utf8'))?.[1] ?? 0);
  return { workingSet: num('memory.usage_in_bytes') - inactive, kernel: num('memory.kmem.usage_in_bytes') };
}

// In a memory cgroup of its own when this machine lets us make one: the pod-level figure (what the
// kubelet and `kubectl top` report) includes kernel memory charged to it, which RSS does not.
const memcg = makeMemoryCgroup();
const dir = mkdtempSync(join(tmpdir(), 'kubepulse-collector-bench-'));
const receiver = { requests: 0, bytes: 0 };
const server = createServer((req, res) => {
  req.on('data', (d) => (receiver.bytes += d.length));
  req.on('end', () => {
    receiver.requests++;
    res.writeHead(204).end();
  });
});
const kubeletAnswers = { pods: 0, bytes: 0 };
const expectedNames = new Set(); // namespace/pod/container, as the kubelet names them
let kubelet;
const procs = [];
try {
  const node = buildKubeNode(join(dir, 'tree'), { pods, containers });
  const cgroupRoot = node.cgroupRoot;
  const procPath = buildProcDir(join(dir, 'proc'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const config = join(dir, 'kubepulse.yaml');
  let kubeletEnv = {};
  if (withKubelet) {
    const { selfSignedCertificate } = await import(join(dist, 'collector/http/tls.js'));
    const pair = selfSignedCertificate({ commonName: 'bench-node', altNames: ['127.0.0.1'] });
    const podList = kubeletPodList(node.pods, 'bench-node');
    const body = Buffer.from(JSON.stringify(podList));
    for (const { metadata, spec } of podList.items)
      for (const c of spec.containers) expectedNames.add(`${metadata.namespace}/${metadata.name}/${c.name}`);
    kubelet = createTlsServer({ cert: pair.cert, key: pair.key }, (req, res) => {
      if (req.url !== '/pods') return res.writeHead(404).end();
      kubeletAnswers.pods++;
      kubeletAnswers.bytes += body.length;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    // The kubelet's server keeps an idle connection for 90 s (its http.Server IdleTimeout), longer than the
    // collector's 15 s between reads; node's default of 5 s would make every read a new TLS handshake.
    kubelet.keepAliveTimeout = 90_000;
    await new Promise((r) => kubelet.listen(0, '127.0.0.1', r));
    kubeletEnv = { NODE_IP: '127.0.0.1' };
  }
  // The DaemonSet's collector configuration (deploy/base/config.yaml, with kind's kubelet setting).
  writeFileSync(
    config,
    [
      'pipelines:',
      '  resource: { interval: 15s }',
      '  full: { interval: 30s }',
      ...(kubelet ? ['kubelet:', `  port: ${kubelet.address().port}`, '  insecureSkipVerify: true'] : []),
      '',
    ].join('\n'),
  );
  const rwUrl = `http://127.0.0.1:${server.address().port}/api/v1/write`;
  const port = await freePort();
  const main = join(dist, 'collector/cli/main.js');
  const collector = start(
    'collector',
    memcg ? '/bin/sh' : process.execPath,
    [
      // The shell moves itself into the cgroup, then becomes node (same PID), so everything node allocates is charged there.
      ...(memcg ? ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', memcg, process.execPath] : []),
      ...nodeArgs,
      main,
      'collector',
      `--listen=127.0.0.1:${port}`,
      `--config=${config}`,
      `--data-dir=${join(dir, 'data')}`,
      `--remote-write-url=${rwUrl}`,
      '--log-level=warn',
    ],
    {
      KUBEPULSE_PROC_PATH: procPath,
      KUBEPULSE_CGROUP_ROOT: cgroupRoot,
      NODE_OPTIONS: nodeOptions,
      ...mallocEnv,
      NODE_NAME: 'bench-node',
      ...kubeletEnv,
    },
  );
  procs.push(collector);
  let exporter;
  let nePort;
  if (withNodeExporter) {
    nePort = await freePort();
    exporter = start('node-exporter', NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nePort}`]);
    procs.push(exporter);
  }
  // The runtime's own floor, measured beside the collector: node with the same flags and environment,
  // node:https loaded (the collector reads its kubelet over TLS), doing nothing. What the collector
  // measures above it is the collector's; what it measures is not below it.
  const floor = start('node at rest', process.execPath, [...nodeArgs, '-e', REST_SCRIPT], {
    NODE_OPTIONS: nodeOptions,
    ...mallocEnv,
  });
  procs.push(floor);
  const tReady0 = performance.now();
  await waitReady(collector, `http://127.0.0.1:${port}/-/ready`);
  const startupMs = performance.now() - tReady0;
  const startupCpu = cpuSeconds(collector.child.pid);
  const startupMem = memory(collector.child.pid);
  if (exporter) await waitReady(exporter, `http://127.0.0.1:${nePort}/metrics`);
  const collectorWatch = watch(collector.child.pid, warmupMs, memcg);
  const exporterWatch = exporter ? watch(exporter.child.pid, warmupMs) : undefined;
  if (exited(floor)) throw new Error(`node at rest exited (${howExited(floor)}):\n${floor.log()}`);
  const floorWatch = watch(floor.child.pid, warmupMs);
  // node-exporter collects when scraped: scrape it as Prometheus would, every 15 s.
  let scrapes = 0;
  const scrape = async () => {
    if (!exporter) return;
    const r = await fetch(`http://127.0.0.1:${nePort}/metrics`);
    await r.text();
    scrapes++;
  };
  await scrape();
  const scraper = setInterval(() => void scrape(), 15_000);
  const runMs = minutes * 60_000;
  const tick = Math.min(30_000, runMs);
  for (let elapsed = 0; elapsed < runMs; elapsed += tick) {
    await sleep(Math.min(tick, runMs - elapsed));
    if (exited(collector)) throw new Error(`collector exited (${howExited(collector)}):\n${collector.log()}`);
    process.stderr.write(
      `  ${((elapsed + tick) / 1000).toFixed(0)} s: collector RSS ${mb(memory(collector.child.pid).rss)}\n`,
    );
  }
  clearInterval(scraper);
  const c = collectorWatch();
  const e = exporterWatch?.();
  const rest = floorWatch();
  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const metric = (name) =>
    metrics
      .split('\n')
      .filter((l) => l.startsWith(name))
      .join('; ');

  const pct = (x) => (x.cpu / x.seconds) * 100;
  console.log(
    `kubepulse collector: ${pods} pods x ${containers} containers (cgroup v2, generated) + this machine's /proc, default intervals, ${minutes} min`,
  );
  console.log(
    `  runtime            : NODE_OPTIONS ${JSON.stringify(nodeOptions)}; node args ${JSON.stringify(nodeArgs.join(' '))}; ${JSON.stringify(mallocEnv)}; node ${process.version}`,
  );
  console.log(
    `  startup            : ready after ${startupMs.toFixed(0)} ms, ${startupCpu.toFixed(2)} CPU-s, RSS ${mb(startupMem.rss)}`,
  );
  console.log(
    `  steady RSS         : ${mb(c.steady)} (median of the second half; target <= 80 MB)  ${c.steady <= 80e6 ? 'OK' : 'OVER'}`,
  );
  console.log(
    `  steady RSS parts   : ${mb(c.steadyAnon)} anonymous (heaps, buffers), ${mb(c.steadyFile)} file pages (node binary, libraries)`,
  );
  console.log(
    `  node at rest       : ${mb(rest.steady)} RSS (${mb(rest.steadyFile)} file pages), the same node, flags and environment with node:https loaded and nothing to do; the collector is ${mb(c.steady - rest.steady)} above it`,
  );
  console.log(
    c.workingSet === undefined
      ? '  cgroup memory      : n/a (no memory cgroup could be made for the collector here)'
      : `  cgroup memory      : working set ${mb(c.workingSet)} (usage - inactive file, as cAdvisor and kubectl top count it), of which kernel ${mb(c.kernel)} (slab: open files, sockets)`,
  );
  console.log(
    `  peak RSS           : ${mb(c.hwm)} (VmHWM; sampled max ${mb(c.peakSampled)})  ${c.hwm <= 80e6 ? 'OK' : 'OVER'}`,
  );
  console.log(
    `  CPU                : ${pct(c).toFixed(2)} % of one core (${c.cpu.toFixed(2)} CPU-s in ${c.seconds.toFixed(0)} s; target <= 1 %)  ${pct(c) <= 1 ? 'OK' : 'OVER'}`,
  );
  if (c.warmCpu !== undefined) {
    const warmPct = (c.warmCpu / c.warmSeconds) * 100;
    console.log(
      `  CPU after warm-up  : ${warmPct.toFixed(2)} % of one core (${c.warmCpu.toFixed(2)} CPU-s in the last ${c.warmSeconds.toFixed(0)} s, from ${warmupMs / 1000} s on; ${((c.warmCpu / c.warmSeconds) * 30_000).toFixed(0)} CPU-ms per 30 s cycle)  ${warmPct <= 1 ? 'OK' : 'OVER'}`,
    );
  }
  console.log(`  remote write       : ${receiver.requests} requests, ${mb(receiver.bytes)} received`);
  console.log(
    `  disk writes        : ${mb(c.written)} (queue segments and checkpoints; ${mb((c.written / c.seconds) * 60)} a minute)`,
  );
  console.log(
    kubelet
      ? `  kubelet /pods      : ${kubeletAnswers.pods} answers of ${mb(kubeletAnswers.bytes / Math.max(1, kubeletAnswers.pods))} over HTTPS (${pods} pods)`
      : '  kubelet /pods      : none (--no-kubelet: containers are not named)',
  );
  const label = (line, name) => new RegExp(`[{,]${name}="([^"]*)"`).exec(line)?.[1];
  const named = new Set(
    metrics
      .split('\n')
      .filter((l) => l.startsWith('container_cpu_usage_seconds_total{'))
      .map((l) => `${label(l, 'namespace')}/${label(l, 'pod')}/${label(l, 'container')}`)
      .filter((n) => expectedNames.has(n)),
  );
  if (kubelet)
    console.log(
      `  named containers   : ${named.size} of ${pods * containers} carry the kubelet's namespace, pod and container names`,
    );
  console.log(
    `  self-metrics       : ${metric('kubepulse_remote_write_') ? metric('kubepulse_remote_write_samples') || '(no samples counter)' : '(none)'}`,
  );
  if (e) {
    console.log(
      `node-exporter (${NODE_EXPORTER}, scraped every 15 s, ${scrapes} scrapes; /proc and /sys, no cgroups):`,
    );
    console.log(`  steady RSS ${mb(e.steady)}, peak ${mb(e.hwm)}, CPU ${pct(e).toFixed(2)} % of one core`);
    console.log(
      `  ratio collector / node-exporter: RSS ${(c.steady / e.steady).toFixed(2)}x, CPU ${(pct(c) / pct(e)).toFixed(2)}x`,
    );
  }
} finally {
  for (const p of procs) await stop(p);
  if (memcg) {
    try {
      rmdirSync(memcg);
    } catch {
      // still has a task or charges being moved; the kernel reports it, nothing here depends on it
    }
  }
  server.close();
  kubelet?.close();
  rmSync(dir, { recursive: true, force: true });
}
