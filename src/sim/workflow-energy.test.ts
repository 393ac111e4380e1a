import { describe, expect, it } from 'vitest';
import { type Platform, type Workload } from '../model/index.js';
import { levelStretch, taskPowerW } from '../energy/index.js';
import { ganttSvg } from './gantt-svg.js';
import { formatReport } from './report.js';
import { simulate } from './simulate.js';
import { wtask } from '../scheduler/testing/fixtures.js';

const J_PER_KWH = 3.6e6;

/** Two 2-core nodes of 100 W idle / 200 W full on one site, 360 gCO2e/kWh. */
const platform: Platform = {
  name: 'p',
  sites: [{ id: 's', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 360 } }],
  nodeTypes: [
    {
      id: 'n',
      site: 's',
      count: 2,
      cores: 2,
      speed: 1,
      memoryBytes: 1e9,
      gpus: 0,
      gpuSpeed: 0,
      idleW: 100,
      maxW: 200,
    },
  ],
  links: [],
  data: {},
};

const oneTask: Workload = { name: 'w', files: [], tasks: [wtask('a', { type: 'a', work: 10 })] };

describe('workflow-attributable energy', () => {
  it('counts the held cores’ share of idle and dynamic power while held, not idle nodes', () => {
    const r = simulate(oneTask, platform, { nodeOf: Int32Array.of(0) }, { seed: 1 });
    expect(r.makespanS).toBe(10);
    // Platform: node 0 at 150 W and node 1 idle at 100 W for 10 s.
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(2500, 9);
    // Workflow: one core of two, (200 W / 2) × 10 s.
    expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(1000, 9);
    // 1000 J = 1/3600 kWh at 360 g/kWh = 0.1 g.
    expect(r.workflowCarbonKg * 1000).toBeCloseTo(0.1, 12);
  });
});

describe('GPU power given apart from the host', () => {
  /** One node: 4 cores, host 40 W idle / 120 W full; 2 GPUs of 10 W idle / 70 W full each. */
  const gpuNode: Platform = {
    ...platform,
    nodeTypes: [
      {
        ...platform.nodeTypes[0]!,
        id: 'g',
        count: 1,
        cores: 4,
        gpus: 2,
        gpuSpeed: 1,
        idleW: 40,
        maxW: 120,
        gpuPower: { idleW: 10, maxW: 70 },
      },
    ],
  };
  const run = (gpus: number) =>
    simulate(
      { ...oneTask, tasks: [{ ...oneTask.tasks[0]!, gpus }] },
      gpuNode,
      { nodeOf: Int32Array.of(0) },
      { seed: 1 },
    );

  it('charges a CPU-only task its cores’ share of the host, nothing for the idle GPUs', () => {
    const r = run(0);
    expect(r.makespanS).toBe(10);
    // Workflow: 1 of 4 cores of 120 W for 10 s = 300 J. The GPUs' idle power is nobody's task.
    expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(300, 9);
    // Platform: host 40 + 80/4 = 60 W, GPUs 2 × 10 W idle: 80 W × 10 s.
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(800, 9);
  });

  it('charges a GPU task its GPU at full power on top, and the node draws it', () => {
    const r = run(1);
    // Workflow: 300 J of host + 70 W × 10 s of its GPU = 1000 J.
    expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(1000, 9);
    // Platform: 800 J idle-ish as above + the GPU's 60 W dynamic × 10 s.
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(1400, 9);
  });

  it('folded into the node power (no gpuPower), a CPU-only task pays its share of everything', () => {
    const folded: Platform = {
      ...gpuNode,
      nodeTypes: [{ ...gpuNode.nodeTypes[0]!, idleW: 60, maxW: 260, gpuPower: undefined }],
    };
    const r = simulate(oneTask, folded, { nodeOf: Int32Array.of(0) }, { seed: 1 });
    // 1 of 4 cores of (120 + 2 × 70) W for 10 s = 650 J.
    expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(650, 9);
  });
});

describe('DVFS levels', () => {
  /** The 2-core node of `platform` (100 W idle, 200 W full at 2 GHz), also at 1 GHz drawing 130 W at full load. */
  const dvfsPlatform: Platform = {
    ...platform,
    nodeTypes: [
      {
        ...platform.nodeTypes[0]!,
        cpuFrequencyHz: 2e9,
        dvfs: [{ frequencyHz: 1e9, speedFactor: 0.5, maxW: 130 }],
      },
    ],
  };

  /** `oneTask` on node 0 of `dvfsPlatform` at DVFS `level`. */
  const atLevel = (level: number, trace = false) =>
    simulate(
      oneTask,
      dvfsPlatform,
      { nodeOf: Int32Array.of(0), level: Uint8Array.of(level) },
      { seed: 1, trace },
    );

  it('runs a task at a lower frequency for longer, its cores drawing that level’s power', () => {
    const r = atLevel(1);
    expect(r.makespanS).toBe(20);
    // Workflow: one core of two, (130 W / 2) × 20 s = 1300 J (at 2 GHz: 100 W × 10 s = 1000 J).
    expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(1300, 9);
    // Platform: both nodes idle 2 × 100 W × 20 s, plus the task's dynamic (130 − 100) / 2 W × 20 s.
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(4000 + 300, 9);
    expect(r.slowedTasks).toBe(1);
    expect(formatReport(r)).toMatch(/DVFS\s+1 tasks below nominal CPU frequency/);
    const traced = atLevel(1, true);
    expect(Array.from(traced.trace!.level)).toEqual([1]);
    // The Gantt chart draws it paler, with its frequency.
    expect(ganttSvg(traced.trace!, oneTask, dvfsPlatform)).toMatch(
      /fill-opacity="0.55"[^>]*><title>a \(a\): 0\.0–20\.0 s, at 1\.00 GHz/,
    );
    // Level 0 is the nominal frequency, as without `level`.
    const nominal = atLevel(0);
    expect(nominal.makespanS).toBe(10);
    expect(nominal.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(1000, 9);
    expect(nominal.slowedTasks).toBe(0);
    expect(formatReport(nominal)).not.toMatch(/below nominal/);
  });

  it('rejects a level the node type does not have', () => {
    expect(() =>
      simulate(oneTask, platform, { nodeOf: Int32Array.of(0), level: Uint8Array.of(1) }, { seed: 1 }),
    ).toThrow(/DVFS level 1.*levels 0\.\.0/);
    expect(() =>
      simulate(oneTask, dvfsPlatform, { nodeOf: Int32Array.of(0), level: new Uint8Array(2) }, { seed: 1 }),
    ).toThrow(/assignment.level has 2 entries/);
  });

  describe('a task whose cores are busy only part of its run (cpuUtilisation)', () => {
    const waiting = (u: number): Workload => ({
      ...oneTask,
      tasks: [{ ...oneTask.tasks[0]!, cpuUtilisation: u }],
    });
    const run = (u: number, level: number) =>
      simulate(
        waiting(u),
        dvfsPlatform,
        { nodeOf: Int32Array.of(0), level: Uint8Array.of(level) },
        { seed: 1 },
      );

    it('draws dynamic power only while busy, and only its busy share slows at a lower frequency', () => {
      // Nominal: 10 s; idle share 50 W × 10 s + dynamic share 50 W × 0.25 busy × 10 s = 625 J.
      const nominal = run(0.25, 0);
      expect(nominal.makespanS).toBe(10);
      expect(nominal.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(625, 9);
      expect(nominal.energyKWh * J_PER_KWH).toBeCloseTo(2000 + 125, 9);
      // 1 GHz: the 2.5 busy seconds take 5, the 7.5 waiting seconds do not change: 12.5 s, busy 40 %.
      // Idle share 50 W × 12.5 s + dynamic share (130 − 100) / 2 W × 0.4 × 12.5 s = 625 + 75 J.
      const slowed = run(0.25, 1);
      expect(slowed.makespanS).toBe(12.5);
      expect(slowed.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(700, 9);
      expect(slowed.energyKWh * J_PER_KWH).toBeCloseTo(2 * 100 * 12.5 + 75, 9);
      // The planners' model of the same (levelStretch, taskPowerW) agrees with the twin.
      const type = dvfsPlatform.nodeTypes[0]!;
      expect(10 * levelStretch(type, 1, 0.25)).toBe(12.5);
      expect(taskPowerW(type, 1, 0, 1, 0.25) * 12.5).toBeCloseTo(700, 9);
      expect(taskPowerW(type, 1, 0, 0, 1)).toBe(100);
    });

    it('a task that only waits takes as long at any frequency and draws no dynamic power', () => {
      const r = run(0, 1);
      expect(r.makespanS).toBe(10);
      expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(500, 9);
    });

    it('rejects a utilisation outside 0–1', () => {
      expect(() => run(1.5, 0)).toThrow(/cpuUtilisation 1\.5; it must be between 0 and 1/);
      expect(() => run(Number.NaN, 0)).toThrow(/SIM_BAD_WORKLOAD|cpuUtilisation/);
    });
  });
});
