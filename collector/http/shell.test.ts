import { describeHttpShell } from './shell.case.js';
import { startHttpShell } from './shell.js';

describeHttpShell('express HTTP shell (hub, start)', async (address, tls, options) => {
  const shell = await startHttpShell(address, tls, options);
  if (!shell.ok) return shell;
  const { app } = shell.value;
  return { ok: true, value: { ...shell.value, get: (path, handler) => void app.get(path, handler) } };
});
