/**
 * Carbon-aware placement: HEFT's order (upward ranks), and each task on the node type — hence the
 * site — where it emits the least carbon, within the makespan budget of energy-aware HEFT; a task
 * marked `flexible` may also start later, up to `maxDelayS`, when a greener hour comes.
 *
 * Carbon of a task on a type, run over [s, s + exec] (plan seconds; the series are read from
 * `startAtS + s`):
 *
 *     C = taskEnergyJ(type, cores, exec) × mean intensity of the type's site over the run / 3.6e6   g
 *
 * plus the carbon of moving its inputs there and — looking one step ahead — its outputs to where
 * HEFT's plan runs their readers (transfer-energy.ts; each at the receiving site's intensity).
 *
 * (the mean is exact, see carbon-intensity.ts). Budget: as in energy-aware HEFT
 * ({@link deadlineBudget}): deadline D = (1 + slack) × HEFT's makespan, and a task may finish up to
 * its latest finish under D; when contention pushes the plan past D, the share of that room tasks
 * may use is bisected ({@link mostFrugalByDeadline}) and the least-carbon plan that ends by D wins.
 * Default slack 0.1: sites differ far more in intensity (×9.5 on the example continuum: 380 vs 40 g/kWh) than
 * node types in energy, so a little more time buys much more than it does for energy-aware HEFT.
 *
 * Flexible tasks trade time for carbon on their own terms: such a task may finish by
 * max(its latest finish under D, its earliest finish + maxDelayS) and start up to maxDelayS after
 * its option's earliest start, so the workflow may end up to the delays later than D (the deadline
 * binds the non-flexible work; the bisection accepts D + maxDelayS when any task is flexible). For a
 * window of fixed length the mean of a piecewise-constant intensity is piecewise linear in the start,
 * with kinks where the start or the end crosses a step, so the best start is the earliest one, the
 * latest one or one that starts or ends on a step: those are the only ones tried (exact).
 *
 * No deliberate delay needed a change to the planner: the chooser returns the chosen `TypeOption`
 * with a later `start`/`finish`, which `PlatformPlanner.commit` books as it is (a later start on a
 * node whose cores are free sooner is always valid).
 *
 * @example
 * const plan = carbonAwarePolicy(workload, platform, { slack: 0.1, startAtS: 8 * 3600 });
 * plan.tasks[0]?.reason; // { policy: 'carbon-aware', carbonG, intensity, energyJ, eft, delay, bestEft, ... }
 * planCarbonG(plan, 8 * 3600) / planCarbonG(heftOnPlatform(workload, platform), 8 * 3600); // e.g. 0.4
 */
import type { CarbonIntensity, Platform, Workload } from '../../model/index.js';
import { energyCarbonG, intensityChanges, meanIntensity } from '../../energy/index.js';
import { deadlineBudget, fitsAtP90, modelTaskEnergyJ, planFrugally } from './energy-heft-policy.js';
import {
  earliestFinish,
  rankedModel,
  withDvfsLevels,
  type PlatformOptions,
  type PlatformPlan,
  type TypeOption,
} from './heft-policy.js';
import type { PlatformCostModel } from './platform-costs.js';
import { planTransfers } from './transfer-energy.js';

export interface CarbonAwareOptions extends PlatformOptions {
  /** Fraction of HEFT's makespan the non-flexible work may lose to save carbon (default 0.1). */
  slack?: number;
  /** Where plan time 0 falls on the sites' carbon series, in seconds (default 0). */
  startAtS?: number;
  /** How long a `flexible` task may wait past its earliest start for a greener hour (default 86,400 s). */
  maxDelayS?: number;
  /** Plans tried at most, beyond the first, to meet the deadline under contention (default 6). */
  passes?: number;
}

/** The carbon intensity of the site of each node type of a cost model, in type order. */
export function typeCarbon(model: PlatformCostModel): CarbonIntensity[] {
  return model.types.map((_, p) => model.platform.sites[model.siteOfType[p]!]!.carbon);
}

/** Grams of CO2e of task `t` run on a node of `type` over [startS, finishS] of the plan. */
export function taskCarbonG(
  model: PlatformCostModel,
  carbon: readonly CarbonIntensity[],
  t: number,
  type: number,
  startS: number,
  finishS: number,
  startAtS = 0,
  level = 0,
): number {
  const energy = modelTaskEnergyJ(model, t, type, finishS - startS, level);
  return energyCarbonG(carbon[type]!, energy, startAtS + startS, startAtS + finishS);
}

/** Total carbon of a platform plan in grams: task energy × site intensity over each run, plus transfers. */
export function planCarbonG(plan: PlatformPlan, startAtS = 0): number {
  const carbon = typeCarbon(plan.model);
  let sum = planTransfers(plan, startAtS).grams;
  for (const pt of plan.tasks)
    sum += taskCarbonG(
      plan.model,
      carbon,
      pt.task,
      plan.nodes.typeOf(pt.processor),
      pt.start,
      pt.finish,
      startAtS,
      pt.level ?? 0,
    );
  return sum;
}

export function carbonAwarePolicy(
  workload: Workload,
  platform: Platform,
  options: CarbonAwareOptions = {},
): PlatformPlan {
  const slack = options.slack ?? 0.1;
  const startAtS = options.startAtS ?? 0;
  const maxDelayS = options.maxDelayS ?? 86_400;
  if (!(slack >= 0)) throw new RangeError(`carbonAwarePolicy: slack must be ≥ 0, got ${slack}`);
  if (!(maxDelayS >= 0)) throw new RangeError(`carbonAwarePolicy: maxDelayS must be ≥ 0, got ${maxDelayS}`);
  if (!Number.isFinite(startAtS))
    throw new RangeError(`carbonAwarePolicy: startAtS must be finite, got ${startAtS}`);
  const { model, rank, order } = rankedModel(workload, platform, options);
  const budget = deadlineBudget(model, order, rank, slack);
  const carbon = typeCarbon(model);
  const anyFlexible = maxDelayS > 0 && workload.tasks.some((t) => t.flexible === true);
  const taskEmission = (t: number, type: number, start: number, exec: number, level: number): number =>
    taskCarbonG(model, carbon, t, type, start, start + exec, startAtS, level);

  return planFrugally({
    model,
    order,
    rank,
    budget,
    policy: 'carbon-aware',
    cost: (p) => planCarbonG(p, startAtS),
    deadline: budget.deadline + (anyFlexible ? maxDelayS : 0),
    passes: options.passes ?? 6,
    chooser: (ledger, expected, aggressiveness) => (t, opts) => {
      // Carbon of bringing the inputs to each option's site (it does not depend on the start).
      // With the look-ahead: moving its outputs to where HEFT runs their readers, at those sites'
      // intensity around its earliest finish.
      const moveG = new Map<number, number>();
      for (const o of opts) {
        const site = model.siteOfType[o.type]!;
        moveG.set(o.type, ledger.move(t, site, expected, startAtS + o.ready, startAtS + o.finish).grams);
      }
      const emission = (o: TypeOption, start: number): number =>
        taskEmission(t, o.type, start, o.exec, o.level) + moveG.get(o.type)!;
      const fastest = earliestFinish(opts);
      const flexible = maxDelayS > 0 && workload.tasks[t]!.flexible === true;
      let limit = budget.latestFinish(t, fastest.finish, aggressiveness);
      if (flexible) limit = Math.max(limit, fastest.finish + maxDelayS);
      const fastestC = emission(fastest, fastest.start);
      let best: TypeOption = fastest;
      let bestC = fastestC;
      const consider = (o: TypeOption, start: number): void => {
        const c = emission(o, start);
        const finish = start + o.exec;
        const tie = Math.abs(c - bestC) <= 1e-9 * Math.max(bestC, 1e-300);
        if ((c < bestC && !tie) || (tie && finish < best.finish)) {
          best = { ...o, start, finish };
          bestC = c;
        }
      };
      for (const o of opts.flatMap((nominal) => withDvfsLevels(model, t, nominal))) {
        if (!fitsAtP90(model, t, o, limit)) continue;
        consider(o, o.start);
        if (!flexible) continue;
        const latest = Math.min(o.start + maxDelayS, limit - o.exec);
        if (!(latest > o.start)) continue;
        // Starts or ends on a step of the site's series, and the latest start (see the header).
        for (const at of intensityChanges(carbon[o.type]!, startAtS + o.start, startAtS + latest + o.exec)) {
          for (const start of [at - startAtS, at - startAtS - o.exec])
            if (start > o.start && start <= latest) consider(o, start);
        }
        consider(o, latest);
      }
      return {
        option: best,
        reason: {
          carbonG: bestC,
          intensity: meanIntensity(carbon[best.type]!, startAtS + best.start, startAtS + best.finish),
          energyJ: modelTaskEnergyJ(model, t, best.type, best.exec, best.level),
          delay: best.start - (opts.find((o) => o.type === best.type)?.start ?? best.start),
          bestEft: fastest.finish,
          bestCarbonG: fastestC,
          latestFinish: limit,
          aggressiveness,
        },
      };
    },
  });
}
