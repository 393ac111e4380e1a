/**
 * HEFT — Heterogeneous Earliest Finish Time (Topcuoglu, Hariri & Wu, IEEE TPDS 13(3), 2002): tasks
 * in decreasing upward rank, each on the processor where it finishes earliest, with insertion into
 * idle gaps. Two forms:
 *
 * - {@link heft} on any {@link CostModel} (the paper's matrix form; processors run one task at a time);
 * - {@link heftOnPlatform} on a `Workload` and a `Platform`: ranks from node-type means, then for each
 *   task and each node type the node of that type where its cores are free soonest (from the
 *   {@link NodeTimeIndex}, O(log n)), and the type whose best node finishes it earliest. No insertion
 *   at node level: a node's cores are booked in order.
 *
 * This file also holds the platform planning loop the other static policies share
 * ({@link planOnPlatform}).
 *
 * @example
 * const plan = heftOnPlatform(workload, platform);
 * plan.tasks[0]?.reason; // { policy: 'heft', nodeType, node, rank, readyAt, est, eft }
 */
import { type Platform, type Workload } from '../../model/index.js';
import { dvfsLevelCount } from '../../energy/index.js';
import { listSchedule, type CostModel, type Plan, type ProcessorCapacity } from './list-scheduling.js';
import { NodeTimeIndex } from './node-index.js';
import { platformCostModel, type PlatformCostModel } from './platform-costs.js';
import { orderByRank, topologicalOrder, upwardRanks } from './upward-rank.js';

export function heft(m: CostModel, options: { insertion?: boolean } = {}): Plan {
  const topo = topologicalOrder(m);
  const rank = upwardRanks(m, topo);
  return listSchedule(m, orderByRank(rank, topo), { ...options, policy: 'heft', rank });
}

/** A plan on the nodes of a platform: `PlannedTask.processor` is a node ordinal of `nodes`. */
export interface PlatformPlan extends Plan {
  model: PlatformCostModel;
  nodes: NodeTimeIndex;
  /** For `checkPlan(plan, plan.model, plan.capacity)`. */
  capacity: ProcessorCapacity;
}

/** One node type a task could run on: its soonest node, and when the task would start and end. */
export interface TypeOption {
  type: number;
  node: number;
  /** When the task's inputs are all on a node of this type. */
  ready: number;
  start: number;
  finish: number;
  /** Run time on this type (at `level`). */
  exec: number;
  /** DVFS level (0 = nominal frequency; see `NodeType.dvfs`). */
  level: number;
}

export interface PlatformOptions {
  /** Reuse a cost model already built for this workload and platform. */
  model?: PlatformCostModel;
}

/**
 * `o` and the same placement at each lower CPU frequency its type offers (DVFS levels): same node
 * and start, run time longer by `levelStretch` (the busy share of the run by 1 / the level's speed factor).
 */
export function withDvfsLevels(model: PlatformCostModel, t: number, o: TypeOption): TypeOption[] {
  const levels = dvfsLevelCount(model.types[o.type]!);
  if (levels === 1) return [o];
  const out = [o];
  for (let level = 1; level < levels; level++) {
    const exec = model.execAtLevel(t, o.type, level);
    out.push({ ...o, level, exec, finish: o.start + exec });
  }
  return out;
}

/** Picks one of a task's options (never empty) and says why. */
export type TypeChooser = (
  t: number,
  options: readonly TypeOption[],
) => { option: TypeOption; reason?: Record<string, number | string> };

/** Mutable state of a platform plan under construction. */
export class PlatformPlanner {
  readonly nodes: NodeTimeIndex;
  readonly nodeOf: Int32Array;
  readonly finishOf: Float64Array;
  readonly tasks: Plan['tasks'] = [];
  makespan = 0;

  constructor(readonly model: PlatformCostModel) {
    this.nodes = new NodeTimeIndex(model.types);
    this.nodeOf = new Int32Array(model.tasks).fill(-1);
    this.finishOf = new Float64Array(model.tasks);
  }

  /** When the inputs of `t` (its parents are all placed) can be on a node of `type`. */
  readyTime(t: number, type: number): number {
    const m = this.model;
    const site = m.siteOfType[type]!;
    const parents = m.parents(t);
    const bytes = m.parentBytes;
    const base = m.parentOffset[t]!;
    let ready = m.stageIn(t, type);
    for (let i = 0; i < parents.length; i++) {
      const parent = parents[i]!;
      const node = this.nodeOf[parent]!;
      if (node < 0) throw new RangeError(`task ${t} is planned before its parent ${parent}`);
      const from = m.siteOfType[this.nodes.typeOf(node)]!;
      ready = Math.max(ready, this.finishOf[parent]! + m.transferTime(bytes[base + i]!, from, site));
    }
    return ready;
  }

  /** The option of `type` for `t` given when its inputs are ready, or undefined if it cannot run there. */
  option(t: number, type: number, ready: number): TypeOption | undefined {
    const exec = this.model.exec(t, type);
    if (!Number.isFinite(exec)) return undefined;
    const soonest = this.nodes.earliest(type, this.model.cores(t));
    if (!soonest) return undefined;
    const start = Math.max(ready, soonest.at);
    return { type, node: soonest.node, ready, start, finish: start + exec, exec, level: 0 };
  }

  options(t: number): TypeOption[] {
    const out: TypeOption[] = [];
    for (let p = 0; p < this.model.processors; p++) {
      const o = this.option(t, p, this.readyTime(t, p));
      if (o) out.push(o);
    }
    if (out.length === 0) {
      const task = this.model.workload.tasks[t]!;
      throw new RangeError(
        `task ${task.name} (${task.cores} cores, ${task.memoryBytes} B memory, ${task.gpus} GPUs) fits no node type of platform ${this.model.platform.name}`,
      );
    }
    return out;
  }

  commit(t: number, o: TypeOption, reason: Record<string, number | string>): void {
    this.nodes.place(o.node, this.model.cores(t), o.start, o.finish);
    this.nodeOf[t] = o.node;
    this.finishOf[t] = o.finish;
    this.makespan = Math.max(this.makespan, o.finish);
    this.tasks.push({
      task: t,
      processor: o.node,
      start: o.start,
      finish: o.finish,
      ...(o.level > 0 ? { level: o.level } : {}),
      reason: {
        nodeType: this.model.types[o.type]!.id,
        node: this.nodes.nodeId(o.node),
        readyAt: o.ready,
        est: o.start,
        eft: o.finish,
        ...(o.level > 0 ? { cpuFrequencyHz: this.model.types[o.type]!.dvfs![o.level - 1]!.frequencyHz } : {}),
        ...reason,
      },
    });
  }

  plan(): PlatformPlan {
    const nodes = this.nodes;
    const model = this.model;
    return {
      tasks: this.tasks,
      makespan: this.makespan,
      model,
      nodes,
      capacity: {
        costProcessor: (node) => nodes.typeOf(node),
        cores: (node) => nodes.coresOf(node),
        demand: (t) => model.cores(t),
      },
    };
  }
}

/** Plans the tasks in `order` (parents first), each where `choose` says among its node types. */
export function planOnPlatform(
  model: PlatformCostModel,
  order: ArrayLike<number>,
  policy: string,
  choose: TypeChooser,
  rank?: Float64Array,
): PlatformPlan {
  const planner = new PlatformPlanner(model);
  for (let k = 0; k < order.length; k++) {
    const t = order[k]!;
    const { option, reason } = choose(t, planner.options(t));
    planner.commit(t, option, { policy, ...(rank ? { rank: rank[t]! } : {}), ...reason });
  }
  return planner.plan();
}

/** The option that finishes first (ties: the lower node type). */
export function earliestFinish(options: readonly TypeOption[]): TypeOption {
  let best = options[0]!;
  for (const o of options) if (o.finish < best.finish) best = o;
  return best;
}

/** Upward ranks on node-type means, and tasks in decreasing rank (parents first on ties). */
export function rankOrder(model: PlatformCostModel): { rank: Float64Array; order: Int32Array } {
  const topo = topologicalOrder(model);
  const rank = upwardRanks(model, topo);
  return { rank, order: orderByRank(rank, topo) };
}

/**
 * The cost model a planner works on (the one `options` brings, else one built for `workload` on
 * `platform`), with its upward ranks and the tasks in decreasing rank.
 */
export function rankedModel(
  workload: Workload,
  platform: Platform,
  options: PlatformOptions,
): { model: PlatformCostModel; rank: Float64Array; order: Int32Array } {
  const model = options.model ?? platformCostModel(workload, platform);
  return { model, ...rankOrder(model) };
}

export function heftOnPlatform(
  workload: Workload,
  platform: Platform,
  options: PlatformOptions = {},
): PlatformPlan {
  const { model, rank, order } = rankedModel(workload, platform, options);
  return planOnPlatform(model, order, 'heft', (_t, opts) => ({ option: earliestFinish(opts) }), rank);
}
