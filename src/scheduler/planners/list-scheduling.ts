/**
 * Static list scheduling: the generic core that HEFT, min-min and the energy-aware variant share.
 * It is written against an abstract {@link CostModel} (tasks × processors, execution and transfer
 * times) so that a textbook example — a computation-cost matrix and edge costs — and a Strata
 * `Workload` on a `Platform` (see platform-costs.ts) are scheduled by the same code.
 *
 * Pure: no clock, no randomness, inputs never mutated. Every planned task carries its `reason`, the
 * scores that decided it.
 *
 * @example
 * const plan = listSchedule(model, order, { policy: 'heft' });
 * expect(checkPlan(plan, model)).toEqual([]);
 */

/** What a static policy needs to know about tasks, processors and their costs. */
export interface CostModel {
  tasks: number;
  processors: number;
  parents(t: number): readonly number[];
  children(t: number): readonly number[];
  /** Execution time of `t` on `p`; `Infinity` when `t` cannot run on `p`. */
  exec(t: number, p: number): number;
  /** Transfer time of the edge `from → to` when they run on `pFrom` and `pTo`. */
  comm(from: number, to: number, pFrom: number, pTo: number): number;
  /** Mean execution time of `t` over the processors (used for ranks). */
  meanExec(t: number): number;
  /** Mean transfer time of the edge `from → to` (used for ranks). */
  meanComm(from: number, to: number): number;
  /** Earliest time the inputs of `t` that no task produces can be on `p` (default 0). */
  stageIn?(t: number, p: number): number;
  /** Execution time of `t` on `p` at DVFS level `level` (for plans whose tasks carry a `level`). */
  execAtLevel?(t: number, p: number, level: number): number;
}

export interface PlannedTask {
  task: number;
  /** A processor of the cost model, or for platform plans a node ordinal (see `NodeTimeIndex`). */
  processor: number;
  start: number;
  finish: number;
  /** DVFS level the task runs at on its processor (0 or absent = nominal frequency). */
  level?: number;
  /** The scores that decided the placement, so that a person can see why. */
  reason: Record<string, number | string>;
}

export interface Plan {
  /** In the order the policy scheduled them. */
  tasks: PlannedTask[];
  makespan: number;
}

/** Busy intervals of one processor that runs one task at a time, sorted by start. */
class Timeline {
  readonly starts: number[] = [];
  readonly finishes: number[] = [];

  /** Earliest start ≥ `ready` for a task of `duration` (in a gap between tasks if `insertion`). */
  earliestStart(ready: number, duration: number, insertion: boolean): number {
    const n = this.starts.length;
    if (n === 0) return ready;
    if (!insertion) return Math.max(ready, this.finishes[n - 1]!);
    let prevFinish = 0;
    for (let i = 0; i < n; i++) {
      const start = Math.max(ready, prevFinish);
      if (start + duration <= this.starts[i]!) return start;
      prevFinish = this.finishes[i]!;
    }
    return Math.max(ready, prevFinish);
  }

  add(start: number, finish: number): void {
    let i = this.starts.length;
    while (i > 0 && this.starts[i - 1]! > start) i--;
    this.starts.splice(i, 0, start);
    this.finishes.splice(i, 0, finish);
  }
}

/**
 * Schedules the tasks in `order` (which must list every task once, parents before children), each
 * on the processor where it finishes earliest (ties: the lower processor index). With `insertion`
 * (default true) a task may fill an idle gap between two tasks already placed, as in HEFT.
 */
export function listSchedule(
  m: CostModel,
  order: ArrayLike<number>,
  options: { insertion?: boolean; policy: string; rank?: ArrayLike<number> },
): Plan {
  const insertion = options.insertion ?? true;
  const timelines = Array.from({ length: m.processors }, () => new Timeline());
  const procOf = new Int32Array(m.tasks).fill(-1);
  const finishOf = new Float64Array(m.tasks);
  const tasks: PlannedTask[] = [];
  let makespan = 0;
  for (let k = 0; k < order.length; k++) {
    const t = order[k]!;
    let best = -1;
    let bestStart = Infinity;
    let bestFinish = Infinity;
    let bestReady = 0;
    for (let p = 0; p < m.processors; p++) {
      const w = m.exec(t, p);
      if (!Number.isFinite(w)) continue;
      let ready = m.stageIn ? m.stageIn(t, p) : 0;
      for (const parent of m.parents(t)) {
        const pp = procOf[parent]!;
        if (pp < 0)
          throw new RangeError(`listSchedule: task ${t} comes before its parent ${parent} in the order`);
        ready = Math.max(ready, finishOf[parent]! + m.comm(parent, t, pp, p));
      }
      const start = timelines[p]!.earliestStart(ready, w, insertion);
      if (start + w < bestFinish) {
        best = p;
        bestStart = start;
        bestFinish = start + w;
        bestReady = ready;
      }
    }
    if (best < 0) throw new RangeError(`listSchedule: task ${t} cannot run on any processor`);
    timelines[best]!.add(bestStart, bestFinish);
    procOf[t] = best;
    finishOf[t] = bestFinish;
    makespan = Math.max(makespan, bestFinish);
    const reason: Record<string, number | string> = {
      policy: options.policy,
      eft: bestFinish,
      est: bestStart,
      readyAt: bestReady,
    };
    if (options.rank) reason.rank = options.rank[t]!;
    tasks.push({ task: t, processor: best, start: bestStart, finish: bestFinish, reason });
  }
  return { tasks, makespan };
}

/** How processors map to a cost model and how many cores they have, for plans on nodes. */
export interface ProcessorCapacity {
  /** The cost-model processor (e.g. the node type) that runs on this plan processor (e.g. a node). */
  costProcessor(processor: number): number;
  /** Cores of the plan processor. */
  cores(processor: number): number;
  /** Cores task `t` holds while it runs. */
  demand(t: number): number;
}

const EPS = 1e-9;

/**
 * Checks a plan against its cost model; returns the problems found (empty = valid): every task
 * planned exactly once, runs for its execution time, starts after each parent's finish plus the
 * transfer time (and after its stage-in), and no processor runs more than it has cores (1 core per
 * processor when `capacity` is not given).
 */
export function checkPlan(plan: Plan, m: CostModel, capacity?: ProcessorCapacity): string[] {
  const problems: string[] = [];
  const byTask = new Array<PlannedTask | undefined>(m.tasks);
  for (const pt of plan.tasks) {
    if (pt.task < 0 || pt.task >= m.tasks) problems.push(`unknown task ${pt.task}`);
    else if (byTask[pt.task]) problems.push(`task ${pt.task} planned twice`);
    else byTask[pt.task] = pt;
  }
  const cp = (p: number): number => (capacity ? capacity.costProcessor(p) : p);
  let makespan = 0;
  for (let t = 0; t < m.tasks; t++) {
    const pt = byTask[t];
    if (!pt) {
      problems.push(`task ${t} not planned`);
      continue;
    }
    makespan = Math.max(makespan, pt.finish);
    const p = cp(pt.processor);
    const w = pt.level && m.execAtLevel ? m.execAtLevel(t, p, pt.level) : m.exec(t, p);
    if (!(Math.abs(pt.finish - pt.start - w) <= EPS * Math.max(1, w)))
      problems.push(`task ${t} runs ${pt.finish - pt.start}, its execution time is ${w}`);
    const stage = m.stageIn ? m.stageIn(t, p) : 0;
    if (pt.start < stage - EPS * Math.max(1, stage))
      problems.push(`task ${t} starts at ${pt.start} before its inputs are staged in at ${stage}`);
    for (const parent of m.parents(t)) {
      const pp = byTask[parent];
      if (!pp) continue;
      const due = pp.finish + m.comm(parent, t, cp(pp.processor), p);
      if (pt.start < due - EPS * Math.max(1, due))
        problems.push(`task ${t} starts at ${pt.start} before parent ${parent}'s data arrives at ${due}`);
    }
  }
  if (Math.abs(makespan - plan.makespan) > EPS * Math.max(1, makespan))
    problems.push(`makespan is ${plan.makespan}, the last finish is ${makespan}`);
  // Per processor, sweep starts and finishes (finishes first at equal times) and track cores in use.
  const events = new Map<number, Array<[number, number]>>();
  for (const pt of plan.tasks) {
    const d = capacity ? capacity.demand(pt.task) : 1;
    let list = events.get(pt.processor);
    if (!list) events.set(pt.processor, (list = []));
    list.push([pt.start, d], [pt.finish, -d]);
  }
  for (const [proc, list] of events) {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const cores = capacity ? capacity.cores(proc) : 1;
    let used = 0;
    for (const [at, d] of list) {
      used += d;
      if (used > cores) {
        problems.push(`processor ${proc} runs ${used} cores at ${at}, it has ${cores}`);
        break;
      }
    }
  }
  return problems;
}
