// A collector process for the crash test: commits one sample per series every
// few milliseconds through the remote-write client (from dist/, built by
// test/global-setup.ts) and prints "committed <step>" once commit() resolved.
// The test kills it with SIGKILL at an arbitrary moment.
import { createRemoteWriteClient } from '../../dist/collector/remote/index.js';

const [url, queueDir] = process.argv.slice(2);
const client = createRemoteWriteClient({
  url,
  queueDir,
  batchSendDeadlineMs: 20,
  maxSamplesPerSend: 50,
  minBackoffMs: 10,
  maxBackoffMs: 100,
});
const series = [0, 1, 2, 3].map((i) => ({ __name__: 'crash_test', pod: `p${i}` }));
for (let step = 0; ; step++) {
  const app = client.appender();
  for (const s of series) app.append(s, 1_000_000 + step * 1000, step);
  const r = await app.commit();
  if (!r.ok) {
    process.stderr.write(`commit failed: ${r.error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`committed ${step}\n`);
  await new Promise((res) => setTimeout(res, 2));
}
