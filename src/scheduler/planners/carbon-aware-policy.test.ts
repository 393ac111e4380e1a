import { describe, expect, it } from 'vitest';
import type { CarbonIntensity, Platform, Site, Workload, WorkloadTask } from '../../model/index.js';
import { carbonAwarePolicy, planCarbonG } from './carbon-aware-policy.js';
import { heftOnPlatform } from './heft-policy.js';
import { checkPlan } from './list-scheduling.js';
import { planAssignment } from '../policy-registry.js';
import { simulate, simulateOnline } from '../../sim/simulate.js';
import { planGuidedScheduler } from '../online/plan-guided-policy.js';
import { platformCostModel } from './platform-costs.js';
import { dvfsForkJoin, nodeTypeBuilder, taskBuilder } from '../testing/fixtures.js';

const H = 3600;

function site(id: string, carbon: CarbonIntensity): Site {
  return { id, kind: 'cloud', carbon };
}

const nodes = nodeTypeBuilder({ cores: 4, idleW: 20, maxW: 100 });
const job = taskBuilder({ type: 'job', work: 400, cores: 4 });

/** Dirty site next to the data, green site behind a slow link (10 GB in = 100 s of transfer). */
function nearAndFar(): { platform: Platform; workload: Workload } {
  const platform: Platform = {
    name: 'near-far',
    sites: [
      site('dirty', { kind: 'constant', gPerKWh: 400 }),
      site('green', { kind: 'constant', gPerKWh: 50 }),
    ],
    nodeTypes: [nodes('near', 'dirty'), nodes('far', 'green')],
    links: [{ from: 'dirty', to: 'green', bandwidthBps: 1e8, latencyS: 0, energyJPerByte: 0 }],
    data: { in: 'dirty' },
  };
  const workload: Workload = {
    name: 'one',
    files: [{ name: 'in', sizeBytes: 1e10 }],
    tasks: [job('a', { inputs: [0] })],
  };
  return { platform, workload };
}

/** One site whose grid is dirty (400 g/kWh) until noon and green (100 g/kWh) after, every day. */
const halfDay: CarbonIntensity = {
  kind: 'series',
  periodS: 24 * H,
  points: [
    { atS: 0, gPerKWh: 400 },
    { atS: 12 * H, gPerKWh: 100 },
  ],
};

describe('carbonAwarePolicy', () => {
  // A task of 400 reference-core seconds on 4 cores: 100 s, 100 W × 100 s = 10 kJ on either type.
  const energyJ = 100 * 100;

  it('stays on the dirty site next to its data when the slow link to the green one costs more than the slack', () => {
    const { platform, workload } = nearAndFar();
    const plan = carbonAwarePolicy(workload, platform); // slack 0.1: deadline 110 s, the green site ends at 200 s
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
    expect(plan.tasks[0]!.reason).toMatchObject({
      policy: 'carbon-aware',
      nodeType: 'near',
      eft: 100,
      delay: 0,
    });
    expect(plan.tasks[0]!.reason.carbonG).toBeCloseTo((energyJ * 400) / 3.6e6, 12);
  });

  it('moves the task to the green site far away when the slack pays for the transfer', () => {
    const { platform, workload } = nearAndFar();
    const plan = carbonAwarePolicy(workload, platform, { slack: 1 }); // deadline 200 s
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
    const r = plan.tasks[0]!.reason;
    expect(r).toMatchObject({
      nodeType: 'far',
      est: 100,
      eft: 200,
      bestEft: 100,
      intensity: 50,
      energyJ,
      delay: 0,
    });
    expect(r.carbonG).toBeCloseTo((energyJ * 50) / 3.6e6, 12);
    expect(r.bestCarbonG).toBeCloseTo((energyJ * 400) / 3.6e6, 12);
    expect(planCarbonG(plan)).toBeCloseTo((energyJ * 50) / 3.6e6, 12);
    expect(planCarbonG(heftOnPlatform(workload, platform))).toBeCloseTo((energyJ * 400) / 3.6e6, 12);
  });

  describe('a flexible task on a grid that turns green at noon, planned at 08:00', () => {
    const platform: Platform = {
      name: 'one-site',
      sites: [site('grid', halfDay)],
      nodeTypes: [nodes('cpu', 'grid')],
      links: [],
      data: {},
    };
    // 1 h on 4 cores (14,400 reference-core s), 100 W: 0.1 kWh.
    const workload = (flexible: boolean): Workload => ({
      name: 'one',
      files: [],
      tasks: [job('a', { work: 4 * H, flexible })],
    });
    const run = (flexible: boolean, maxDelayS?: number) => {
      const plan = carbonAwarePolicy(workload(flexible), platform, {
        startAtS: 8 * H,
        ...(maxDelayS === undefined ? {} : { maxDelayS }),
      });
      expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
      return plan;
    };

    it('waits 4 h for noon: 10 g instead of 40 g', () => {
      const plan = run(true);
      const r = plan.tasks[0]!.reason;
      expect(plan.tasks[0]).toMatchObject({ start: 4 * H, finish: 5 * H });
      expect(r).toMatchObject({ delay: 4 * H, intensity: 100, readyAt: 0 });
      expect(r.carbonG).toBeCloseTo(0.1 * 100, 9);
      expect(r.bestCarbonG).toBeCloseTo(0.1 * 400, 9);
      expect(plan.makespan).toBe(5 * H);
    });

    it('the twin plays the wait (planAssignment gives the planned start as notBefore) and emits what the plan says', () => {
      const plan = run(true);
      const assignment = planAssignment(plan, 1);
      expect(Array.from(assignment.notBefore!)).toEqual([4 * H]);
      const r = simulate(workload(true), platform, assignment, { seed: 1, startAtS: 8 * H });
      expect(r.makespanS).toBe(5 * H);
      expect(r.workflowCarbonKg * 1000).toBeCloseTo(planCarbonG(plan, 8 * H), 9);
      expect(r.workflowCarbonKg * 1000).toBeCloseTo(10, 9);
      // No wait, no notBefore.
      expect(planAssignment(run(false), 1).notBefore).toBeUndefined();
      // Online, plan-guided: the policy holds the task back until its planned start and asks to be
      // called again then (nextWakeAt), so the twin plays the same wait.
      const guided = planGuidedScheduler(plan, 'carbon-aware');
      expect(guided.place([{ key: '0', resources: { cpus: 4, memoryBytes: 0, gpus: 0 } }], [], 0)).toEqual(
        [],
      );
      expect(guided.nextWakeAt(0)).toBe(4 * H);
      const online = simulateOnline(workload(true), platform, planGuidedScheduler(plan, 'carbon-aware'), {
        seed: 1,
        startAtS: 8 * H,
      });
      expect(online.makespanS).toBe(5 * H);
      expect(online.workflowCarbonKg * 1000).toBeCloseTo(10, 9);
    });

    it('does not wait when it is not flexible', () => {
      const plan = run(false);
      expect(plan.tasks[0]).toMatchObject({ start: 0, finish: H });
      expect(plan.tasks[0]!.reason.carbonG).toBeCloseTo(40, 9);
    });

    it('does not wait when the green hour is out of reach (2 h of delay allowed)', () => {
      const plan = run(true, 2 * H);
      expect(plan.tasks[0]).toMatchObject({ start: 0, finish: H });
      expect(plan.tasks[0]!.reason.delay).toBe(0);
    });

    it('waits as long as it may when only the end of its run reaches the green hour (3.5 h allowed)', () => {
      const plan = run(true, 3.5 * H);
      expect(plan.tasks[0]).toMatchObject({ start: 3.5 * H, finish: 4.5 * H });
      // 11:30–12:30: half an hour at 400, half an hour at 100.
      expect(plan.tasks[0]!.reason.intensity).toBeCloseTo(250, 9);
    });
  });

  it('says what is wrong with its options', () => {
    const { platform, workload } = nearAndFar();
    expect(() => carbonAwarePolicy(workload, platform, { slack: -1 })).toThrow(/slack/);
    expect(() => carbonAwarePolicy(workload, platform, { maxDelayS: -1 })).toThrow(/maxDelayS/);
  });

  it('on a 2,000-task workload on a 3-site continuum, emits less carbon than HEFT within the deadline', () => {
    const workload = randomWorkload(2000, 11);
    const platform = continuum();
    const model = platformCostModel(workload, platform);
    const heft = heftOnPlatform(workload, platform, { model });
    const startAtS = 18 * H; // the evening peak on the cloud's grid
    for (const slack of [0, 0.1]) {
      const plan = carbonAwarePolicy(workload, platform, { model, slack, startAtS });
      expect(checkPlan(plan, model, plan.capacity)).toEqual([]);
      expect(plan.makespan).toBeLessThanOrEqual((1 + slack) * heft.makespan * (1 + 1e-9));
      const saved = 1 - planCarbonG(plan, startAtS) / planCarbonG(heft, startAtS);
      console.log(
        `continuum, slack ${slack}: carbon -${(saved * 100).toFixed(1)} %, makespan +${((plan.makespan / heft.makespan - 1) * 100).toFixed(1)} %`,
      );
      if (slack > 0) expect(saved).toBeGreaterThan(0);
      else expect(saved).toBeGreaterThanOrEqual(0);
    }
    // A third of the tasks flexible: they may also wait for the cloud's green afternoon.
    const flexible: Workload = {
      ...workload,
      tasks: workload.tasks.map((t, i) => (i % 3 === 0 ? { ...t, flexible: true } : t)),
    };
    const fmodel = platformCostModel(flexible, platform);
    const fplan = carbonAwarePolicy(flexible, platform, { model: fmodel, startAtS });
    expect(checkPlan(fplan, fmodel, fplan.capacity)).toEqual([]);
    const fsaved = 1 - planCarbonG(fplan, startAtS) / planCarbonG(heft, startAtS);
    console.log(
      `continuum, a third flexible: carbon -${(fsaved * 100).toFixed(1)} %, makespan ×${(fplan.makespan / heft.makespan).toFixed(2)}`,
    );
    expect(fsaved).toBeGreaterThan(0);
  });
});

/** A deterministic random DAG: each task has 0–3 earlier parents (mostly far back: wide); roots read a file placed at a site. */
function randomWorkload(n: number, seed: number): Workload {
  let s = seed;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const files: Workload['files'] = [];
  const tasks: WorkloadTask[] = [];
  for (let t = 0; t < n; t++) {
    const parents = new Set<number>();
    const k = t < 50 ? 0 : Math.floor(rand() * 4);
    for (let i = 0; i < k; i++) parents.add(Math.max(0, t - 1 - Math.floor(rand() * 2000)));
    const inputs = [...parents];
    if (parents.size === 0) {
      files.push({ name: `raw${t}`, sizeBytes: Math.floor(rand() * 1e9) });
      inputs.push(n + files.length - 1);
    }
    tasks.push(
      job(`t${t}`, {
        work: 50 + rand() * 2000,
        cores: [1, 2, 4, 8][Math.floor(rand() * 4)]!,
        parents: [...parents],
        inputs,
        outputs: [t],
      }),
    );
  }
  const outputs = Array.from({ length: n }, (_, t) => ({
    name: `out${t}`,
    sizeBytes: Math.floor(rand() * 2e8),
  }));
  return { name: 'random', tasks, files: [...outputs, ...files] };
}

/** HPC on a clean grid, a cloud region with a daily profile, an edge site on a dirty grid. */
function continuum(): Platform {
  const data: Record<string, string> = {};
  for (let t = 0; t < 2000; t++) data[`raw${t}`] = ['hpc', 'cloud', 'edge'][t % 3]!;
  return {
    name: 'continuum-3',
    sites: [
      site('hpc', { kind: 'constant', gPerKWh: 50 }),
      site('cloud', {
        kind: 'series',
        periodS: 24 * H,
        points: [
          { atS: 0, gPerKWh: 400 },
          { atS: 9 * H, gPerKWh: 300 },
          { atS: 12 * H, gPerKWh: 200 },
          { atS: 15 * H, gPerKWh: 240 },
          { atS: 18 * H, gPerKWh: 450 },
        ],
      }),
      site('edge', { kind: 'constant', gPerKWh: 400 }),
    ],
    nodeTypes: [
      nodes('hpc-cpu', 'hpc', { count: 1, cores: 64, speed: 1.3, idleW: 95, maxW: 408 }),
      nodes('cloud-vm', 'cloud', { count: 20, cores: 16, speed: 1.0, idleW: 37, maxW: 85 }),
      nodes('edge-arm', 'edge', { count: 20, cores: 16, speed: 0.6, idleW: 18, maxW: 31 }),
    ],
    links: [
      { from: 'hpc', to: 'cloud', bandwidthBps: 1.25e9, latencyS: 0.015, energyJPerByte: 0 },
      { from: 'cloud', to: 'edge', bandwidthBps: 1.25e8, latencyS: 0.01, energyJPerByte: 0 },
      { from: 'hpc', to: 'edge', bandwidthBps: 1.25e8, latencyS: 0.008, energyJPerByte: 0 },
    ],
    intraSite: { bandwidthBps: 1.25e10, latencyS: 2e-6 },
    data,
  };
}

describe('carbonAwarePolicy with DVFS levels', () => {
  it('runs a task with slack at the lower frequency that emits least', () => {
    const { platform, workload: w } = dvfsForkJoin(360);
    const plan = carbonAwarePolicy(w, platform, { slack: 0 });
    expect(plan.makespan).toBe(120);
    const c = plan.tasks.find((pt) => pt.task === 2)!;
    // 400 J at 360 g/kWh = 0.04 g, against 500 J = 0.05 g at 2 GHz.
    expect(c).toMatchObject({ level: 1, finish: 50 });
    expect(c.reason).toMatchObject({ cpuFrequencyHz: 1e9, energyJ: 400 });
    expect(c.reason.carbonG as number).toBeCloseTo(0.04, 12);
    expect(plan.tasks.filter((pt) => pt.level).length).toBe(1);
  });
});
