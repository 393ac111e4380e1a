/**
 * Every placement policy, by name, on a real recorded workflow and the example continuum: the plan is
 * valid (dependencies, transfers, node capacity) and the digital twin plays it to the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlan, planAssignment, planWith, POLICY_NAMES } from '../src/scheduler/index.js';
import { simulate } from '../src/sim/index.js';
import { importWfCommons, parsePlatform } from '../src/workflow/index.js';

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
