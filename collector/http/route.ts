/**
 * Route handlers written against node's own request and response, so one
 * handler serves in the hub's express app (whose request and response extend
 * these) and in the collector's plain node:http shell, which must not load
 * express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers one path. A HEAD request runs the GET handler and node drops the
 * body, so HEAD sees the same status and headers. A throw or a rejection is
 * the shell's to answer (500) and log.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Path → handler; both shells answer each path on GET and HEAD. */
export type Routes = ReadonlyMap<string, RouteHandler>;

/**
 * A whole text answer. A content type without a charset gets `charset=utf-8`,
 * as express' `res.type(t).send(text)` gave it.
 *
 * @example
 * sendText(res, 200, registry.contentType, await registry.metrics());
 */
export function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': /;\s*charset=/i.test(contentType) ? contentType : `${contentType}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
