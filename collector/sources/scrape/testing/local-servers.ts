/**
 * HTTP(S) servers for the scrape tests: each listens on 127.0.0.1:0 and is
 * closed after the test, its kept-alive connections first (fetch's and our
 * agents' sockets would hold close() open for seconds).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface LocalServers {
  /** Listens on 127.0.0.1 at a free port; returns the port. */
  listen(server: Server): Promise<number>;
  /** Closes one now (a target that went away); the rest close after the test. */
  close(server: Server): Promise<void>;
}

const shut = (s: Server): Promise<void> => {
  s.closeAllConnections();
  return new Promise((r) => s.close(() => r()));
};

/** Call at the top of a test file: registers the afterEach that closes what the tests opened. */
export function localServers(): LocalServers {
  const open = new Set<Server>();
  afterEach(async () => {
    const all = [...open];
    open.clear();
    await Promise.all(all.map(shut));
  });
  return {
    async listen(server) {
      open.add(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return (server.address() as AddressInfo).port;
    },
    close(server) {
      open.delete(server);
      return shut(server);
    },
  };
}
