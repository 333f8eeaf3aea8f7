/**
 * Optional protection of the endpoints that change data (remote write, admin):
 * a bearer token and/or HTTP basic credentials. Reads stay open, as in
 * Prometheus, where the whole server is either protected or not.
 */
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

export interface WriteAuth {
  readonly bearerToken?: string;
  readonly basic?: { readonly username: string; readonly password: string };
}

// Hash both sides so the comparison takes the same time whatever the lengths.
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export function isAuthorized(auth: WriteAuth, header: string | undefined): boolean {
  if (header === undefined) return false;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const credentials = rest.join(' ');
  if (auth.bearerToken !== undefined && scheme.toLowerCase() === 'bearer') return same(credentials, auth.bearerToken);
  if (auth.basic !== undefined && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // Evaluate both comparisons so a wrong user name takes as long as a wrong password.
    const userOk = same(decoded.slice(0, colon), auth.basic.username);
    const passOk = same(decoded.slice(colon + 1), auth.basic.password);
    return userOk && passOk;
  }
  return false;
}

/** Middleware answering 401 (with the error shape of the endpoint family) unless the request carries valid credentials. */
export function requireWriteAuth(auth: WriteAuth | undefined, style: 'json' | 'text') {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!auth || (auth.bearerToken === undefined && auth.basic === undefined)) return next();
    if (isAuthorized(auth, req.headers.authorization)) return next();
    const challenges = [
      auth.bearerToken !== undefined ? 'Bearer realm="kubepulse"' : '',
      auth.basic ? 'Basic realm="kubepulse"' : '',
    ].filter(Boolean);
    res.setHeader('WWW-Authenticate', challenges.join(', '));
    const message = 'unauthorized: this endpoint needs valid credentials in the Authorization header';
    if (style === 'text')
      res
        .status(401)
        .type('text/plain')
        .send(message + '\n');
    else
      res
        .status(401)
        .type('application/json')
        .send(JSON.stringify({ status: 'error', errorType: 'unauthorized', error: message }));
  };
}
