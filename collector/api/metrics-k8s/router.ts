/**
 * The metrics.k8s.io/v1beta1 aggregated API (what metrics-server serves):
 * discovery, NodeMetrics and PodMetrics lists and gets, with Kubernetes'
 * list envelopes and Status errors.
 */
import { Router, type Response } from 'express';
import type { ResourceMetrics } from './resource-metrics.js';
import { sendStatus } from './status.js';

const GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const GV = `${GROUP}/${VERSION}`;
const BASE = `/apis/${GV}`;

const status = (res: Response, code: number, reason: string, message: string): void => sendStatus(res, code, reason, message);

export function createMetricsApiRouter(metrics: ResourceMetrics): Router {
  const router = Router();
  const handle =
    (fn: (req: { params: Record<string, string> }) => Promise<unknown>) =>
    (req: { params: Record<string, string> }, res: Response): void => {
      fn(req).then(
        (body) => {
          if (body === undefined) return;
          res.json(body);
        },
        (e: unknown) => status(res, 500, 'InternalError', `unable to fetch metrics: ${e instanceof Error ? e.message : String(e)}`),
      );
    };

  router.get('/apis', (_req, res) => {
    res.json({ kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup()] });
  });
  router.get(`/apis/${GROUP}`, (_req, res) => void res.json(apiGroup()));
  router.get(BASE, (_req, res) => {
    res.json({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: GV,
      resources: [
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
    });
  });
  router.get(
    `${BASE}/nodes`,
    handle(async () => ({ kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items: await metrics.nodes() })),
  );
  router.get(`${BASE}/nodes/:name`, (req, res) => {
    metrics.nodes(req.params.name).then(
      (items) => {
        const first = items[0];
        if (!first) status(res, 404, 'NotFound', `nodemetrics.metrics.k8s.io "${req.params.name}" not found`);
        else res.json(node(first));
      },
      (e: unknown) => status(res, 500, 'InternalError', `unable to fetch metrics: ${String(e)}`),
    );
  });
  router.get(
    `${BASE}/pods`,
    handle(async () => ({ kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items: await metrics.pods() })),
  );
  router.get(
    `${BASE}/namespaces/:namespace/pods`,
    handle(async (req) => ({ kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items: await metrics.pods(req.params.namespace) })),
  );
  router.get(`${BASE}/namespaces/:namespace/pods/:name`, (req, res) => {
    metrics.pods(req.params.namespace, req.params.name).then(
      (items) => {
        const first = items[0];
        if (!first) status(res, 404, 'NotFound', `podmetrics.metrics.k8s.io "${req.params.namespace}/${req.params.name}" not found`);
        else res.json(pod(first));
      },
      (e: unknown) => status(res, 500, 'InternalError', `unable to fetch metrics: ${String(e)}`),
    );
  });
  return router;
}

function apiGroup() {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: GROUP,
    versions: [{ groupVersion: GV, version: VERSION }],
    preferredVersion: { groupVersion: GV, version: VERSION },
  };
}

const node = <T extends object>(n: T) => ({ kind: 'NodeMetrics', apiVersion: GV, ...n });
const pod = <T extends object>(p: T) => ({ kind: 'PodMetrics', apiVersion: GV, ...p });
