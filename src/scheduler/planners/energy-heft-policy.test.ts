import { describe, expect, it } from 'vitest';
import type { Platform, Workload } from '../../model/index.js';
import { checkPlan } from './list-scheduling.js';
import { energyAwareHeft, planEnergyJ, taskEnergyJ } from './energy-heft-policy.js';
import { heftOnPlatform } from './heft-policy.js';
import { platformCostModel } from './platform-costs.js';
import { dvfsForkJoin, layeredWorkload, nodeTypeBuilder, wtask } from '../testing/fixtures.js';

const nodeType = nodeTypeBuilder();

/** One site, a fast power-hungry x86 partition and a slower, frugal ARM partition. */
function mixedCluster(x86: number, arm: number): Platform {
  return {
    name: 'mixed',
    sites: [{ id: 'hpc', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 200 } }],
    nodeTypes: [
      nodeType('x86', 'hpc', {
        count: x86,
        cores: 64,
        speed: 1.2,
        memoryBytes: 2 ** 38,
        idleW: 150,
        maxW: 450,
      }),
      nodeType('arm', 'hpc', {
        count: arm,
        cores: 64,
        speed: 1.0,
        memoryBytes: 2 ** 38,
        idleW: 60,
        maxW: 200,
      }),
    ],
    links: [],
    intraSite: { bandwidthBps: 1.25e10, latencyS: 0.0001 },
    data: {},
  };
}

describe('energyAwareHeft', () => {
  it('charges a task its share of the node’s full-load power for its run time', () => {
    const type = mixedCluster(1, 1).nodeTypes[0]!;
    expect(taskEnergyJ(type, 16, 10)).toBe((450 * 16 * 10) / 64);
  });

  it('moves a task to the frugal type when that costs no more than the slack', () => {
    const platform = mixedCluster(1, 1);
    const w: Workload = { name: 'one', files: [], tasks: [wtask('a', { work: 120, cores: 64 })] };
    // x86: 120 / (64 × 1.2) = 1.5625 s at 450 W; arm: 1.875 s at 200 W (20 % later, 47 % less energy).
    const tight = energyAwareHeft(w, platform, { slack: 0.1 });
    expect(tight.tasks[0]!.reason).toMatchObject({ nodeType: 'x86', eft: 1.5625 });
    const loose = energyAwareHeft(w, platform, { slack: 0.25 });
    expect(loose.tasks[0]!.reason).toMatchObject({
      policy: 'energy-heft',
      nodeType: 'arm',
      eft: 1.875,
      bestEft: 1.5625,
      energyJ: 200 * 1.875,
      bestEnergyJ: 450 * 1.5625,
    });
  });

  // Measured (5,000 tasks): under-loaded −40 % energy at +5 % makespan; loaded −6 % at +4.7 %;
  // saturated −1.5 % at +4.8 % — when every node is busy, a slower type costs throughput.
  for (const [label, x86, arm, layers, minSaved] of [
    ['under-loaded (80 nodes)', 40, 40, 50, 0.15],
    ['loaded (8 nodes)', 4, 4, 10, 0.02],
    ['saturated (2 nodes)', 1, 1, 5, 0],
  ] as const) {
    for (const slack of [0, 0.05]) {
      it(`${label}, slack ${slack}: saves energy, ends by (1 + slack) × HEFT's makespan`, () => {
        const workload = layeredWorkload(5000, layers, 7, 1e8);
        const platform = mixedCluster(x86, arm);
        const model = platformCostModel(workload, platform);
        const h = heftOnPlatform(workload, platform, { model });
        const e = energyAwareHeft(workload, platform, { model, slack });
        expect(checkPlan(e, model, e.capacity)).toEqual([]);
        const saved = 1 - planEnergyJ(e) / planEnergyJ(h);
        const longer = e.makespan / h.makespan - 1;
        console.log(
          `${label} slack ${slack}: energy -${(saved * 100).toFixed(1)} %, makespan +${(longer * 100).toFixed(1)} %`,
        );
        expect(e.makespan).toBeLessThanOrEqual((1 + slack) * h.makespan * (1 + 1e-9));
        if (slack > 0) expect(saved).toBeGreaterThanOrEqual(minSaved);
        else expect(saved).toBeGreaterThanOrEqual(0);
      });
    }
  }
});

describe('energyAwareHeft with DVFS levels', () => {
  const { platform, workload: w } = dvfsForkJoin();

  it('slows only the task with slack, to the level that costs least, and keeps the makespan', () => {
    const model = platformCostModel(w, platform);
    const h = heftOnPlatform(w, platform, { model });
    const e = energyAwareHeft(w, platform, { model, slack: 0 });
    expect(checkPlan(e, model, e.capacity)).toEqual([]);
    expect(e.makespan).toBe(h.makespan);
    expect(e.makespan).toBe(120);
    const byTask = new Map(e.tasks.map((pt) => [pt.task, pt]));
    // c at 1 GHz: 40 s holding 1 of 4 cores at 40 W = 400 J, against 20 s at 100 W = 500 J nominal.
    expect(byTask.get(2)).toMatchObject({ level: 1, start: 10, finish: 50 });
    expect(byTask.get(2)!.reason).toMatchObject({ cpuFrequencyHz: 1e9, energyJ: 400, bestEnergyJ: 500 });
    for (const t of [0, 1, 3]) expect(byTask.get(t)!.level ?? 0).toBe(0);
    expect(planEnergyJ(h) - planEnergyJ(e)).toBeCloseTo(100, 9);
    expect(taskEnergyJ(platform.nodeTypes[0]!, 1, 40, 0, 1)).toBe(400);
  });

  it('knows that only the busy share of a waiting task slows down, and draws dynamic power', () => {
    // c computes half its run: at 1 GHz 20 × (0.5 / 0.5 + 0.5) = 30 s, busy 2/3 of it.
    const tasks = w.tasks.map((task, i) => (i === 2 ? { ...task, cpuUtilisation: 0.5 } : task));
    const model = platformCostModel({ ...w, tasks }, platform);
    expect(model.execAtLevel(2, 0, 1)).toBe(30);
    expect(model.execAtLevel(2, 0, 0)).toBe(20);
    const e = energyAwareHeft({ ...w, tasks }, platform, { model, slack: 0 });
    const c = e.tasks.find((pt) => pt.task === 2)!;
    expect(c).toMatchObject({ level: 1, start: 10, finish: 40 });
    // Nominal: idle share 5 W × 20 s + dynamic share 20 W × 0.5 × 20 s = 300 J.
    // 1 GHz: 5 W × 30 s + (40 − 20) / 4 W × 2/3 × 30 s = 250 J.
    expect(c.reason).toMatchObject({ bestEnergyJ: 300 });
    expect(c.reason['energyJ']).toBeCloseTo(250, 9);
  });

  it('slows an estimated task only if it would still fit at its p90 work', () => {
    const at = (workP90: number) => {
      const tasks = w.tasks.map((task, i) => (i === 2 ? { ...task, workP90 } : task));
      return energyAwareHeft({ ...w, tasks }, platform, { slack: 0 }).tasks.find((pt) => pt.task === 2)!;
    };
    // Latest finish 110, start 10: at 1 GHz the p90 run is 2 × workP90.
    expect(at(40).level).toBe(1); // 80 s: ends by 90
    expect(at(50).level).toBe(1); // 100 s: ends by 110
    expect(at(60).level ?? 0).toBe(0); // 120 s: would end at 130
  });

  it('runs everything at the nominal frequency with dvfs: false', () => {
    const e = energyAwareHeft(w, platform, { slack: 0, dvfs: false });
    expect(e.tasks.every((pt) => !pt.level)).toBe(true);
  });
});
