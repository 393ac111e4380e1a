/**
 * Graph operations on tasks numbered 0..n-1, where `deps[i]` lists the tasks i runs after.
 * Linear in tasks plus dependencies (Kahn's algorithm), so that a million-task workflow is checked
 * in well under a second; nothing here recurses, so deep chains cannot overflow the stack.
 */

export interface TopologicalResult {
  /** Tasks in an order where each comes after all its deps; the smallest ready number first. */
  order: number[];
  /** Tasks that could not be ordered: those on a cycle and those downstream of one. */
  blocked: number[];
}

/**
 * Kahn's algorithm with a min-heap for the ready set: among tasks ready at the same time, the one
 * with the smallest number (declared first) goes first, so the order is stable and as close to
 * declaration order as the dependencies allow.
 *
 * @example
 * topologicalOrder([[1], [], [0]]).order // [1, 0, 2]
 */
export function topologicalOrder(deps: readonly (readonly number[])[]): TopologicalResult {
  const n = deps.length;
  const indegree = new Int32Array(n);
  const dependentCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const d = deps[i] ?? [];
    indegree[i] = d.length;
    for (const j of d) dependentCount[j + 1] = (dependentCount[j + 1] ?? 0) + 1;
  }
  // Dependents as one flat array (CSR): dependents of j are flat[start[j] .. start[j+1]).
  const start = dependentCount;
  for (let j = 0; j < n; j++) start[j + 1] = (start[j + 1] ?? 0) + (start[j] ?? 0);
  const fill = start.slice(0, n);
  const flat = new Int32Array(start[n] ?? 0);
  for (let i = 0; i < n; i++) {
    for (const j of deps[i] ?? []) {
      const at = fill[j] ?? 0;
      flat[at] = i;
      fill[j] = at + 1;
    }
  }

  const heap = new MinHeap(n);
  for (let i = 0; i < n; i++) if (indegree[i] === 0) heap.push(i);
  const order: number[] = [];
  while (heap.size > 0) {
    const j = heap.pop();
    order.push(j);
    for (let k = start[j] ?? 0, end = start[j + 1] ?? 0; k < end; k++) {
      const i = flat[k] ?? 0;
      indegree[i] = (indegree[i] ?? 0) - 1;
      if (indegree[i] === 0) heap.push(i);
    }
  }
  const blocked: number[] = [];
  if (order.length < n) for (let i = 0; i < n; i++) if ((indegree[i] ?? 0) > 0) blocked.push(i);
  return { order, blocked };
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

/** A binary min-heap of task numbers, preallocated. */
class MinHeap {
  private readonly data: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(1, capacity));
  }

  push(v: number): void {
    const a = this.data;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] ?? 0;
      if (p <= v) break;
      a[i] = p;
      i = parent;
    }
    a[i] = v;
  }

  pop(): number {
    const a = this.data;
    const top = a[0] ?? 0;
    const last = a[--this.size] ?? 0;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && (a[r] ?? 0) < (a[l] ?? 0) ? r : l;
      if ((a[c] ?? 0) >= last) break;
      a[i] = a[c] ?? 0;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
