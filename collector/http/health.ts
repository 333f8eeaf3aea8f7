/** Liveness and readiness, with the paths and bodies Prometheus uses; served by both shells. */
import { sendText, type RouteHandler, type Routes } from './route.js';

function text(status: number, body: string): RouteHandler {
  return (_req, res) => sendText(res, status, 'text/plain', body);
}

const healthy = text(200, 'kubepulse is Healthy.\n');
const ready = text(200, 'kubepulse is Ready.\n');
const notReady = text(503, 'Service Unavailable\n');

/** `/-/healthy` answers 200 while the process runs; `/-/ready` 503 until `isReady()` says otherwise. */
export function healthRoutes(isReady: () => boolean): Routes {
  return new Map<string, RouteHandler>([
    ['/-/healthy', healthy],
    ['/-/ready', (req, res) => (isReady() ? ready : notReady)(req, res)],
  ]);
}
