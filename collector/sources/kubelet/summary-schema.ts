/**
 * The part of the kubelet's `/stats/summary` (k8s.io/kubelet/pkg/apis/stats/v1alpha1)
 * that kubepulse reads. Almost every field is `omitempty` in Go and missing
 * while a container starts, so nearly everything is optional; unknown fields
 * (PSI, swap, accelerators) are ignored, not rejected.
 */
import { z } from 'zod';

const Timestamp = z.string().optional();

const CpuStats = z.object({
  time: Timestamp,
  usageNanoCores: z.number().optional(),
  usageCoreNanoSeconds: z.number().optional(),
});

const MemoryStats = z.object({
  time: Timestamp,
  availableBytes: z.number().optional(),
  usageBytes: z.number().optional(),
  workingSetBytes: z.number().optional(),
  rssBytes: z.number().optional(),
});

const InterfaceStats = z.object({
  name: z.string(),
  rxBytes: z.number().optional(),
  rxErrors: z.number().optional(),
  txBytes: z.number().optional(),
  txErrors: z.number().optional(),
});

const NetworkStats = z.object({
  time: Timestamp,
  name: z.string().optional(),
  rxBytes: z.number().optional(),
  rxErrors: z.number().optional(),
  txBytes: z.number().optional(),
  txErrors: z.number().optional(),
  interfaces: z.array(InterfaceStats).optional(),
});

const FsStats = z.object({
  time: Timestamp,
  availableBytes: z.number().optional(),
  capacityBytes: z.number().optional(),
  usedBytes: z.number().optional(),
  inodesFree: z.number().optional(),
  inodes: z.number().optional(),
  inodesUsed: z.number().optional(),
});

const ContainerStats = z.object({
  name: z.string(),
  startTime: Timestamp,
  cpu: CpuStats.optional(),
  memory: MemoryStats.optional(),
  rootfs: FsStats.optional(),
  logs: FsStats.optional(),
});

const PodStats = z.object({
  podRef: z.object({ name: z.string(), namespace: z.string(), uid: z.string() }),
  startTime: Timestamp,
  containers: z.array(ContainerStats).nullish(),
  cpu: CpuStats.optional(),
  memory: MemoryStats.optional(),
  network: NetworkStats.optional(),
  'ephemeral-storage': FsStats.optional(),
});

const NodeStats = z.object({
  nodeName: z.string(),
  startTime: Timestamp,
  cpu: CpuStats.optional(),
  memory: MemoryStats.optional(),
  network: NetworkStats.optional(),
  fs: FsStats.optional(),
});

export const SummarySchema = z.object({
  node: NodeStats,
  pods: z.array(PodStats).nullish(),
});

export type Summary = z.infer<typeof SummarySchema>;
export type SummaryPod = z.infer<typeof PodStats>;
export type SummaryContainer = z.infer<typeof ContainerStats>;
export type SummaryCpu = z.infer<typeof CpuStats>;
export type SummaryMemory = z.infer<typeof MemoryStats>;
export type SummaryNetwork = z.infer<typeof NetworkStats>;
export type SummaryFs = z.infer<typeof FsStats>;
