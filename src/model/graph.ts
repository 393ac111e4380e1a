/**
 * Graph operations on nodes numbered 0..n-1 (tasks of a workflow or of a workload), shared by the
 * spec checker, the performance model's replay order and the planners. Linear in nodes plus edges,
 * and nothing recurses, so that a million-task workflow with deep chains is ordered in well under a
 * second without overflowing the stack.
 *
 * Which order comes out matters: specs, replays and plans must be the same from run to run, and each
 * caller has published results that depend on its order. So the rule for choosing among ready nodes
 * is the caller's to name:
 * - `lowest-first`: the smallest number first (a min-heap), i.e. as close to declaration order as
 *   the edges allow;
 * - `first-ready`: first come, first served (a FIFO queue; the initial ready nodes by number, then in
 *   the order `successors` lists them).
 *
 * @example
 * const after = [[1], [], [0]]; // 0 comes after 1, 2 after 0
 * orderByPredecessors(after).order; // [1, 0, 2]
 * topologicalOrder(3, (i) => after[i]!.length, successorsOf(after), 'first-ready').order; // [1, 0, 2]
 */
import { MinHeap } from './min-heap.js';

const NONE: readonly number[] = [];

/** Adjacency in compressed sparse rows: the successors of i are `targets[offsets[i] .. offsets[i + 1])`. */
export interface Csr {
  offsets: Int32Array;
  targets: Int32Array;
}

/** How Kahn's algorithm picks among the nodes ready at the same time (see above). */
export type ReadyRule = 'lowest-first' | 'first-ready';

export interface TopologicalResult {
  /** Nodes in an order where each comes after all its predecessors. */
  order: number[];
  /** Nodes that could not be ordered: those on a cycle and those downstream of one, by number. */
  blocked: number[];
}

/**
 * The successors of each node (what runs after it) from each node's predecessors, as one flat array:
 * node i is listed under each of its predecessors, in increasing i, once per time it names it. A
 * predecessor that is not a node is left out (it still keeps i from ever being ready).
 */
export function successorsOf(predecessors: readonly (readonly number[])[]): Csr {
  const n = predecessors.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) for (const p of predecessors[i] ?? NONE) if (p >= 0 && p < n) offsets[p + 1]!++;
  for (let j = 0; j < n; j++) offsets[j + 1]! += offsets[j]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(offsets[n]!);
  for (let i = 0; i < n; i++) {
    for (const p of predecessors[i] ?? NONE) if (p >= 0 && p < n) targets[fill[p]!++] = i;
  }
  return { offsets, targets };
}

/**
 * Kahn's algorithm over `n` nodes: node i waits for `predecessorCount(i)` predecessors, and
 * `successors` says whom each node releases (a CSR, or a function for graphs that keep lists).
 */
export function topologicalOrder(
  n: number,
  predecessorCount: (node: number) => number,
  successors: Csr | ((node: number) => readonly number[]),
  rule: ReadyRule = 'lowest-first',
): TopologicalResult {
  const waiting = new Int32Array(n);
  for (let i = 0; i < n; i++) waiting[i] = predecessorCount(i);
  const ready = readySet(rule, n);
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  const order: number[] = [];
  const release = (s: number): void => {
    if (--waiting[s]! === 0) ready.push(s);
  };
  while (ready.size > 0) {
    const j = ready.pop();
    order.push(j);
    if (typeof successors === 'function') {
      for (const s of successors(j)) release(s);
    } else {
      for (let k = successors.offsets[j]!, end = successors.offsets[j + 1]!; k < end; k++) {
        release(successors.targets[k]!);
      }
    }
  }
  const blocked: number[] = [];
  if (order.length < n) for (let i = 0; i < n; i++) if (waiting[i]! > 0) blocked.push(i);
  return { order, blocked };
}

/**
 * The topological order of nodes given by their predecessor lists (`predecessors[i]` lists what i
 * comes after), smallest ready number first.
 *
 * @example
 * orderByPredecessors([[1], [], [0]]).order // [1, 0, 2]
 */
export function orderByPredecessors(predecessors: readonly (readonly number[])[]): TopologicalResult {
  return topologicalOrder(
    predecessors.length,
    (i) => (predecessors[i] ?? NONE).length,
    successorsOf(predecessors),
    'lowest-first',
  );
}

/** The nodes ready to be ordered, taken out by the caller's rule. */
interface ReadySet {
  readonly size: number;
  push(node: number): void;
  pop(): number;
}

function readySet(rule: ReadyRule, n: number): ReadySet {
  if (rule === 'first-ready') return new Queue(n);
  const heap = new MinHeap(n);
  return {
    get size() {
      return heap.size;
    },
    push: (node) => heap.push(node, node),
    pop: () => heap.pop(),
  };
}

/** A FIFO of node numbers; each node enters at most once, so `n` slots suffice. */
class Queue implements ReadySet {
  private readonly data: Int32Array;
  private head = 0;
  private tail = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.tail - this.head;
  }

  push(v: number): void {
    this.data[this.tail++] = v;
  }

  pop(): number {
    return this.data[this.head++]!;
  }
}
