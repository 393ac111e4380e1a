/**
 * Every placement policy, by name, on a real recorded workflow and the example continuum: the plan is
 * valid (dependencies, transfers, node capacity) and the digital twin plays it to the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runSimulate } from '../src/cli/commands/simulate-command.js';
import {
  checkPlan,
  FirstFitPolicy,
  IndexedFirstFitPolicy,
  ONLINE_POLICY_NAMES,
  onlineScheduler,
  planAssignment,
  planWith,
  POLICY_NAMES,
} from '../src/scheduler/index.js';
import { simulate, simulateOnline } from '../src/sim/index.js';
import { parsePlatform } from '../src/platform/index.js';
import { importWfCommons } from '../src/formats/wfcommons/index.js';

const root = join(import.meta.dirname, '..');
const imported = importWfCommons(
  readFileSync(join(root, 'test/fixtures/wfcommons/srasearch-chameleon-10a-001.json'), 'utf8'),
  { file: 'srasearch' },
);
const parsed = parsePlatform(readFileSync(join(root, 'examples/platforms/continuum.yaml'), 'utf8'), {
  file: 'continuum.yaml',
});

describe('placement policies on a recorded workflow', () => {
  it('parses its inputs', () => {
    expect(imported.ok).toBe(true);
    expect(parsed.ok).toBe(true);
  });
  if (!imported.ok || !parsed.ok) return;
  const workload = imported.workload;
  const platform = parsed.platform;

  for (const name of POLICY_NAMES) {
    it(`${name}: a valid plan with reasons, played to the end by the twin`, () => {
      const plan = planWith(name, workload, platform);
      expect(plan.tasks).toHaveLength(workload.tasks.length);
      expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
      for (const p of plan.tasks) expect(Object.keys(p.reason).length).toBeGreaterThan(0);
      const report = simulate(workload, platform, planAssignment(plan, workload.tasks.length), { seed: 7 });
      expect(report.tasksFinished).toBe(workload.tasks.length);
      expect(report.makespanS).toBeGreaterThan(0);
      expect(report.energyKWh).toBeGreaterThan(0);
    });
  }
});

describe('online policies', () => {
  if (!imported.ok || !parsed.ok) return;
  const workload = imported.workload;
  const platform = parsed.platform;

  it('first-fit is the engine’s own policy, driven by the twin to the end', () => {
    expect(ONLINE_POLICY_NAMES.every((n) => (POLICY_NAMES as readonly string[]).includes(n))).toBe(true);
    expect(onlineScheduler('heft')).toBeUndefined();
    const scheduler = onlineScheduler('first-fit');
    expect(scheduler).toBeInstanceOf(IndexedFirstFitPolicy);
    const report = simulateOnline(workload, platform, scheduler!, { seed: 7 });
    expect(report.tasksFinished).toBe(workload.tasks.length);
    expect(report.makespanS).toBeGreaterThan(0);
    // The scanning reference implementation decides the same.
    expect(simulateOnline(workload, platform, new FirstFitPolicy(), { seed: 7 })).toEqual(report);
  });

  it('strata simulate --policy first-fit runs online', () => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    try {
      runSimulate({
        workflow: join(root, 'test/fixtures/wfcommons/srasearch-chameleon-10a-001.json'),
        platform: join(root, 'examples/platforms/continuum.yaml'),
        policy: 'first-fit',
        seed: '7',
        json: true,
      });
    } finally {
      log.mockRestore();
    }
    const summary = JSON.parse(out.join('\n')) as { policy: string; makespanS: number; tasks: number };
    const online = simulateOnline(workload, platform, new FirstFitPolicy(), { seed: 7 });
    expect(summary).toMatchObject({ policy: 'first-fit', tasks: workload.tasks.length });
    expect(summary.makespanS).toBe(online.makespanS);
  });
});
