/**
 * Graph operations on tasks numbered 0..n-1, where `deps[i]` lists the tasks i runs after.
 * Linear in tasks plus dependencies (Kahn's algorithm), so that a million-task workflow is checked
 * in well under a second; nothing here recurses, so deep chains cannot overflow the stack.
 */
import { orderByPredecessors } from '../model/index.js';
import type { TopologicalResult } from '../model/index.js';

export type { TopologicalResult } from '../model/index.js';

/**
 * Kahn's algorithm, among tasks ready at the same time the one with the smallest number (declared
 * first) first, so the order is stable and as close to declaration order as the dependencies allow.
 *
 * @example
 * topologicalOrder([[1], [], [0]]).order // [1, 0, 2]
 */
export function topologicalOrder(deps: readonly (readonly number[])[]): TopologicalResult {
  return orderByPredecessors(deps);
}

/**
 * Cycles among `blocked` tasks (from topologicalOrder), each as a list of tasks where every task
 * runs after the one before it and the last runs before the first. Each blocked task has a blocked
 * dep, so walking deps from any blocked task must come back to a task seen on the walk: a cycle.
 * Every task is walked at most once, so this is linear too. Rotated to start at its smallest task.
 */
export function findCycles(deps: readonly (readonly number[])[], blocked: readonly number[]): number[][] {
  const isBlocked = new Uint8Array(deps.length);
  for (const i of blocked) isBlocked[i] = 1;
  // 0 = not visited, w + 1 = on walk w (still open) or visited by it.
  const walkOf = new Int32Array(deps.length);
  const cycles: number[][] = [];
  let walk = 0;
  for (const startTask of blocked) {
    if (walkOf[startTask] !== 0) continue;
    walk++;
    const path: number[] = [];
    let current = startTask;
    while (walkOf[current] === 0) {
      walkOf[current] = walk;
      path.push(current);
      const next = (deps[current] ?? []).find((d) => isBlocked[d] === 1);
      if (next === undefined) break; // cannot happen for a blocked task; stay safe
      current = next;
    }
    if (walkOf[current] !== walk) continue; // ran into an earlier walk: that cycle is known
    const from = path.indexOf(current);
    // The walk followed deps (backwards in time); reverse it to read in running order.
    const cycle = path.slice(from).reverse();
    let minAt = 0;
    for (let k = 1; k < cycle.length; k++) if ((cycle[k] ?? 0) < (cycle[minAt] ?? 0)) minAt = k;
    cycles.push([...cycle.slice(minAt), ...cycle.slice(0, minAt)]);
  }
  return cycles;
}
