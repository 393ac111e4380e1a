import { describe, expect, it } from 'vitest';
import type { Workload } from '../model/index.js';
import { wtask } from '../scheduler/testing/fixtures.js';
import { CpuUtilisationEstimator } from './cpu-utilisation.js';

describe('CpuUtilisationEstimator', () => {
  it('knows nothing until it has seen a task', () => {
    expect(new CpuUtilisationEstimator().estimate('x')).toBeUndefined();
  });

  it('gives the mean of the type, else of all types seen, and ignores values outside 0–1', () => {
    const u = new CpuUtilisationEstimator();
    u.observe('a', 0.2);
    u.observe('a', 0.6);
    u.observe('b', 1);
    u.observe('b', 1.7);
    u.observe('b', Number.NaN);
    expect(u.estimate('a')).toBeCloseTo(0.4, 12);
    expect(u.estimate('b')).toBe(1);
    expect(u.estimate('c')).toBeCloseTo((0.2 + 0.6 + 1) / 3, 12);
  });

  it('observes the tasks of a run that record their utilisation', () => {
    const task = (type: string, cpuUtilisation?: number) =>
      wtask(type, { type, work: 1, ...(cpuUtilisation !== undefined ? { cpuUtilisation } : {}) });
    const run: Workload = { name: 'r', files: [], tasks: [task('a', 0.1), task('a'), task('b', 0.5)] };
    const u = new CpuUtilisationEstimator();
    expect(u.observeWorkload(run)).toBe(2);
    expect(u.estimate('a')).toBe(0.1);
    expect(u.estimate('b')).toBe(0.5);
  });
});
