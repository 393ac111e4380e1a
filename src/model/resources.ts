/** Resources a task asks for and a node offers. Memory is in bytes everywhere inside Strata. */

export interface Resources {
  cpus: number;
  memoryBytes: number;
  gpus: number;
}

export interface NodeCapacity {
  cpus: number;
  memoryBytes: number;
  /** GPU indices this node offers (as the driver numbers them); `gpus.length` is the count. */
  gpuIds: number[];
}

/** A node as an executor offers it. */
export interface NodeInfo {
  id: string;
  executor: string;
  capacity: NodeCapacity;
  labels: Record<string, string>;
}

export const DEFAULT_RESOURCES: Readonly<Resources> = { cpus: 1, memoryBytes: 0, gpus: 0 };
