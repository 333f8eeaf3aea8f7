/**
 * Kubernetes resource quantities ("100m", "70Mi", "474095688Ki", "1e3") as
 * plain numbers. kube-state-metrics reports CPU in cores and everything else
 * in base units, so "100m" is 0.1 and "70Mi" is 73400320.
 */

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity's value in base units, or undefined when `text` is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return Number(`${m[1]}${m[2]}`);
  const suffix = m[3] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined ? undefined : base * factor;
}

export type ResourceUnit = 'core' | 'byte' | 'integer';

/**
 * kube-state-metrics' unit for a resource name: cores for CPU, bytes for
 * memory, storage and huge pages, and a plain count for everything else
 * (pods, extended resources such as nvidia.com/gpu).
 */
export function resourceUnit(resource: string): ResourceUnit {
  if (resource === 'cpu') return 'core';
  if (resource === 'memory' || resource === 'storage' || resource === 'ephemeral-storage') return 'byte';
  if (resource.startsWith('hugepages-') || resource.startsWith('attachable-volumes-')) return 'byte';
  return 'integer';
}

/** "ephemeral-storage" → "ephemeral_storage", "nvidia.com/gpu" → "nvidia_com_gpu", as kube-state-metrics labels them. */
export function sanitizeResourceName(resource: string): string {
  return resource.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * A quantity as kube-state-metrics reports it: CPU keeps its fraction (millicores),
 * byte and count quantities round up to a whole number like Quantity.Value() does.
 */
export function resourceValue(resource: string, quantity: string): number | undefined {
  const v = parseQuantity(quantity);
  if (v === undefined) return undefined;
  return resourceUnit(resource) === 'core' ? Math.ceil(v * 1000 - 1e-9) / 1000 : Math.ceil(v - 1e-9);
}
