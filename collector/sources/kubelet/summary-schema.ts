/**
 * The part of the kubelet's `/stats/summary` (k8s.io/kubelet/pkg/apis/stats/v1alpha1)
 * that kubepulse reads. Almost every field is `omitempty` in Go and missing
 * while a container starts, so nearly everything is optional; unknown fields
 * (PSI, swap, accelerators) are ignored, not rejected.
 */
import { s, type Infer } from '../../schema/index.js';

const Timestamp = s.string().optional();

const CpuStats = s.object({
  time: Timestamp,
  usageNanoCores: s.number().optional(),
  usageCoreNanoSeconds: s.number().optional(),
});

const MemoryStats = s.object({
  time: Timestamp,
  availableBytes: s.number().optional(),
  usageBytes: s.number().optional(),
  workingSetBytes: s.number().optional(),
  rssBytes: s.number().optional(),
});

const InterfaceStats = s.object({
  name: s.string(),
  rxBytes: s.number().optional(),
  rxErrors: s.number().optional(),
  txBytes: s.number().optional(),
  txErrors: s.number().optional(),
});

const NetworkStats = s.object({
  time: Timestamp,
  name: s.string().optional(),
  rxBytes: s.number().optional(),
  rxErrors: s.number().optional(),
  txBytes: s.number().optional(),
  txErrors: s.number().optional(),
  interfaces: s.array(InterfaceStats).optional(),
});

const FsStats = s.object({
  time: Timestamp,
  availableBytes: s.number().optional(),
  capacityBytes: s.number().optional(),
  usedBytes: s.number().optional(),
  inodesFree: s.number().optional(),
  inodes: s.number().optional(),
  inodesUsed: s.number().optional(),
});

const ContainerStats = s.object({
  name: s.string(),
  startTime: Timestamp,
  cpu: CpuStats.optional(),
  memory: MemoryStats.optional(),
  rootfs: FsStats.optional(),
  logs: FsStats.optional(),
});

const PodStats = s.object({
  podRef: s.object({ name: s.string(), namespace: s.string(), uid: s.string() }),
  startTime: Timestamp,
  containers: s.array(ContainerStats).nullish(),
  cpu: CpuStats.optional(),
  memory: MemoryStats.optional(),
  network: NetworkStats.optional(),
  'ephemeral-storage': FsStats.optional(),
});

const NodeStats = s.object({
  nodeName: s.string(),
  startTime: Timestamp,
  cpu: CpuStats.optional(),
  memory: MemoryStats.optional(),
  network: NetworkStats.optional(),
  fs: FsStats.optional(),
});

export const SummarySchema = s.object({
  node: NodeStats,
  pods: s.array(PodStats).nullish(),
});

export type Summary = Infer<typeof SummarySchema>;
export type SummaryPod = Infer<typeof PodStats>;
export type SummaryContainer = Infer<typeof ContainerStats>;
export type SummaryCpu = Infer<typeof CpuStats>;
export type SummaryMemory = Infer<typeof MemoryStats>;
export type SummaryNetwork = Infer<typeof NetworkStats>;
export type SummaryFs = Infer<typeof FsStats>;
