/**
 * May this user do this? Asked of the kube-apiserver with a SubjectAccessReview
 * (authorization.k8s.io/v1), as k8s.io/apiserver's delegated authorizer does
 * for metrics-server, with its cache: answers are kept 10 s (allowed and
 * denied alike), so `kubectl top` in a loop costs one review per 10 s.
 */
import { err, ok, type Result } from '../../result.js';
import type { UserInfo } from './authenticate.js';

const GROUP = 'metrics.k8s.io';

export type RequestAttributes =
  | {
      readonly kind: 'resource';
      readonly verb: 'get' | 'list' | 'watch';
      readonly resource: 'nodes' | 'pods';
      readonly version: string;
      readonly namespace?: string;
      readonly name?: string;
    }
  | { readonly kind: 'non-resource'; readonly path: string; readonly verb: string };

/** The request's attributes as the kube-apiserver's RequestInfo would name them. */
export function requestAttributes(method: string, path: string, watch: boolean): RequestAttributes {
  const verb = method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase();
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'apis' && parts[1] === GROUP && parts[2] !== undefined && parts.length > 3) {
    const version = parts[2];
    let rest = parts.slice(3);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const resource = rest[0];
    if ((resource === 'nodes' || resource === 'pods') && rest.length <= 2) {
      const name = rest[1];
      const v = watch ? 'watch' : name === undefined ? 'list' : 'get';
      return {
        kind: 'resource',
        verb: v,
        resource,
        version,
        ...(namespace !== undefined ? { namespace } : {}),
        ...(name !== undefined ? { name } : {}),
      };
    }
  }
  return { kind: 'non-resource', path, verb };
}

export interface SubjectAccessReviewSpec {
  readonly user: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  readonly nonResourceAttributes?: Readonly<Record<string, string>>;
}

export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** POSTs a SubjectAccessReview and returns its status; the seam tests replace with a closure. */
export type SubjectAccessReviewFn = (spec: SubjectAccessReviewSpec) => Promise<Result<Decision, string>>;

export function reviewSpec(user: UserInfo, a: RequestAttributes): SubjectAccessReviewSpec {
  const base = { user: user.username, groups: user.groups, extra: user.extra };
  if (a.kind === 'non-resource') return { ...base, nonResourceAttributes: { path: a.path, verb: a.verb } };
  return {
    ...base,
    resourceAttributes: {
      verb: a.verb,
      group: GROUP,
      version: a.version,
      resource: a.resource,
      ...(a.namespace !== undefined ? { namespace: a.namespace } : {}),
      ...(a.name !== undefined ? { name: a.name } : {}),
    },
  };
}

export interface Authorizer {
  authorize(user: UserInfo, attributes: RequestAttributes): Promise<Result<Decision, string>>;
}

export interface CachingAuthorizerOptions {
  readonly review: SubjectAccessReviewFn;
  readonly clock?: () => number;
  readonly allowedTtlMs?: number;
  readonly deniedTtlMs?: number;
  /** Past this many entries the cache starts over, so many distinct users cannot grow it without bound. */
  readonly maxEntries?: number;
}

export function cachingAuthorizer(o: CachingAuthorizerOptions): Authorizer {
  const clock = o.clock ?? Date.now;
  const cache = new Map<string, { decision: Decision; expires: number }>();
  return {
    async authorize(user, attributes) {
      const spec = reviewSpec(user, attributes);
      const key = JSON.stringify(spec);
      const hit = cache.get(key);
      if (hit && hit.expires > clock()) return ok(hit.decision);
      const r = await o.review(spec);
      // Failures are not cached: the next request asks again.
      if (!r.ok) return err(r.error);
      if (cache.size >= (o.maxEntries ?? 10_000)) cache.clear();
      const ttl = r.value.allowed ? (o.allowedTtlMs ?? 10_000) : (o.deniedTtlMs ?? 10_000);
      cache.set(key, { decision: r.value, expires: clock() + ttl });
      return ok(r.value);
    },
  };
}
