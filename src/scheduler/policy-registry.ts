/**
 * The placement policies by name, as `strata simulate --policy NAME` and the benchmarks choose them,
 * each producing a plan on a platform, and the plan turned into the simulator's assignment.
 *
 * @example
 * const plan = planWith('heft', workload, platform);
 * const { nodeOf, priority } = planAssignment(plan, workload.tasks.length);
 * const scheduler = onlineScheduler('first-fit'); // the engine's own policy object, or undefined
 */
import type { Platform, Workload } from '../model/index.js';
import { IndexedFirstFitPolicy } from './online/indexed-first-fit-policy.js';
import { carbonAwarePolicy } from './planners/carbon-aware-policy.js';
import { planGuidedScheduler } from './online/plan-guided-policy.js';
import { energyAwareHeft } from './planners/energy-heft-policy.js';
import { heftOnPlatform, planOnPlatform } from './planners/heft-policy.js';
import type { PlatformPlan } from './planners/heft-policy.js';
import { localityPolicy } from './planners/locality-policy.js';
import { minMin } from './planners/min-min-policy.js';
import { multiObjectivePolicy } from './planners/multi-objective-policy.js';
import type { MultiObjectiveOptions } from './planners/multi-objective-policy.js';
import { platformCostModel } from './planners/platform-costs.js';
import type { Scheduler } from './scheduler.js';
import { topologicalOrder } from './planners/upward-rank.js';

export const POLICY_NAMES = [
  'first-fit',
  'heft',
  'min-min',
  'energy-heft',
  'carbon-aware',
  'locality',
  'multi-objective',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/**
 * The policies that exist natively as online schedulers (the engine's `Scheduler` contract): the
 * simulator drives them as the engine does (`simulateOnline`) instead of playing a static plan. The
 * planning policies run online too, plan-guided (plan-guided-policy.ts): see `onlineScheduler`.
 */
export const ONLINE_POLICY_NAMES = ['first-fit'] as const;

/** What a planning policy needs to run online: the workload and platform to plan on. */
export interface OnlineContext {
  workload: Workload;
  platform: Platform;
  options?: PolicyOptions;
}

/**
 * The engine's scheduler for `name`, a fresh object: `first-fit` natively; with a `context`, any
 * other policy as its plan followed online (each task on a free node of its planned type, planned
 * order; `planGuidedScheduler`). Undefined for a planning policy without a context, or an unknown name.
 */
export function onlineScheduler(name: string, context?: OnlineContext): Scheduler | undefined {
  if (name === 'first-fit') {
    // The engine's default policy: the same code places tasks in both worlds.
    return new IndexedFirstFitPolicy();
  }
  if (context && isPolicyName(name))
    return planGuidedScheduler(planWith(name, context.workload, context.platform, context.options), name);
  return undefined;
}

/**
 * First-fit as a static plan, the baseline: tasks in topological order, each on the node that can
 * start it first (whatever its speed), node types in platform order on ties.
 */
export function firstFitPlan(workload: Workload, platform: Platform): PlatformPlan {
  const model = platformCostModel(workload, platform);
  return planOnPlatform(model, topologicalOrder(model), 'first-fit', (_t, options) => {
    let best = options[0]!;
    for (const o of options) if (o.start < best.start) best = o;
    return { option: best, reason: { start: best.start } };
  });
}

export interface PolicyOptions {
  /** Seconds into the sites' carbon series at which the workflow starts. */
  startAtS?: number;
  /** For `multi-objective`; default all 1. */
  weights?: MultiObjectiveOptions['weights'];
}

export function planWith(
  name: PolicyName,
  workload: Workload,
  platform: Platform,
  options: PolicyOptions = {},
): PlatformPlan {
  const startAtS = options.startAtS ?? 0;
  switch (name) {
    case 'first-fit':
      return firstFitPlan(workload, platform);
    case 'heft':
      return heftOnPlatform(workload, platform);
    case 'min-min':
      return minMin(workload, platform);
    case 'energy-heft':
      return energyAwareHeft(workload, platform);
    case 'carbon-aware':
      return carbonAwarePolicy(workload, platform, { startAtS });
    case 'locality':
      return localityPolicy(workload, platform);
    case 'multi-objective':
      return multiObjectivePolicy(workload, platform, {
        weights: options.weights ?? { makespan: 1, energy: 1, carbon: 1, bytes: 1 },
        startAtS,
      });
  }
}

/**
 * The plan as the simulator plays it: each task on its planned node, in planned start order, at its
 * planned DVFS level (`level` only when some task runs below its nominal frequency), and not before
 * its planned start when the plan makes it wait on purpose (`notBefore`: a carbon-aware delay of
 * flexible work, `reason.delay` > 0).
 */
export function planAssignment(
  plan: PlatformPlan,
  tasks: number,
): { nodeOf: Int32Array; priority: Float64Array; level?: Uint8Array; notBefore?: Float64Array } {
  const nodeOf = new Int32Array(tasks);
  const priority = new Float64Array(tasks);
  let level: Uint8Array | undefined;
  let notBefore: Float64Array | undefined;
  for (const p of plan.tasks) {
    nodeOf[p.task] = p.processor;
    priority[p.task] = p.start;
    if (p.level) (level ??= new Uint8Array(tasks))[p.task] = p.level;
    // A deliberate wait (carbon-aware, flexible work): the task must not start before its planned start.
    const delay = p.reason.delay;
    if (typeof delay === 'number' && delay > 0) (notBefore ??= new Float64Array(tasks))[p.task] = p.start;
  }
  return { nodeOf, priority, ...(level ? { level } : {}), ...(notBefore ? { notBefore } : {}) };
}
