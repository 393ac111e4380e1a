/**
 * What the engine has handed out on each node, so that the scheduler sees true free capacity
 * without asking the executor every turn. Kept in memory only: after a restart it is rebuilt by
 * holding again for each attempt that is re-attached.
 */
import type { NodeInfo, Resources } from '../model/index.js';
import { fitsCapacity } from '../scheduler/index.js';
import type { NodeView } from '../scheduler/index.js';

interface Free {
  cpus: number;
  memoryBytes: number;
  gpuIds: number[];
}

/** Resources of one placed attempt: where, how much, and which GPUs. */
export interface Allocation {
  nodeId: string;
  resources: Resources;
  gpuIds: number[];
}

export class CapacityLedger {
  private nodes: NodeInfo[] = [];
  private readonly free = new Map<string, Free>();

  /** Starts from the executor's nodes, all free. */
  setNodes(nodes: NodeInfo[]): void {
    this.nodes = nodes;
    for (const n of nodes) {
      this.free.set(n.id, {
        cpus: n.capacity.cpus,
        memoryBytes: n.capacity.memoryBytes,
        gpuIds: [...n.capacity.gpuIds],
      });
    }
  }

  /** Nodes the engine places work on, with what is free on each now. */
  views(): NodeView[] {
    return this.nodes.map((n) => ({ id: n.id, capacity: n.capacity, free: this.free.get(n.id)! }));
  }

  /** CPUs held by attempts, out of the total. */
  cpus(): { usedCpus: number; totalCpus: number } {
    let total = 0;
    let free = 0;
    for (const n of this.nodes) {
      total += n.capacity.cpus;
      free += this.free.get(n.id)?.cpus ?? 0;
    }
    return { usedCpus: total - free, totalCpus: total };
  }

  freeCpus(): number {
    let freeCpus = 0;
    for (const f of this.free.values()) freeCpus += f.cpus;
    return freeCpus;
  }

  /** Whether some node could ever run this request (an empty one). */
  fitsSomeNode(r: Resources): boolean {
    return this.nodes.some((n) => fitsCapacity(r, n.capacity));
  }

  /** The most memory any node has: an out-of-memory retry never asks for more. */
  largestMemoryBytes(): number {
    return Math.max(0, ...this.nodes.map((n) => n.capacity.memoryBytes));
  }

  /** Where a re-attached attempt whose record names no node is counted. */
  defaultNodeId(): string {
    return this.nodes[0]?.id ?? 'local';
  }

  /** Counts an attempt's resources as taken on its node (a node the executor did not list is ignored). */
  hold(alloc: Allocation): void {
    const free = this.free.get(alloc.nodeId);
    if (!free) return;
    const r = alloc.resources;
    free.cpus -= r.cpus;
    free.memoryBytes -= r.memoryBytes;
    free.gpuIds = free.gpuIds.filter((g) => !alloc.gpuIds.includes(g));
  }

  release(alloc: Allocation): void {
    const free = this.free.get(alloc.nodeId);
    if (!free) return;
    const r = alloc.resources;
    free.cpus += r.cpus;
    free.memoryBytes += r.memoryBytes;
    free.gpuIds = [...free.gpuIds, ...alloc.gpuIds].sort((a, b) => a - b);
  }

  /** Why a task fits no node, for its `failed` event. */
  unschedulable(r: Resources): string {
    const largest = this.nodes.reduce(
      (m, n) => ({
        cpus: Math.max(m.cpus, n.capacity.cpus),
        memoryBytes: Math.max(m.memoryBytes, n.capacity.memoryBytes),
        gpus: Math.max(m.gpus, n.capacity.gpuIds.length),
      }),
      { cpus: 0, memoryBytes: 0, gpus: 0 },
    );
    return (
      `unschedulable: needs ${r.cpus} CPUs, ${r.memoryBytes} bytes of memory and ${r.gpus} GPUs; ` +
      `the largest node offers ${largest.cpus} CPUs, ${largest.memoryBytes} bytes and ${largest.gpus} GPUs`
    );
  }
}
