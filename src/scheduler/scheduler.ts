/**
 * The `Scheduler` contract: a pure function from ready tasks and a view of the nodes to placements.
 * The same code runs in the engine and in the digital twin, so it must never do I/O or read the
 * clock (time comes in as `now`), and must not mutate its inputs.
 *
 * @example
 * const placements = new FirstFitPolicy().place(ready, nodes, Date.now());
 */
import type { NodeCapacity, Resources } from '../model/index.js';

export interface ReadyTask {
  /** Opaque key the caller uses to find the task again (e.g. `${workflowId}/${idx}`). */
  key: string;
  resources: Resources;
}

export interface NodeView {
  id: string;
  capacity: NodeCapacity;
  /** What is still free on the node now. */
  free: { cpus: number; memoryBytes: number; gpuIds: number[] };
}

export interface Placement {
  key: string;
  nodeId: string;
  /** The GPUs this task gets, one task per GPU. */
  gpuIds: number[];
  /** The scores or facts that decided it, so that a person can see why. */
  reason: Record<string, number | string>;
  /**
   * Run the task's cores at this CPU frequency (a DVFS level of the node's type) rather than the
   * nominal one; absent = nominal.
   */
  cpuFrequencyHz?: number;
}

export interface Scheduler {
  readonly name: string;
  /**
   * Places as many of `ready` as fit now, in the policy's order of preference; tasks not returned
   * wait for the next call. Placements never exceed any node's free capacity, taken together.
   */
  place(ready: readonly ReadyTask[], nodes: readonly NodeView[], now: number): Placement[];
  /**
   * Optional: when a scheduler holds ready tasks back on purpose (e.g. until a planned start), the
   * earliest time after `now` at which it may place one of them although nothing else changed; the
   * caller calls `place` again then. Undefined: nothing is held back for a time.
   */
  nextWakeAt?(now: number): number | undefined;
}

/** Whether `resources` could ever fit on a node of this capacity (when it is empty). */
export function fitsCapacity(resources: Resources, capacity: NodeCapacity): boolean {
  return (
    resources.cpus <= capacity.cpus &&
    resources.memoryBytes <= capacity.memoryBytes &&
    resources.gpus <= capacity.gpuIds.length
  );
}
