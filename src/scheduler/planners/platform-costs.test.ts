import { describe, expect, it } from 'vitest';
import type { Platform, Workload } from '../../model/index.js';
import { platformCostModel } from './platform-costs.js';
import { twoSitePlatform, wtask as task } from '../testing/fixtures.js';

const platform: Platform = twoSitePlatform('two-sites', ['B', 'A'], {
  memoryBytes: 100,
  gpus: 1,
  gpuSpeed: 1,
});

const workload: Workload = {
  name: 'w',
  files: [
    { name: 'in', sizeBytes: 200 },
    { name: 'fa', sizeBytes: 100 },
    { name: 'fb', sizeBytes: 50 },
  ],
  tasks: [
    task('a', { inputs: [0], outputs: [1] }),
    task('b', { inputs: [1], outputs: [2], parents: [0], memoryBytes: 500 }),
    task('c', { inputs: [1, 2], parents: [0, 1], cores: 2, gpus: 0 }),
    task('d', { gpus: 1 }),
  ],
};

describe('platformCostModel', () => {
  const m = platformCostModel(workload, platform);

  it('has one processor per node type', () => {
    expect(m.processors).toBe(2);
    expect(m.tasks).toBe(4);
  });

  it('runs work / (cores × speed), and Infinity where cores, memory or GPUs do not fit', () => {
    expect(m.exec(0, 0)).toBe(8);
    expect(m.exec(0, 1)).toBe(4);
    expect(m.exec(1, 1)).toBe(Infinity); // 500 B memory > 100
    expect(m.exec(2, 0)).toBe(4); // 2 cores of speed 1
    expect(m.exec(2, 1)).toBe(Infinity); // 2 cores > 1
    expect(m.exec(3, 0)).toBe(Infinity); // no GPU
  });

  it('moves the bytes of the files from writes and to reads over the link between the sites', () => {
    expect(m.edgeBytes(0, 2)).toBe(100);
    expect(m.edgeBytes(1, 2)).toBe(50);
    expect(m.children(0)).toEqual([1, 2]);
    expect(m.comm(0, 2, 0, 0)).toBe(0); // same site, no intraSite: free
    expect(m.comm(0, 2, 1, 0)).toBe(100 / 100 + 1);
    expect(m.comm(1, 2, 0, 1)).toBe(50 / 100 + 1);
  });

  it('stages initial data in from the site platform.data names', () => {
    expect(m.stageIn(0, 0)).toBe(0);
    expect(m.stageIn(0, 1)).toBe(200 / 100 + 1);
    expect(m.stageIn(3, 1)).toBe(0);
    expect(m.initialInputs(0)).toEqual([{ site: 0, bytes: 200 }]);
  });

  it('averages over node types weighted by node count, among the types that can run the task', () => {
    expect(m.meanExec(0)).toBeCloseTo((8 + 2 * 4) / 3, 12);
    expect(m.meanExec(2)).toBe(4);
    // Pairs: slow–slow ×1 and fast–fast ×4 are free; slow↔fast ×4 cost 1 s + bytes/100.
    expect(m.meanComm(0, 2)).toBeCloseTo((4 * (1 + 1)) / 9, 12);
  });

  it('uses platform.intraSite within a site', () => {
    const p2 = { ...platform, intraSite: { bandwidthBps: 1000, latencyS: 0.5 } };
    expect(platformCostModel(workload, p2).comm(0, 2, 0, 0)).toBe(0.1 + 0.5);
  });

  it('says which site is missing when a node type names an unknown one', () => {
    const bad = { ...platform, nodeTypes: [{ ...platform.nodeTypes[0]!, site: 'Z' }] };
    expect(() => platformCostModel(workload, bad)).toThrow(/node type slow is at site Z/);
  });
});
