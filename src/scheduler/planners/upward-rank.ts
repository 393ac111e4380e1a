/**
 * Upward ranks (Topcuoglu et al. 2002): the length of the critical path from a task to the exit,
 * with mean execution and mean transfer times. HEFT schedules in decreasing upward rank.
 *
 * @example
 * const ranks = upwardRanks(model); // ranks[t] = meanExec(t) + max over children c (meanComm(t, c) + ranks[c])
 */
import { topologicalOrder as kahn } from '../../model/index.js';
import type { CostModel } from './list-scheduling.js';

/**
 * Tasks in a topological order (parents first; Kahn's algorithm, first ready first: the plans
 * published depend on this order, which is not the spec's lowest-number-first).
 */
export function topologicalOrder(m: Pick<CostModel, 'tasks' | 'parents' | 'children'>): Int32Array {
  const { order } = kahn(m.tasks, (t) => m.parents(t).length, m.children, 'first-ready');
  if (order.length !== m.tasks)
    throw new RangeError(
      `the workload is not a DAG: ${m.tasks - order.length} tasks are on or behind a cycle`,
    );
  return Int32Array.from(order);
}

export function upwardRanks(m: CostModel, topo: Int32Array = topologicalOrder(m)): Float64Array {
  const rank = new Float64Array(m.tasks);
  for (let k = topo.length - 1; k >= 0; k--) {
    const t = topo[k]!;
    let tail = 0;
    for (const c of m.children(t)) tail = Math.max(tail, m.meanComm(t, c) + rank[c]!);
    rank[t] = m.meanExec(t) + tail;
  }
  return rank;
}

/**
 * Tasks by decreasing rank; ties (equal up to rounding, e.g. 80 reached as 13 + 9 + 58 and as
 * 43/3 + 23 + 42.667) keep topological order, so that a child never comes before its parent even
 * when an edge costs nothing.
 */
export function orderByRank(rank: Float64Array, topo: Int32Array): Int32Array {
  const pos = new Int32Array(topo.length);
  for (let k = 0; k < topo.length; k++) pos[topo[k]!] = k;
  const order = Int32Array.from(topo);
  order.sort((a, b) => {
    const ra = rank[a]!;
    const rb = rank[b]!;
    if (Math.abs(ra - rb) > 1e-9 * Math.max(Math.abs(ra), Math.abs(rb))) return rb - ra;
    return pos[a]! - pos[b]!;
  });
  return order;
}
