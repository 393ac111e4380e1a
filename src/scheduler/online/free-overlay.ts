/**
 * Free capacity of the offered nodes as a `Scheduler.place` call hands it out: a node's view is
 * copied only when a placement first touches it, so a call over 10,000 nodes copies a handful.
 *
 * @example
 * const free = new FreeOverlay(nodes);
 * if (free.at(i).cpus >= 2) free.take(i, { cpus: 2, memoryBytes: 0, gpus: 0 }); // → GPU ids given
 */
import type { Resources } from '../../model/index.js';
import type { NodeView } from '../scheduler.js';

export interface Free {
  cpus: number;
  memoryBytes: number;
  gpuIds: number[];
}

export class FreeOverlay {
  private readonly touched = new Map<number, Free>();

  constructor(private readonly nodes: readonly NodeView[]) {}

  /** What node `i` has free now, placements of this call included. */
  at(i: number): Free {
    return this.touched.get(i) ?? this.nodes[i]!.free;
  }

  /** Whether `r` fits node `i` now. */
  fits(i: number, r: Resources): boolean {
    const f = this.at(i);
    return f.cpus >= r.cpus && f.memoryBytes >= r.memoryBytes && f.gpuIds.length >= r.gpus;
  }

  /** Books `r` on node `i` (it must fit); returns the GPU ids it gets and what is left. */
  take(i: number, r: Resources): { gpuIds: number[]; left: Free } {
    let f = this.touched.get(i);
    if (!f) {
      const v = this.nodes[i]!.free;
      f = { cpus: v.cpus, memoryBytes: v.memoryBytes, gpuIds: [...v.gpuIds] };
      this.touched.set(i, f);
    }
    f.cpus -= r.cpus;
    f.memoryBytes -= r.memoryBytes;
    return { gpuIds: f.gpuIds.splice(0, r.gpus), left: f };
  }
}
