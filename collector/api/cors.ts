/**
 * CORS as Prometheus does it for its API (--web.cors.origin, default `.*`):
 * browsers running Grafana or a local UI on another origin may read answers.
 */
import type { NextFunction, Request, Response } from 'express';

export function cors(origin: RegExp | undefined) {
  // Anchored like Prometheus' flag: "^(?:" + regex + ")$".
  const allowed = origin ? new RegExp(`^(?:${origin.source})$`, origin.flags) : undefined;
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Expose-Headers', 'Date');
    const from = req.headers.origin;
    if (from !== undefined && allowed?.test(from)) {
      res.setHeader('Access-Control-Allow-Origin', from);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
