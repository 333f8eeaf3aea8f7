/** Liveness and readiness, with the paths and bodies Prometheus uses. */
import { Router } from 'express';

export function healthRouter(isReady: () => boolean): Router {
  const router = Router();
  const both = (path: string, status: () => number, body: () => string): void => {
    router.get(path, (_req, res) => void res.status(status()).type('text/plain').send(body()));
    router.head(path, (_req, res) => void res.status(status()).end());
  };
  both('/-/healthy', () => 200, () => 'kubepulse is Healthy.\n');
  both(
    '/-/ready',
    () => (isReady() ? 200 : 503),
    () => (isReady() ? 'kubepulse is Ready.\n' : 'Service Unavailable\n'),
  );
  return router;
}
