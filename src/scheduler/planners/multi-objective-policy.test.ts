import { describe, expect, it } from 'vitest';
import type { Platform, Workload, WorkloadTask } from '../../model/index.js';
import { planCarbonG } from './carbon-aware-policy.js';
import { energyAwareHeft, planEnergyJ } from './energy-heft-policy.js';
import { heftOnPlatform } from './heft-policy.js';
import { checkPlan } from './list-scheduling.js';
import { planBytesMoved } from './locality-policy.js';
import { multiObjectivePolicy, type ObjectiveWeights } from './multi-objective-policy.js';
import { platformCostModel } from './platform-costs.js';
import { taskBuilder } from '../testing/fixtures.js';

const task = taskBuilder({ work: 120, cores: 4 });

/**
 * Three types with a different best on each objective (a task of 120 reference-core s on 4 cores):
 * - fast: speed 3 at the dirty site (500 g/kWh), 800 W / 8 cores → 10 s, 4 kJ, 0.556 g;
 * - frugal: speed 1 at the dirty site, 80 W / 8 cores → 30 s, 1.2 kJ, 0.167 g;
 * - green: speed 1.5 at the green site (20 g/kWh), 400 W / 8 cores → 20 s, 4 kJ, 0.0222 g.
 * The input (1 GB, 1 GB/s: 1 s away from the green site) is at the dirty site.
 */
function threeWay(): Platform {
  const type = (id: string, site: string, speed: number, maxW: number) => ({
    id,
    site,
    count: 1,
    cores: 8,
    speed,
    memoryBytes: 2 ** 34,
    gpus: 0,
    gpuSpeed: 0,
    idleW: maxW / 4,
    maxW,
  });
  return {
    name: 'three-way',
    sites: [
      { id: 'dirty', kind: 'cloud', carbon: { kind: 'constant', gPerKWh: 500 } },
      { id: 'green', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 20 } },
    ],
    nodeTypes: [
      type('fast', 'dirty', 3, 800),
      type('frugal', 'dirty', 1, 80),
      type('green', 'green', 1.5, 400),
    ],
    links: [{ from: 'dirty', to: 'green', bandwidthBps: 1e9, latencyS: 0, energyJPerByte: 0 }],
    data: { in: 'dirty' },
  };
}

const one: Workload = {
  name: 'one',
  files: [{ name: 'in', sizeBytes: 1e9 }],
  tasks: [task('a', { inputs: [0] })],
};
const weights = (w: Partial<ObjectiveWeights>): ObjectiveWeights => ({
  makespan: 0,
  energy: 0,
  carbon: 0,
  bytes: 0,
  ...w,
});

/** A deterministic random layered DAG whose first layer reads a file at the dirty site. */
function layered(n: number, seed: number): Workload {
  let s = seed;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const files: Workload['files'] = [{ name: 'in', sizeBytes: 1e9 }];
  const tasks: WorkloadTask[] = [];
  for (let t = 0; t < n; t++) {
    const parents = t < 20 ? [] : [t - 20 + Math.floor(rand() * 20), Math.floor(rand() * (t - 19))];
    const uniq = [...new Set(parents)];
    files.push({ name: `o${t}`, sizeBytes: Math.floor(rand() * 5e8) });
    tasks.push(
      task(`t${t}`, {
        work: 20 + rand() * 400,
        cores: [1, 2, 4, 8][Math.floor(rand() * 4)]!,
        parents: uniq,
        inputs: t < 20 ? [0] : uniq.map((p) => 1 + p),
        outputs: [1 + t],
      }),
    );
  }
  return { name: 'layered', files, tasks };
}

describe('multiObjectivePolicy', () => {
  it('takes the best type on the one objective it is given', () => {
    const platform = threeWay();
    const pick = (w: Partial<ObjectiveWeights>) => {
      const plan = multiObjectivePolicy(one, platform, { weights: weights(w) });
      expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
      return plan.tasks[0]!.reason;
    };
    expect(pick({ makespan: 1 })).toMatchObject({ nodeType: 'fast', eft: 10, eftScore: 1, total: 1 });
    expect(pick({ energy: 1 })).toMatchObject({ nodeType: 'frugal', energyJ: 1200, energyScore: 1 });
    expect(pick({ carbon: 1 })).toMatchObject({ nodeType: 'green', eft: 21, carbonScore: 1 });
    // Two types at the data's site move nothing: the earlier finish.
    expect(pick({ bytes: 1 })).toMatchObject({ nodeType: 'fast', bytesMoved: 0, bytesScore: 1 });
  });

  it('normalises each score against the best option and adds them with the weights', () => {
    const platform = threeWay();
    const plan = multiObjectivePolicy(one, platform, {
      weights: { makespan: 1, energy: 1, carbon: 1, bytes: 1 },
    });
    const r = plan.tasks[0]!.reason;
    // fast: 1 + 3.333 + 25 + 1 = 30.3; frugal: 3 + 1 + 7.5 + 1 = 12.5; green: 2.1 + 3.333 + 1 + 2 = 8.43.
    // (bytes: best 0, so 1 + moved / (max − min): 1 for the dirty types, 2 for green.)
    expect(r).toMatchObject({
      nodeType: 'green',
      eftScore: 2.1,
      bytesScore: 2,
      carbonScore: 1,
      bytesMoved: 1e9,
    });
    expect(r.energyScore).toBeCloseTo(4000 / 1200, 12);
    expect(r.total).toBeCloseTo(2.1 + 4000 / 1200 + 1 + 2, 12);
    expect(r.carbonG).toBeCloseTo((4000 * 20) / 3.6e6, 12);
  });

  it('with weights {1, 0, 0, 0} plans exactly what HEFT plans', () => {
    const w = layered(1500, 3);
    const platform = threeWay();
    const model = platformCostModel(w, platform);
    const heft = heftOnPlatform(w, platform, { model });
    const plan = multiObjectivePolicy(w, platform, { model, weights: weights({ makespan: 1 }) });
    expect(checkPlan(plan, model, plan.capacity)).toEqual([]);
    const strip = (p: typeof plan) =>
      p.tasks.map(({ task: t, processor, start, finish }) => [t, processor, start, finish]);
    expect(strip(plan)).toEqual(strip(heft));
    expect(plan.makespan).toBe(heft.makespan);
  });

  it('with weights {0, 1, 0, 0} is energy-first: less energy than HEFT and energy-aware HEFT', () => {
    const w = layered(1500, 3);
    const platform = threeWay();
    const model = platformCostModel(w, platform);
    const plan = multiObjectivePolicy(w, platform, { model, weights: weights({ energy: 1 }) });
    expect(checkPlan(plan, model, plan.capacity)).toEqual([]);
    expect(plan.tasks.every((pt) => pt.reason.energyScore === 1)).toBe(true);
    const e = planEnergyJ(plan);
    expect(e).toBeLessThan(planEnergyJ(heftOnPlatform(w, platform, { model })));
    expect(e).toBeLessThanOrEqual(planEnergyJ(energyAwareHeft(w, platform, { model })));
  });

  it('trades the objectives as weighted on a random workload', () => {
    const w = layered(1500, 9);
    const platform = threeWay();
    const model = platformCostModel(w, platform);
    const heft = heftOnPlatform(w, platform, { model });
    const green = multiObjectivePolicy(w, platform, { model, weights: weights({ makespan: 1, carbon: 1 }) });
    const local = multiObjectivePolicy(w, platform, { model, weights: weights({ makespan: 1, bytes: 1 }) });
    for (const p of [green, local]) expect(checkPlan(p, model, p.capacity)).toEqual([]);
    expect(planCarbonG(green)).toBeLessThan(planCarbonG(heft));
    expect(planBytesMoved(local)).toBeLessThan(planBytesMoved(heft));
  });

  it('refuses weights it cannot use, saying which', () => {
    const platform = threeWay();
    expect(() => multiObjectivePolicy(one, platform, { weights: weights({}) })).toThrow(
      /at least one weight/,
    );
    expect(() => multiObjectivePolicy(one, platform, { weights: weights({ energy: -1 }) })).toThrow(
      /weights.energy/,
    );
  });
});
