import { describe, expect, it } from 'vitest';
import { nodeOffsets, platformNodeCount } from '../model/index.js';
import { formatReport } from './report.js';
import { simulate } from './simulate.js';
import { continuumPlatform } from './synthetic-platform.js';
import { syntheticWorkload } from './synthetic-workload.js';

describe('syntheticWorkload', () => {
  it('builds a layered DAG: 1–3 parents each, all in the level just above, reading their outputs', () => {
    const { workload, level, initialData } = syntheticWorkload({
      tasks: 3000,
      levels: 30,
      seed: 4,
      dataSites: ['hpc'],
    });
    expect(workload.tasks).toHaveLength(3000);
    expect(new Set(level).size).toBe(30);
    workload.tasks.forEach((t, i) => {
      if (level[i] === 0) {
        expect(t.parents).toEqual([]);
        expect(initialData[workload.files[t.inputs[0]!]!.name]).toBe('hpc');
      } else {
        expect(t.parents.length).toBeGreaterThanOrEqual(1);
        expect(t.parents.length).toBeLessThanOrEqual(3);
        for (const p of t.parents) expect(level[p]).toBe(level[i]! - 1);
        expect(t.inputs).toEqual(t.parents.map((p) => workload.tasks[p]!.outputs[0]));
      }
      expect(t.work).toBeGreaterThan(0);
    });
  });

  it('is the same for the same seed and differs for another', () => {
    const a = syntheticWorkload({ tasks: 500, seed: 1 });
    expect(syntheticWorkload({ tasks: 500, seed: 1 })).toEqual(a);
    expect(syntheticWorkload({ tasks: 500, seed: 2 }).workload.tasks[7]!.work).not.toBe(
      a.workload.tasks[7]!.work,
    );
  });
});

describe('continuumPlatform', () => {
  it('has three sites, the asked node count, and links between every pair', () => {
    const p = continuumPlatform(10_000);
    expect(p.sites.map((s) => s.id)).toEqual(['hpc', 'cloud', 'edge']);
    expect(platformNodeCount(p)).toBe(10_000);
    expect(nodeOffsets(p)[3]).toBe(10_000);
    expect(p.links).toHaveLength(3);
  });
});

describe('formatReport', () => {
  it('renders the headline figures and one row per site', () => {
    const { workload } = syntheticWorkload({ tasks: 100, seed: 1, levels: 5 });
    const p = continuumPlatform(10);
    const r = simulate(workload, p, { nodeOf: new Int32Array(100) }, { seed: 1 });
    const text = formatReport(r);
    expect(text).toContain(`makespan`);
    expect(text).toContain(`${r.makespanS.toFixed(1)} s`);
    expect(text).toMatch(/site hpc\s+[\d.]+ kWh/);
    expect(text).toMatch(/site edge/);
  });
});
