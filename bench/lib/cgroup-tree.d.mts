// Types of cgroup-tree.mjs, for the tests that use its stand-in /proc.
export declare const V2_MOUNTINFO: string;
export declare function buildKubeTree(dir: string, options?: { pods?: number; containers?: number }): string;
export declare function buildKubeNode(
  dir: string,
  options?: { pods?: number; containers?: number },
): {
  cgroupRoot: string;
  pods: { uid: string; qos: 'burstable' | 'besteffort' | 'guaranteed'; containerIds: string[] }[];
};
export declare function buildProcDir(dir: string, mountinfo?: string): string;
