import { describe, expect, it } from 'vitest';
import { FirstFitPolicy } from './first-fit-policy.js';
import type { NodeView, ReadyTask } from '../scheduler.js';

const GiB = 1024 ** 3;
function node(id: string, cpus: number, mem: number, gpuIds: number[] = []): NodeView {
  return { id, capacity: { cpus, memoryBytes: mem, gpuIds }, free: { cpus, memoryBytes: mem, gpuIds } };
}
function task(key: string, cpus: number, memoryBytes = 0, gpus = 0): ReadyTask {
  return { key, resources: { cpus, memoryBytes, gpus } };
}

describe('FirstFitPolicy', () => {
  it('never places more CPUs than a node has free', () => {
    const placements = new FirstFitPolicy().place(
      [task('a', 1), task('b', 1), task('c', 1)],
      [node('n1', 2, GiB)],
      0,
    );
    expect(placements.map((p) => p.key)).toEqual(['a', 'b']);
  });

  it('skips a task that does not fit and places a later one that does (memory)', () => {
    const placements = new FirstFitPolicy().place(
      [task('big', 1, 2 * GiB), task('small', 1, GiB / 2)],
      [node('n1', 4, GiB)],
      0,
    );
    expect(placements.map((p) => p.key)).toEqual(['small']);
  });

  it('gives each GPU to one task only', () => {
    const placements = new FirstFitPolicy().place(
      [task('g1', 1, 0, 1), task('g2', 1, 0, 1), task('g3', 1, 0, 1)],
      [node('n1', 8, GiB, [0, 1])],
      0,
    );
    expect(placements.map((p) => [p.key, p.gpuIds])).toEqual([
      ['g1', [0]],
      ['g2', [1]],
    ]);
  });

  it('moves on to the next node when the first is full, and does not mutate its input', () => {
    const nodes = [node('n1', 1, GiB), node('n2', 1, GiB)];
    const placements = new FirstFitPolicy().place([task('a', 1), task('b', 1)], nodes, 0);
    expect(placements.map((p) => p.nodeId)).toEqual(['n1', 'n2']);
    expect(nodes[0]?.free.cpus).toBe(1);
  });
});
