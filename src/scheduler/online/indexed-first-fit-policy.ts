/**
 * First-fit with the same decisions as {@link FirstFitPolicy}, for many nodes and long queues: it
 * never copies the node list. What it has placed in this call is kept in an overlay of the nodes it
 * touched; a cursor on the first node with a free CPU replaces the "any CPU left?" scan; and a
 * resource shape that found no node is remembered, so that a task needing at least as much of
 * everything is skipped without a scan (free capacity only shrinks within a call). A call costs
 * O(ready · remembered shapes) plus the nodes scanned to find each fit — typically a few when the
 * caller offers only nodes with a free core (as the digital twin does).
 *
 * @example
 * const placements = new IndexedFirstFitPolicy().place(ready, nodes, now);
 */
import { FreeOverlay } from './free-overlay.js';
import type { NodeView, Placement, ReadyTask, Scheduler } from '../scheduler.js';

/** At most this many shapes that did not fit are remembered per call (beyond that, tasks scan). */
const MAX_FAILED_SHAPES = 32;

export class IndexedFirstFitPolicy implements Scheduler {
  readonly name = 'first-fit';

  place(ready: readonly ReadyTask[], nodes: readonly NodeView[], _now: number): Placement[] {
    const free = new FreeOverlay(nodes);
    const freeAt = (i: number) => free.at(i);
    const len = nodes.length;
    // First node with a CPU left: only moves forward, as free CPUs only shrink within a call.
    let cursor = 0;
    while (cursor < len && !(freeAt(cursor).cpus > 0)) cursor++;
    const failed: Array<[number, number, number]> = [];
    const placements: Placement[] = [];
    for (const task of ready) {
      if (cursor >= len) break; // no node has a CPU left (FirstFitPolicy's early stop)
      const { cpus, memoryBytes, gpus } = task.resources;
      let hopeless = false;
      for (const [c, m, g] of failed) {
        if (cpus >= c && memoryBytes >= m && gpus >= g) {
          hopeless = true;
          break;
        }
      }
      if (hopeless) continue;
      // Nodes before the cursor have no CPU: they can only fit a task that asks for none.
      let i = cpus > 0 ? cursor : 0;
      for (; i < len; i++) if (free.fits(i, task.resources)) break;
      if (i >= len) {
        if (failed.length < MAX_FAILED_SHAPES) failed.push([cpus, memoryBytes, gpus]);
        continue;
      }
      const { gpuIds, left } = free.take(i, task.resources);
      placements.push({
        key: task.key,
        nodeId: nodes[i]!.id,
        gpuIds,
        reason: { policy: this.name, freeCpusAfter: left.cpus, freeMemoryAfter: left.memoryBytes },
      });
      while (cursor < len && !(freeAt(cursor).cpus > 0)) cursor++;
    }
    return placements;
  }
}
