/**
 * Listening and graceful shutdown. On close, the server stops accepting,
 * lets in-flight requests finish, drops idle keep-alive connections at once,
 * and cuts whatever is still open when the timeout runs out.
 */
import type { RequestListener, Server } from 'node:http';
import { http } from '../node-http.js';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { err, ok, type Result } from '../result.js';

export interface RunningServer {
  /** host:port actually bound (the port is real even when 0 was asked for). */
  readonly address: string;
  readonly server: Server;
  readonly scheme: 'http' | 'https';
  close(timeoutMs: number): Promise<void>;
}

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'host not found',
};

export function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(listen.slice(i + 1)) };
}

/** HTTPS instead of HTTP: PEM cert and key, and for client certificates `ca`, `requestCert`, `rejectUnauthorized`. */
export type TlsServerOptions = Pick<HttpsServerOptions, 'cert' | 'key' | 'ca' | 'requestCert' | 'rejectUnauthorized' | 'minVersion'>;

export function listen(handler: RequestListener, address: string, tls?: TlsServerOptions): Promise<Result<RunningServer, string>> {
  const { host, port } = splitHostPort(address);
  const server: Server = tls
    ? createHttpsServer({ keepAliveTimeout: 65_000, minVersion: 'TLSv1.2', ...tls }, handler)
    : http.createServer({ keepAliveTimeout: 65_000 }, handler);
  return new Promise((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      resolve(err(`cannot listen on ${address}: ${REASONS[e.code ?? ''] ?? e.message}`));
    });
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      const bound = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
      resolve(ok({ address: bound, server, scheme: tls ? 'https' : 'http', close: (timeoutMs) => closeGracefully(server, timeoutMs) }));
    });
  });
}

function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
