/**
 * node:http, loaded with require rather than an ES import. An ES import of
 * node:http makes Node build the module's namespace from every export, and
 * its lazy exports load http2, the bundled undici and web streams: 13 MB of
 * RSS (Node 24.21 at rest: 58 MB with `import 'node:http'`, 45 MB with
 * require) in a collector that uses none of them and must stay under 80 MB.
 * Import node:http's values from here; type-only imports of it cost nothing.
 */
import type * as NodeHttp from 'node:http';
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof NodeHttp;
