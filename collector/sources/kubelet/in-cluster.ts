/**
 * The usual DaemonSet setup: talk to this node's kubelet on port 10250 with
 * the pod's ServiceAccount token. The kubelet's serving certificate is only
 * signed by the cluster CA when the cluster runs `serverTLSBootstrap`; kind,
 * minikube and plain kubeadm kubelets serve a self-signed one, which is what
 * `insecureSkipVerify` (metrics-server's --kubelet-insecure-tls) is for.
 */
import { isIPv6 } from 'node:net';
import { SERVICE_ACCOUNT_DIR } from '../kube/service-account.js';
import type { KubeletRequestLimits } from './kubelet-client.js';
import type { KubeletConnection } from './kubelet-source.js';

export interface InClusterKubeletOptions extends KubeletRequestLimits {
  /** The node's address, e.g. `status.hostIP` from the downward API. */
  readonly nodeAddress: string;
  /** Default 10250. */
  readonly port?: number;
  readonly insecureSkipVerify?: boolean;
  /** Prepended to the ServiceAccount paths (tests, or a chroot). */
  readonly pathPrefix?: string;
}

/**
 * @example
 * createKubeletSource({
 *   node: process.env.NODE_NAME ?? '',
 *   connection: inClusterKubeletConnection({ nodeAddress: process.env.NODE_IP ?? '', insecureSkipVerify: kind }),
 * });
 */
export function inClusterKubeletConnection(options: InClusterKubeletOptions): KubeletConnection {
  const dir = `${options.pathPrefix ?? ''}${SERVICE_ACCOUNT_DIR}`;
  const host = isIPv6(options.nodeAddress) ? `[${options.nodeAddress}]` : options.nodeAddress;
  const insecure = options.insecureSkipVerify === true;
  return {
    kind: 'direct',
    url: `https://${host}:${options.port ?? 10250}`,
    tokenFile: `${dir}/token`,
    ...(insecure ? { insecureSkipVerify: true } : { caFile: `${dir}/ca.crt` }),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  };
}
