import { describe, expect, it } from 'vitest';
import type { Workload, WorkloadTask } from '../model/workload.js';
import { chronologicalOrder, topologicalOrder, workloadStream } from './workload-stream.js';

function t(name: string, parents: number[], inputs: number[] = []): WorkloadTask {
  return {
    name,
    type: name[0] ?? 'x',
    work: 1,
    cores: 1,
    memoryBytes: 0,
    gpus: 0,
    inputs,
    outputs: [],
    parents,
  };
}

// Written child-first: 0 ← 2, 1 ← 0, 3 ← 1 and 2.
const workload: Workload = {
  name: 'w',
  tasks: [t('a0', [2]), t('b1', [0]), t('c2', [], [0, 1]), t('d3', [1, 2])],
  files: [
    { name: 'f', sizeBytes: 100 },
    { name: 'g', sizeBytes: 23 },
  ],
  recorded: {
    makespanS: 10,
    runtimeSystem: { name: 'x', version: '1' },
    machines: [
      { name: 'm1', cores: 4, speedMHz: 3000, memoryBytes: null },
      { name: 'm2', cores: 4, speedMHz: null, memoryBytes: null },
    ],
    tasks: [
      { runtimeS: 1, machine: 0, startS: null },
      { runtimeS: 2, machine: 1, startS: null },
      { runtimeS: 3, machine: null, startS: null },
      { runtimeS: 4, machine: 0, startS: null },
    ],
  },
};

describe('chronological order', () => {
  it('is a topological order, lowest index first, when start times are missing', () => {
    expect(topologicalOrder(workload)).toEqual([2, 0, 1, 3]);
    expect(chronologicalOrder(workload)).toEqual({ order: [2, 0, 1, 3], by: 'topological' });
  });

  it('is the file order when that already respects the dependencies', () => {
    const chain: Workload = {
      name: 'c',
      files: [],
      tasks: [t('a', []), t('b', [0]), t('c', []), t('d', [1, 2])],
    };
    expect(topologicalOrder(chain)).toEqual([0, 1, 2, 3]);
  });

  it('follows recorded start times when every task has one', () => {
    const rec = workload.recorded!;
    const timed: Workload = {
      ...workload,
      recorded: { ...rec, tasks: rec.tasks.map((x, i) => ({ ...x, startS: [5, 7, 0, 7][i] ?? 0 })) },
    };
    expect(chronologicalOrder(timed)).toEqual({ order: [2, 0, 1, 3], by: 'start-time' });
  });
});

describe('workloadStream', () => {
  it('gives input bytes, node types with speed factors, and no declared memory', () => {
    const { items } = workloadStream(workload);
    const c2 = items[0]!;
    expect(c2.index).toBe(2);
    expect(c2.features).toEqual({ type: 'c', inputBytes: 123, cores: 1, memoryBytes: 0 });
    expect(c2.node).toEqual({ id: 'unknown', speedFactor: 1 });
    expect(items[1]!.node).toEqual({ id: 'm1', speedFactor: 1.5 });
    expect(items[2]!.node).toEqual({ id: 'm2', speedFactor: 1 });
  });
});
