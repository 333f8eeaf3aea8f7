/**
 * The plain shell's routing, on node:http alone. Paths match as express
 * matched them (case aside, with or without one trailing slash, query
 * ignored) and each answers GET and HEAD. Around the routes, the answers keep
 * the shape express gave the collector's clients: its 404 page and its
 * OPTIONS reply. A method a path does not take gets 405 with `Allow` (express
 * said 404). A handler that throws or rejects gets a 500 and a log line, and
 * the process goes on.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../log/index.js';
import { sendText, type RouteHandler } from './route.js';

const ALLOW = 'GET, HEAD';

export interface PlainRouter {
  /** Answers GET and HEAD on `path` from now on; a second call for the same path replaces the handler. */
  get(path: string, handler: RouteHandler): void;
  readonly listener: RequestListener;
}

/** `logger` gets a line for each handler that fails. */
export function createPlainRouter(logger: Logger): PlainRouter {
  const routes = new Map<string, RouteHandler>();
  return {
    get: (path, handler) => void routes.set(routeKey(path), handler),
    listener: (req, res) => {
      const path = pathOf(req);
      const handler = routes.get(routeKey(path));
      if (handler === undefined) return errorPage(res, 404, `Cannot ${req.method} ${path}`);
      if (req.method === 'GET' || req.method === 'HEAD') return run(handler, req, res, logger);
      res.setHeader('allow', ALLOW);
      if (req.method !== 'OPTIONS') return errorPage(res, 405, `Cannot ${req.method} ${path}`);
      // As express answered OPTIONS: the methods, as text.
      res.setHeader('x-content-type-options', 'nosniff');
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': ALLOW.length }).end(ALLOW);
    },
  };
}

const pathOf = (req: IncomingMessage): string => (req.url ?? '/').split('?', 1)[0] ?? '/';

/** express' default matching: case-insensitive, and `/metrics/` is `/metrics` (but `/metrics//` is not). */
const routeKey = (path: string): string =>
  (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();

function run(handler: RouteHandler, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  const failed = (e: unknown): void => {
    logger.error('HTTP handler failed', {
      method: req.method,
      path: pathOf(req),
      error: e instanceof Error ? e.message : String(e),
      ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}),
    });
    // Once the status line is out, cutting the connection is the only way left to say the answer is broken.
    if (res.headersSent) res.destroy();
    else errorPage(res, 500, 'Internal Server Error');
  };
  try {
    const answered = handler(req, res);
    if (answered) answered.catch(failed);
  } catch (e) {
    failed(e);
  }
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The page express' final handler writes for a request it has no answer for, with its headers. */
function errorPage(res: ServerResponse, status: number, message: string): void {
  const text = message.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
  res.setHeader('content-security-policy', "default-src 'none'");
  res.setHeader('x-content-type-options', 'nosniff');
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${text}</pre>\n</body>\n</html>\n`;
  sendText(res, status, 'text/html', body);
}
