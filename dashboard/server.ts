/**
 * The web dashboard: static pages plus Chart.js served from node_modules (no
 * CDN: clusters are often offline). The page reads data only through the
 * Prometheus HTTP API, i.e. through the PromQL engine, like Grafana would.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

export interface DashboardOptions {
  /** How often node metrics are collected; the page sizes its rate() windows from it. */
  readonly scrapeIntervalMs: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/** public/ beside this file when run from source, or in the source tree when run from dist/. */
export function publicDir(): string {
  for (const candidate of [join(here, 'public'), join(here, '../../dashboard/public')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  throw new Error(`dashboard assets not found near ${here}`);
}

function chartJsFile(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export function createDashboardRouter(options: DashboardOptions): Router {
  const router = Router();
  const chartJs = chartJsFile();
  const security = (_req: express.Request, res: express.Response, next: express.NextFunction): void => {
    // Everything the page needs comes from this origin; no inline script runs.
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  router.use(security);
  router.get('/vendor/chart.umd.min.js', (_req, res) => res.sendFile(chartJs, { maxAge: '1h' }));
  router.get('/dashboard/settings.json', (_req, res) => {
    res.json({ scrapeIntervalMs: options.scrapeIntervalMs });
  });
  router.use(express.static(publicDir(), { index: 'index.html', maxAge: 0 }));
  return router;
}
