/** Where the in-cluster ServiceAccount credentials are mounted (a module of its own: no client-node behind it). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
