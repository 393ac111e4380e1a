import { describe, expect, it } from 'vitest';
import { simulate, simulateOnline } from '../../sim/simulate.js';
import { PlanGuidedPolicy, nodeTypeOfId, planGuidedScheduler } from './plan-guided-policy.js';
import { onlineScheduler, planAssignment, planWith } from '../policy-registry.js';
import type { NodeView, ReadyTask } from '../scheduler.js';
import { energyAwareHeft } from '../planners/energy-heft-policy.js';
import { dvfsForkJoin, layeredWorkload, nodeTypeBuilder, platformOf } from '../testing/fixtures.js';

const view = (id: string, cpus: number): NodeView => ({
  id,
  capacity: { cpus, memoryBytes: 2 ** 34, gpuIds: [] },
  free: { cpus, memoryBytes: 2 ** 34, gpuIds: [] },
});
const ready = (key: string, cpus = 1): ReadyTask => ({ key, resources: { cpus, memoryBytes: 0, gpus: 0 } });

describe('PlanGuidedPolicy', () => {
  const plan = new Map([
    ['a', { type: 'green', order: 5, reason: { policy: 'carbon-aware', carbonG: 1 } }],
    ['b', { type: 'fast', order: 1, reason: { policy: 'carbon-aware', carbonG: 9 } }],
    ['c', { type: 'green', order: 2, reason: { policy: 'carbon-aware', carbonG: 2 } }],
  ]);

  it('puts each task on a node of its planned type, planned order first, never elsewhere', () => {
    const s = new PlanGuidedPolicy(plan, { name: 'carbon-aware' });
    const nodes = [view('fast#0', 4), view('green#0', 1), view('green#1', 1)];
    const out = s.place([ready('a'), ready('b'), ready('c')], nodes, 0);
    // b (order 1) → fast#0; c (order 2) → green#0; a (order 5) → green#1.
    expect(out.map((p) => [p.key, p.nodeId])).toEqual([
      ['b', 'fast#0'],
      ['c', 'green#0'],
      ['a', 'green#1'],
    ]);
    expect(out[1]!.reason).toMatchObject({
      policy: 'carbon-aware',
      mode: 'plan-guided',
      plannedType: 'green',
      plannedStart: 2,
      carbonG: 2,
    });
    // With one green core, a waits for it although the fast node has 3 cores free.
    const busy = s.place([ready('a'), ready('c')], [view('fast#0', 3), view('green#0', 1)], 0);
    expect(busy.map((p) => [p.key, p.nodeId])).toEqual([['c', 'green#0']]);
  });

  it('places a task the plan does not know, or planned on a type absent here, first-fit anywhere', () => {
    const s = new PlanGuidedPolicy(plan, { name: 'heft', types: ['fast'] });
    const out = s.place([ready('zzz', 2), ready('a')], [view('local', 4)], 0);
    expect(out.map((p) => [p.key, p.nodeId, p.reason.mode])).toEqual([
      ['a', 'local', 'planned type absent here: first fit'],
      ['zzz', 'local', 'not in the plan: first fit'],
    ]);
  });

  it('reads node types from platform node ids', () => {
    expect(nodeTypeOfId('hpc-cpu#12')).toBe('hpc-cpu');
    expect(nodeTypeOfId('a#b#3')).toBe('a#b');
    expect(nodeTypeOfId('local')).toBe('local');
  });
});

describe('planning policies online in the digital twin', () => {
  const nodes = nodeTypeBuilder({ cores: 4, idleW: 20, maxW: 100 });

  it('plan-guided runs keep the plan’s node types, and survive node crashes', () => {
    const w = layeredWorkload(400, 8, 7, 5e7);
    const platform = platformOf(
      [nodes('fast', 'A', { count: 6, speed: 2, maxW: 300 }), nodes('slow', 'B', { count: 6, speed: 1 })],
      { links: [{ from: 'A', to: 'B', bandwidthBps: 1e9, latencyS: 0.01, energyJPerByte: 0 }] },
    );
    const plan = planWith('energy-heft', w, platform);
    const planned = new Map(plan.tasks.map((pt) => [pt.task, plan.nodes.typeOf(pt.processor)]));
    const online = simulateOnline(w, platform, planGuidedScheduler(plan, 'energy-heft'), {
      seed: 3,
      trace: true,
    });
    expect(online.tasksFinished).toBe(w.tasks.length);
    const typeOfNode = (g: number): number => (g < 6 ? 0 : 1);
    for (let t = 0; t < w.tasks.length; t++) expect(typeOfNode(online.trace!.node[t]!)).toBe(planned.get(t));
    // Against the plan replayed node for node, same energy within a few %, makespan not worse than 10 %.
    const replay = simulate(w, platform, planAssignment(plan, w.tasks.length), { seed: 3 });
    expect(online.workflowEnergyKWh).toBeCloseTo(replay.workflowEnergyKWh, 1);
    expect(online.makespanS).toBeLessThan(replay.makespanS * 1.1);
    // Crashes: every task still finishes, and each on its planned type.
    const crashed = simulateOnline(w, platform, onlineScheduler('energy-heft', { workload: w, platform })!, {
      seed: 3,
      trace: true,
      failures: { nodeMtbfS: online.makespanS, repairS: 60 },
    });
    expect(crashed.failures.nodeCrashes).toBeGreaterThan(0);
    expect(crashed.tasksFinished + crashed.failures.failedTasks + crashed.failures.skippedTasks).toBe(
      w.tasks.length,
    );
    for (let t = 0; t < w.tasks.length; t++) {
      const node = crashed.trace!.node[t]!;
      if (node >= 0) expect(typeOfNode(node)).toBe(planned.get(t));
    }
  });

  it('onlineScheduler: first-fit natively, a planning policy only with a workload and platform', () => {
    expect(onlineScheduler('first-fit')?.name).toBe('first-fit');
    expect(onlineScheduler('heft')).toBeUndefined();
    expect(onlineScheduler('nope')).toBeUndefined();
  });
});

describe('plan-guided placements at a planned CPU frequency', () => {
  it('carries the plan’s DVFS level as cpuFrequencyHz, and the twin plays it', () => {
    const { platform, workload: w } = dvfsForkJoin();
    const plan = energyAwareHeft(w, platform, { slack: 0 });
    const assignment = planAssignment(plan, w.tasks.length);
    expect([...assignment.level!]).toEqual([0, 0, 1, 0]);
    const offline = simulate(w, platform, assignment, { seed: 1 });
    const online = simulateOnline(w, platform, planGuidedScheduler(plan, 'energy-heft'), { seed: 1 });
    expect(offline.makespanS).toBe(120);
    expect(online.makespanS).toBe(120);
    expect(online.workflowEnergyKWh).toBeCloseTo(offline.workflowEnergyKWh, 12);
    const placed = planGuidedScheduler(plan, 'energy-heft').place([ready('2')], [view('n#0', 4)], 0);
    expect(placed[0]).toMatchObject({ nodeId: 'n#0', cpuFrequencyHz: 1e9 });
  });
});
