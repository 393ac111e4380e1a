/**
 * Energy-aware HEFT: HEFT's order (upward ranks), but each task goes to the node type — and, where
 * the type offers lower CPU frequencies (DVFS levels, `NodeType.dvfs`), the frequency — where it
 * costs the least energy among those that finish it almost as early as the best one. At a lower
 * frequency the busy share of a task's run (`WorkloadTask.cpuUtilisation`) takes 1 / speedFactor times
 * as long, at that level's power (`levelStretch`, `taskEnergyJ`'s `level`).
 *
 * Energy model (per task, attributable energy): a node of type T draws `idleW` at idle and `maxW`
 * at full load, linear in the share of its cores in use. A task holding c of the C cores of a node
 * for `exec` seconds adds the dynamic power (maxW − idleW)·c/C and is charged its share of the
 * idle power idleW·c/C, so
 *
 *     E(task, T) = (idleW + (maxW − idleW) · busy) · c / C · exec(task, T)      joules
 *
 * (`taskPowerW` × exec), where busy is the fraction of the run its cores compute (`cpuUtilisation`,
 * 1 unless known; `levelBusyFraction` at a lower frequency)
 * (+ g · gpuMaxW · exec for the g GPUs it holds when the type gives GPU power apart: then idleW and
 * maxW are the host's, and a CPU-only task pays nothing for the GPUs),
 * plus the energy of moving its inputs to the type's site ({@link TransferLedger}: link joules
 * per byte, once per file and site, as the digital twin charges it). Idle power of cores that nobody
 * uses is not attributed to tasks. The choice also looks one step ahead: the energy of moving the
 * task's outputs to where HEFT's plan runs their readers, were they to stay there.
 *
 * Admissible types: a task may finish later than its earliest finish (the HEFT choice) as long as
 * the workflow can still end by the deadline D = (1 + slack) × HEFT's makespan (HEFT is planned
 * first). With tail(t) a lower bound on the time from t's end to the workflow's end (the longest
 * path below t with each task at its fastest node type and free transfers), t may finish at
 *
 *     max(bestEft, D − tail(t)).
 *
 * So tasks off the critical path take the frugal types freely, and tasks on it only within the
 * slack. A bound per task relative to its own finish instead (finish ≤ (1 + slack) × bestEft)
 * compounds along a chain — every task may lose it again — and saves nothing where it matters,
 * off the critical path. tail(t) ignores contention and transfers, so it is stretched by HEFT's
 * makespan over the contention-free critical path; and when the plan still ends after D, the policy
 * bisects on the share a of that room tasks may use (finish ≤ bestEft + a·room, up to `passes`
 * more plans) and keeps the most frugal plan that ends by D. With a = 0 it is HEFT but for ties in
 * finish time, which go to the lower energy; in the unlikely case that even that plan ends after D,
 * it is returned as it is.
 *
 * @example
 * const plan = energyAwareHeft(workload, platform, { slack: 0.05 });
 * plan.tasks[0]?.reason; // { policy: 'energy-heft', eft, energyJ, bestEft, bestEnergyJ, latestFinish, ... }
 */
import { type NodeType, type Platform, type Workload } from '../../model/index.js';
import { taskPowerW } from '../../energy/index.js';
import {
  earliestFinish,
  planOnPlatform,
  withDvfsLevels,
  rankedModel,
  type PlatformOptions,
  type PlatformPlan,
  type TypeChooser,
  type TypeOption,
} from './heft-policy.js';
import type { PlatformCostModel } from './platform-costs.js';
import { planSites } from './locality-policy.js';
import { planTransfers, TransferLedger } from './transfer-energy.js';

/**
 * Energy in joules a task holding `cores` (and `gpus`) of a node of `type` for `execS` seconds is
 * charged: `taskPowerW` × time (its share of the node's idle power, and of its dynamic power while its
 * cores are busy, `cpuUtilisation` of the run at nominal frequency).
 */
export function taskEnergyJ(
  type: NodeType,
  cores: number,
  execS: number,
  gpus = 0,
  level = 0,
  cpuUtilisation = 1,
): number {
  return taskPowerW(type, cores, gpus, level, cpuUtilisation) * execS;
}

/**
 * `taskEnergyJ` of task `t` of a cost model on its node type `type` (an index into `model.types`):
 * the task's cores, GPUs and CPU utilisation, for `execS` seconds at DVFS `level`.
 */
export function modelTaskEnergyJ(
  model: PlatformCostModel,
  t: number,
  type: number,
  execS: number,
  level = 0,
): number {
  const task = model.workload.tasks[t]!;
  return taskEnergyJ(model.types[type]!, model.cores(t), execS, task.gpus, level, task.cpuUtilisation);
}

/** Total attributable energy of a platform plan, in joules: its tasks' ({@link taskEnergyJ}) and transfers'. */
export function planEnergyJ(plan: PlatformPlan): number {
  let sum = planTransfers(plan).joules;
  for (const pt of plan.tasks) {
    sum += modelTaskEnergyJ(
      plan.model,
      pt.task,
      plan.nodes.typeOf(pt.processor),
      pt.finish - pt.start,
      pt.level ?? 0,
    );
  }
  return sum;
}

export interface EnergyAwareOptions extends PlatformOptions {
  /** Fraction of HEFT's makespan the plan may lose to save energy (default 0.05). */
  slack?: number;
  /** Plans tried at most, beyond the first, to meet the deadline under contention (default 6). */
  passes?: number;
  /**
   * Whether tasks may run at lower CPU frequencies where their node type offers them (DVFS levels,
   * `NodeType.dvfs`; default true).
   */
  dvfs?: boolean;
}

export function energyAwareHeft(
  workload: Workload,
  platform: Platform,
  options: EnergyAwareOptions = {},
): PlatformPlan {
  const slack = options.slack ?? 0.05;
  if (!(slack >= 0)) throw new RangeError(`energyAwareHeft: slack must be ≥ 0, got ${slack}`);
  const { model, rank, order } = rankedModel(workload, platform, options);
  const budget = deadlineBudget(model, order, rank, slack);
  const dvfs = options.dvfs ?? true;

  return planFrugally({
    model,
    order,
    rank,
    budget,
    policy: 'energy-heft',
    cost: planEnergyJ,
    deadline: budget.deadline,
    passes: options.passes ?? 6,
    chooser: (ledger, expected, aggressiveness) => (t, opts) => {
      const fastest = earliestFinish(opts);
      const energy = (o: (typeof opts)[number]): number => {
        const site = model.siteOfType[o.type]!;
        return (
          modelTaskEnergyJ(model, t, o.type, o.exec, o.level) + ledger.move(t, site, expected, 0, 0).joules
        );
      };
      const limit = budget.latestFinish(t, fastest.finish, aggressiveness);
      let best = fastest;
      let bestE = energy(fastest);
      for (const nominal of opts)
        for (const o of dvfs ? withDvfsLevels(model, t, nominal) : [nominal]) {
          if (!fitsAtP90(model, t, o, limit)) continue;
          const e = energy(o);
          if (e < bestE || (e === bestE && o.finish < best.finish)) {
            best = o;
            bestE = e;
          }
        }
      return {
        option: best,
        reason: {
          energyJ: bestE,
          bestEft: fastest.finish,
          bestEnergyJ: energy(fastest),
          latestFinish: limit,
          aggressiveness,
        },
      };
    },
  });
}

/**
 * Whether option `o` for `t` finishes by `limit`, and, when it runs below its nominal frequency,
 * would still do so if the task's work were its p90 estimate (`workP90`): a task is slowed down only
 * into slack that an underestimate would not use up (at the nominal frequency, HEFT's own risk).
 */
export function fitsAtP90(model: PlatformCostModel, t: number, o: TypeOption, limit: number): boolean {
  if (o.finish > limit) return false;
  return o.level === 0 || o.start + model.execP90AtLevel(t, o.type, o.level) <= limit;
}

/**
 * The planning loop the frugal policies (energy-aware HEFT, carbon-aware) share. Each plan gets its
 * own {@link TransferLedger}: the chooser prices data movement with it (`expected`: where the
 * look-ahead expects readers, or null for none) and each choice is committed to it. Plans are made
 * with and without the look-ahead ({@link withAndWithoutLookAhead}), each bisecting on the
 * aggressiveness until it ends by `deadline` ({@link mostFrugalByDeadline}); the least `cost` wins.
 */
export function planFrugally(args: {
  model: PlatformCostModel;
  order: Int32Array;
  rank: Float64Array;
  budget: DeadlineBudget;
  policy: string;
  cost: (p: PlatformPlan) => number;
  deadline: number;
  passes: number;
  chooser: (ledger: TransferLedger, expected: Int32Array | null, aggressiveness: number) => TypeChooser;
}): PlatformPlan {
  const { model, order, rank, cost, deadline, passes } = args;
  const plan = (aggressiveness: number, expected: Int32Array | null): PlatformPlan => {
    const ledger = new TransferLedger(model);
    const choose = args.chooser(ledger, expected, aggressiveness);
    return planOnPlatform(
      model,
      order,
      args.policy,
      (t, opts) => {
        const choice = choose(t, opts);
        ledger.commit(t, model.siteOfType[choice.option.type]!);
        return choice;
      },
      rank,
    );
  };
  return withAndWithoutLookAhead(planSites(args.budget.heft), cost, (expected) =>
    mostFrugalByDeadline((a) => plan(a, expected), cost, deadline, passes),
  );
}

/**
 * The makespan budget of the frugal policies (energy-aware HEFT, carbon-aware): HEFT is planned
 * first, the deadline is D = (1 + slack) × its makespan, and a task whose earliest finish is
 * `bestEft` may finish up to `bestEft + a · max(0, D − stretch · tail(t) − bestEft)` (see the module
 * header; `a` is the aggressiveness, 0 = HEFT's choice, 1 = all the room).
 */
export interface DeadlineBudget {
  heft: PlatformPlan;
  deadline: number;
  latestFinish(t: number, bestEft: number, aggressiveness: number): number;
}

export function deadlineBudget(
  model: PlatformCostModel,
  order: Int32Array,
  rank: Float64Array,
  slack: number,
): DeadlineBudget {
  const heft = planOnPlatform(model, order, 'heft', (_t, opts) => ({ option: earliestFinish(opts) }), rank);
  const deadline = (1 + slack) * heft.makespan;
  const { tail, criticalPath } = fastestTails(model, order);
  // How much longer than the contention-free critical path HEFT's plan is: tails stretch as much.
  const stretch = criticalPath > 0 ? Math.max(1, heft.makespan / criticalPath) : 1;
  return {
    heft,
    deadline,
    latestFinish: (t, bestEft, a) => bestEft + a * Math.max(0, deadline - stretch * tail[t]! - bestEft),
  };
}

/**
 * The cheaper of the plans made with the look-ahead at outputs (readers expected where `expected`
 * puts them) and without it. The look-ahead keeps a task from a frugal site whose outputs its
 * readers would have to fetch back, but is wrong when the readers follow it there: neither is
 * always better, and a plan is cheap to make.
 */
export function withAndWithoutLookAhead(
  expected: Int32Array,
  cost: (p: PlatformPlan) => number,
  make: (expected: Int32Array | null) => PlatformPlan,
): PlatformPlan {
  const ahead = make(expected);
  const blind = make(null);
  return cost(blind) < cost(ahead) ? blind : ahead;
}

/**
 * `plan(1)` (the full room) first; when contention pushes its makespan past `deadline`, bisects on
 * the aggressiveness (`passes` more plans at most) and returns the plan of least `cost` among those
 * that end by the deadline and `plan(0)` (HEFT's choices, ties to the frugal type), which always
 * competes: so the policy is never costlier than that plan by its own model.
 */
export function mostFrugalByDeadline(
  plan: (aggressiveness: number) => PlatformPlan,
  cost: (p: PlatformPlan) => number,
  deadline: number,
  passes: number,
): PlatformPlan {
  let best: PlatformPlan | undefined;
  let bestCost = Infinity;
  const consider = (p: PlatformPlan): boolean => {
    if (p.makespan > deadline * (1 + 1e-12)) return false;
    const c = cost(p);
    if (c < bestCost) {
      best = p;
      bestCost = c;
    }
    return true;
  };
  let lo = 0;
  let hi = 1;
  if (!consider(plan(1)))
    for (let i = 0; i < passes; i++) {
      const mid = (lo + hi) / 2;
      if (consider(plan(mid))) lo = mid;
      else hi = mid;
    }
  // The greedy choices can add up to more than HEFT's own choice costs (a task sent to a frugal site
  // whose outputs must come back): plan(0), HEFT's choices but for ties, is always a candidate.
  const fallback = plan(0);
  if (!best || cost(fallback) < bestCost) return fallback;
  return best;
}

/**
 * Per task, a lower bound on the time from its end to the workflow's end: the longest path below
 * it with every task at its fastest node type and transfers free. `order` lists parents first.
 */
function fastestTails(
  model: PlatformCostModel,
  order: Int32Array,
): { tail: Float64Array; criticalPath: number } {
  const fastest = new Float64Array(model.tasks);
  for (let t = 0; t < model.tasks; t++) {
    let min = Infinity;
    for (let p = 0; p < model.processors; p++) min = Math.min(min, model.exec(t, p));
    fastest[t] = min;
  }
  const tail = new Float64Array(model.tasks);
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    let longest = 0;
    for (const c of model.children(t)) longest = Math.max(longest, fastest[c]! + tail[c]!);
    tail[t] = longest;
  }
  let criticalPath = 0;
  for (let t = 0; t < model.tasks; t++) criticalPath = Math.max(criticalPath, fastest[t]! + tail[t]!);
  return { tail, criticalPath };
}
