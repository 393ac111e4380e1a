/**
 * Indexes of the nodes of a platform, so that a policy never scans 10,000 nodes per task.
 *
 * - {@link NodeTimeIndex} (static planning): each node's cores carry the time they become free; per
 *   node type and per core demand c, a min-heap keyed by "when c cores of this node are free" gives
 *   the earliest node of a type in O(log n) (stale entries are dropped lazily).
 * - {@link FreeCoreIndex} (online use): per node type, nodes bucketed by their free cores, so that
 *   "a node of type X with ≥ c free cores" (best fit: the fullest that fits) is O(cores of X).
 *
 * Nodes are numbered by ordinal: the nodes of `nodeTypes[0]` first, then those of `nodeTypes[1]`, ...
 * Only cores are tracked over time; memory and GPUs are checked per task against the node type.
 *
 * @example
 * const index = new NodeTimeIndex(platform.nodeTypes);
 * const { node, at } = index.earliest(type, cores);
 * index.place(node, cores, start, finish);
 */
import type { NodeType } from '../../model/index.js';

/** Binary min-heap of (key, node, version), ties broken by the lower node. */
class NodeHeap {
  keys: number[] = [];
  nodes: number[] = [];
  versions: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private less(i: number, j: number): boolean {
    const a = this.keys[i]!;
    const b = this.keys[j]!;
    return a < b || (a === b && this.nodes[i]! < this.nodes[j]!);
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = k;
    const n = this.nodes[i]!;
    this.nodes[i] = this.nodes[j]!;
    this.nodes[j] = n;
    const v = this.versions[i]!;
    this.versions[i] = this.versions[j]!;
    this.versions[j] = v;
  }

  push(key: number, node: number, version: number): void {
    this.keys.push(key);
    this.nodes.push(node);
    this.versions.push(version);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.nodes.pop();
    this.versions.pop();
    const n = this.keys.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

/** When the cores of every node become free, for static (planned-ahead) scheduling. */
export class NodeTimeIndex {
  /** First node ordinal of each type (and the total node count at the end). */
  readonly typeOffset: Int32Array;
  private readonly typeOfNode: Int32Array;
  private readonly coresOfType: Int32Array;
  /** Per node, its cores' free-at times sorted ascending, at `slot[node]`. */
  private readonly freeAt: Float64Array;
  private readonly slot: Float64Array;
  private readonly version: Int32Array;
  /** Per type, a heap per core demand c (index c). */
  private readonly heaps: Array<Array<NodeHeap | undefined>>;

  constructor(readonly types: readonly NodeType[]) {
    this.typeOffset = new Int32Array(types.length + 1);
    types.forEach((t, i) => (this.typeOffset[i + 1] = this.typeOffset[i]! + t.count));
    const nodes = this.typeOffset[types.length]!;
    this.typeOfNode = new Int32Array(nodes);
    this.coresOfType = Int32Array.from(types, (t) => t.cores);
    this.slot = new Float64Array(nodes + 1);
    for (let ty = 0; ty < types.length; ty++)
      for (let n = this.typeOffset[ty]!; n < this.typeOffset[ty + 1]!; n++) {
        this.typeOfNode[n] = ty;
        this.slot[n + 1] = this.slot[n]! + types[ty]!.cores;
      }
    this.freeAt = new Float64Array(this.slot[nodes]!);
    this.version = new Int32Array(nodes);
    this.heaps = types.map(() => []);
  }

  get nodeCount(): number {
    return this.typeOfNode.length;
  }

  typeOf(node: number): number {
    return this.typeOfNode[node]!;
  }

  coresOf(node: number): number {
    return this.coresOfType[this.typeOfNode[node]!]!;
  }

  /** `${type id}#${index within the type}`, as `PlatformNode.id`. */
  nodeId(node: number): string {
    const ty = this.typeOfNode[node]!;
    return `${this.types[ty]!.id}#${node - this.typeOffset[ty]!}`;
  }

  /** When `cores` cores of `node` are all free. */
  freeTime(node: number, cores: number): number {
    return this.freeAt[this.slot[node]! + cores - 1]!;
  }

  /** The node of `type` where `cores` cores are free soonest, and when; undefined if none can. */
  earliest(type: number, cores: number): { node: number; at: number } | undefined {
    if (cores > this.coresOfType[type]! || this.typeOffset[type + 1] === this.typeOffset[type])
      return undefined;
    const heap = this.heapFor(type, cores);
    while (heap.versions[0] !== this.version[heap.nodes[0]!]) heap.pop();
    return { node: heap.nodes[0]!, at: heap.keys[0]! };
  }

  /**
   * Books `cores` cores of `node` from `start` to `finish` (`start` ≥ `freeTime(node, cores)`): the
   * cores that are free soonest, so that a later, smaller task can still use the others.
   */
  place(node: number, cores: number, start: number, finish: number): void {
    const base = this.slot[node]!;
    const end = this.slot[node + 1]!;
    if (start < this.freeAt[base + cores - 1]!)
      throw new RangeError(`node ${this.nodeId(node)} has no ${cores} free cores at ${start}`);
    // The first `cores` entries become `finish`; merge them back into the sorted tail.
    let i = base;
    for (let j = base + cores; j < end && this.freeAt[j]! < finish; j++) this.freeAt[i++] = this.freeAt[j]!;
    for (let k = 0; k < cores; k++) this.freeAt[i++] = finish;
    const v = ++this.version[node]!;
    const ty = this.typeOfNode[node]!;
    const heaps = this.heaps[ty]!;
    const count = this.typeOffset[ty + 1]! - this.typeOffset[ty]!;
    for (let c = 1; c < heaps.length; c++) {
      const heap = heaps[c];
      if (!heap) continue;
      if (heap.size > 4 * count + 64) heaps[c] = this.build(ty, c);
      else heap.push(this.freeAt[base + c - 1]!, node, v);
    }
  }

  private heapFor(type: number, cores: number): NodeHeap {
    const heaps = this.heaps[type]!;
    let heap = heaps[cores];
    if (!heap) heaps[cores] = heap = this.build(type, cores);
    return heap;
  }

  private build(type: number, cores: number): NodeHeap {
    const heap = new NodeHeap();
    for (let n = this.typeOffset[type]!; n < this.typeOffset[type + 1]!; n++)
      heap.push(this.freeTime(n, cores), n, this.version[n]!);
    return heap;
  }
}

/** Free cores of every node now, for online placement (`Scheduler.place`). */
export class FreeCoreIndex {
  readonly typeOffset: Int32Array;
  private readonly typeOfNode: Int32Array;
  private readonly free: Int32Array;
  /** Per type, per free-core count, the set of nodes with exactly that many free cores. */
  private readonly buckets: Array<Array<Set<number>>>;

  constructor(readonly types: readonly NodeType[]) {
    this.typeOffset = new Int32Array(types.length + 1);
    types.forEach((t, i) => (this.typeOffset[i + 1] = this.typeOffset[i]! + t.count));
    const nodes = this.typeOffset[types.length]!;
    this.typeOfNode = new Int32Array(nodes);
    this.free = new Int32Array(nodes);
    this.buckets = types.map((t, ty) => {
      const b = Array.from({ length: t.cores + 1 }, () => new Set<number>());
      for (let n = this.typeOffset[ty]!; n < this.typeOffset[ty + 1]!; n++) {
        this.typeOfNode[n] = ty;
        this.free[n] = t.cores;
        b[t.cores]!.add(n);
      }
      return b;
    });
  }

  freeCores(node: number): number {
    return this.free[node]!;
  }

  /** Takes `cores` cores on the node of `type` with the fewest free cores ≥ `cores` (best fit); -1 if none. */
  take(type: number, cores: number): number {
    const b = this.buckets[type]!;
    for (let f = Math.max(cores, 0); f < b.length; f++) {
      const set = b[f]!;
      if (set.size === 0) continue;
      const node = set.values().next().value as number;
      this.move(node, f - cores);
      return node;
    }
    return -1;
  }

  /** Gives back `cores` cores of `node` when a task ends. */
  release(node: number, cores: number): void {
    const cap = this.types[this.typeOfNode[node]!]!.cores;
    const f = this.free[node]! + cores;
    if (f > cap) throw new RangeError(`node ${node} would have ${f} free cores, it has ${cap}`);
    this.move(node, f);
  }

  private move(node: number, to: number): void {
    const b = this.buckets[this.typeOfNode[node]!]!;
    b[this.free[node]!]!.delete(node);
    b[to]!.add(node);
    this.free[node] = to;
  }
}
