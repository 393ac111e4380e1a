import { describe, expect, it } from 'vitest';
import { FirstFitPolicy } from './first-fit-policy.js';
import { IndexedFirstFitPolicy } from './indexed-first-fit-policy.js';
import type { NodeView, ReadyTask } from '../scheduler.js';
import { Mulberry32 } from '../../model/index.js';

/** The model's mulberry32 generator, so that the cases are the same on every run. */
function rng(seed: number): () => number {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}

describe('IndexedFirstFitPolicy', () => {
  it('takes exactly the decisions of FirstFitPolicy on random queues and nodes', () => {
    const plain = new FirstFitPolicy();
    const indexed = new IndexedFirstFitPolicy();
    for (let c = 0; c < 500; c++) {
      const r = rng(c + 1);
      const int = (k: number) => Math.floor(r() * k);
      const nodes: NodeView[] = Array.from({ length: 1 + int(30) }, (_, i) => {
        const cpus = 1 + int(8);
        const gpuIds = Array.from({ length: int(3) }, (_, g) => g);
        return {
          id: `n${i}`,
          capacity: { cpus, memoryBytes: 16, gpuIds },
          // Some nodes full, some with odd GPU ids left.
          free: { cpus: int(cpus + 1), memoryBytes: int(17), gpuIds: gpuIds.filter(() => r() < 0.6) },
        };
      });
      const ready: ReadyTask[] = Array.from({ length: int(80) }, (_, i) => ({
        key: `t${i}`,
        resources: { cpus: int(5), memoryBytes: int(9), gpus: r() < 0.2 ? 1 + int(2) : 0 },
      }));
      const before = JSON.stringify(nodes);
      expect(indexed.place(ready, nodes, 0)).toEqual(plain.place(ready, nodes, 0));
      expect(JSON.stringify(nodes)).toBe(before); // inputs untouched
    }
  });

  it('stops when no node has a CPU left, and remembers shapes that fit nowhere', () => {
    const nodes: NodeView[] = [
      {
        id: 'a',
        capacity: { cpus: 2, memoryBytes: 8, gpuIds: [] },
        free: { cpus: 2, memoryBytes: 8, gpuIds: [] },
      },
    ];
    const t = (key: string, cpus: number): ReadyTask => ({
      key,
      resources: { cpus, memoryBytes: 1, gpus: 0 },
    });
    const out = new IndexedFirstFitPolicy().place(
      [t('big', 3), t('bigger', 4), t('x', 1), t('y', 1)],
      nodes,
      0,
    );
    expect(out.map((p) => p.key)).toEqual(['x', 'y']);
    expect(out[1]!.reason).toEqual({ policy: 'first-fit', freeCpusAfter: 0, freeMemoryAfter: 6 });
  });
});
