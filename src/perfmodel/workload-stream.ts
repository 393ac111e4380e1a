/**
 * A recorded workload (a WfCommons instance) as the stream of task completions a predictor would
 * have seen: each task's features, the node type it ran on, and what it measured, in chronological
 * order — by recorded start time when every task has one, otherwise in a topological order of the
 * DAG (Kahn's algorithm taking the lowest task index first, i.e. the file's order whenever that is
 * already consistent with the dependencies). A task therefore comes after all its parents, as it
 * did in the real run; the WfCommons instances at hand record no task start times.
 */
import { orderByPredecessors } from '../model/index.js';
import type { Workload } from '../model/workload.js';
import type { NodeType, TaskFeatures } from './types.js';

/** MHz of the reference core, as the WfCommons import (DEFAULT_REFERENCE_MHZ) uses. */
export const REFERENCE_MHZ = 2000;

export interface StreamItem {
  /** Index of the task in `workload.tasks`. */
  index: number;
  features: TaskFeatures;
  node: NodeType;
  runtimeS: number;
  /** Peak memory as recorded; undefined when not recorded (0 in the instance). */
  peakMemoryBytes: number | undefined;
}

export type StreamOrder = 'start-time' | 'topological';

/** Sum of the sizes of a task's input files. */
export function inputBytesOf(workload: Workload, task: number): number {
  let s = 0;
  for (const f of workload.tasks[task]?.inputs ?? []) s += workload.files[f]?.sizeBytes ?? 0;
  return s;
}

/**
 * Node type of each recorded machine: its name, speed factor MHz / reference MHz (1 when the
 * instance does not say); `unknown` (speed 1) for tasks whose machine is not recorded.
 */
export function recordedNodeTypes(workload: Workload, referenceMHz = REFERENCE_MHZ): NodeType[] {
  return (workload.recorded?.machines ?? []).map((m) => ({
    id: m.name,
    speedFactor: m.speedMHz !== null && m.speedMHz > 0 ? m.speedMHz / referenceMHz : 1,
  }));
}

export const UNKNOWN_NODE: NodeType = { id: 'unknown', speedFactor: 1 };

/** Task indices in the order described above. */
export function chronologicalOrder(workload: Workload): { order: number[]; by: StreamOrder } {
  const rec = workload.recorded;
  const n = workload.tasks.length;
  if (rec && rec.tasks.length === n && n > 0 && rec.tasks.every((t) => t.startS !== null)) {
    const order = [...Array(n).keys()].sort(
      (a, b) => (rec.tasks[a]?.startS ?? 0) - (rec.tasks[b]?.startS ?? 0) || a - b,
    );
    return { order, by: 'start-time' };
  }
  return { order: topologicalOrder(workload), by: 'topological' };
}

/** Kahn's algorithm taking the lowest task index first. */
export function topologicalOrder(workload: Workload): number[] {
  // The importer refuses cycles, so every task is in the order.
  return orderByPredecessors(workload.tasks.map((t) => t.parents)).order;
}

/**
 * The workload as a chronological stream. Declared memory is 0: WfCommons records measured peaks
 * only, and feeding them in as "declared" would leak the answer.
 */
export function workloadStream(
  workload: Workload,
  referenceMHz = REFERENCE_MHZ,
): { items: StreamItem[]; by: StreamOrder } {
  const nodes = recordedNodeTypes(workload, referenceMHz);
  const { order, by } = chronologicalOrder(workload);
  const items = order.map((i): StreamItem => {
    const t = workload.tasks[i];
    const r = workload.recorded?.tasks[i];
    const m = r?.machine ?? null;
    return {
      index: i,
      features: {
        type: t?.type ?? '',
        inputBytes: inputBytesOf(workload, i),
        cores: t?.cores ?? 1,
        memoryBytes: 0,
      },
      node: (m === null ? undefined : nodes[m]) ?? UNKNOWN_NODE,
      runtimeS: r?.runtimeS ?? 0,
      peakMemoryBytes: t !== undefined && t.memoryBytes > 0 ? t.memoryBytes : undefined,
    };
  });
  return { items, by };
}
