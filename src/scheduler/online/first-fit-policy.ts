/**
 * First-fit: tasks in the order given (FIFO), each on the first node where it fits now. The
 * baseline every other policy is measured against.
 */
import type { NodeView, Placement, ReadyTask, Scheduler } from '../scheduler.js';

export class FirstFitPolicy implements Scheduler {
  readonly name = 'first-fit';

  place(ready: readonly ReadyTask[], nodes: readonly NodeView[], _now: number): Placement[] {
    const free = nodes.map((n) => ({
      id: n.id,
      cpus: n.free.cpus,
      memoryBytes: n.free.memoryBytes,
      gpuIds: [...n.free.gpuIds],
    }));
    const placements: Placement[] = [];
    for (const task of ready) {
      // Once no node has a CPU left, nothing more can be placed: stop scanning a long queue.
      if (!free.some((n) => n.cpus > 0)) break;
      const { cpus, memoryBytes, gpus } = task.resources;
      const node = free.find(
        (n) => n.cpus >= cpus && n.memoryBytes >= memoryBytes && n.gpuIds.length >= gpus,
      );
      if (!node) continue;
      node.cpus -= cpus;
      node.memoryBytes -= memoryBytes;
      const gpuIds = node.gpuIds.splice(0, gpus);
      placements.push({
        key: task.key,
        nodeId: node.id,
        gpuIds,
        reason: { policy: this.name, freeCpusAfter: node.cpus, freeMemoryAfter: node.memoryBytes },
      });
    }
    return placements;
  }
}
