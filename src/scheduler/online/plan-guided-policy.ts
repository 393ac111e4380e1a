/**
 * The planning policies (HEFT, min-min, energy-aware HEFT, carbon-aware, locality, multi-objective)
 * run online: a static plan, made ahead of time from estimates, decides each task's node TYPE —
 * hence its site, its energy and its carbon — and its priority; this `Scheduler` (the engine's
 * contract) then places each ready task, as nodes free up, on any node of its planned type that has
 * room, earliest planned start first.
 *
 * Why not the planned node itself: the plan's node was a guess of which node of the type would be
 * free first. When a node crashes or a task straggles, another node of the same type serves the
 * plan as well — same speed, power and site — and waiting for the planned node would not. What the
 * plan traded (time against energy, carbon or bytes) is kept; when the run goes other than planned,
 * only the timing moves.
 *
 * A task the plan does not know (or whose type the nodes on offer never include, e.g. an engine
 * whose executor has other nodes) is placed first-fit on any node, so that nothing waits forever.
 * No full scan per task: offered nodes are grouped by type once per call, and each type keeps a
 * cursor past its full nodes.
 *
 * @example
 * const scheduler = planGuidedScheduler(planWith('carbon-aware', workload, platform), 'carbon-aware');
 * simulateOnline(workload, platform, scheduler, { seed: 1, failures: { nodeMtbfS: 86_400 } });
 */
import { FreeOverlay } from './free-overlay.js';
import type { PlatformPlan } from '../planners/heft-policy.js';
import type { NodeView, Placement, ReadyTask, Scheduler } from '../scheduler.js';

export interface PlannedPlacement {
  /** Node type id the plan chose. */
  type: string;
  /** Planned start: smaller goes first. */
  order: number;
  /** The plan's reason for the choice. */
  reason: Record<string, number | string>;
  /** CPU frequency the plan runs the task at (a DVFS level of `type`); absent = nominal. */
  cpuFrequencyHz?: number;
  /** The plan makes the task wait on purpose until this time (carbon-aware, flexible work). */
  notBefore?: number;
}

/** Node type of a platform node id (`${type}#${index}`, see model/platform.ts). */
export function nodeTypeOfId(nodeId: string): string {
  const hash = nodeId.lastIndexOf('#');
  return hash < 0 ? nodeId : nodeId.slice(0, hash);
}

export class PlanGuidedPolicy implements Scheduler {
  readonly name: string;

  private readonly typeOfNode: (nodeId: string) => string;
  /** Node types that exist where this runs (default: those the plan uses). */
  private readonly types: ReadonlySet<string>;
  /** The earliest planned start among the tasks the last call held back (Infinity: none). */
  private heldUntil = Infinity;

  constructor(
    private readonly plan: ReadonlyMap<string, PlannedPlacement>,
    options: {
      name: string;
      /** Node type of a node id (default `nodeTypeOfId`). */
      typeOfNode?: (nodeId: string) => string;
      /** Node types of the nodes this scheduler will be offered; a task planned on another goes anywhere. */
      types?: Iterable<string>;
    },
  ) {
    this.name = options.name;
    this.typeOfNode = options.typeOfNode ?? nodeTypeOfId;
    this.types = new Set(options.types ?? [...plan.values()].map((p) => p.type));
  }

  place(ready: readonly ReadyTask[], nodes: readonly NodeView[], now: number): Placement[] {
    const byType = new Map<string, number[]>();
    nodes.forEach((n, i) => {
      const type = this.typeOfNode(n.id);
      let list = byType.get(type);
      if (!list) byType.set(type, (list = []));
      list.push(i);
    });
    const all = nodes.map((_, i) => i);
    const free = new FreeOverlay(nodes);
    // Per candidate list, the first node that may still have a CPU (free CPUs only shrink in a call).
    const cursors = new Map<readonly number[], number>();

    const order = ready.map((task, k) => ({ task, k, planned: this.plan.get(task.key) }));
    order.sort((a, b) => (a.planned?.order ?? Infinity) - (b.planned?.order ?? Infinity) || a.k - b.k);

    const placements: Placement[] = [];
    this.heldUntil = Infinity;
    for (const { task, planned } of order) {
      if (planned?.notBefore !== undefined && planned.notBefore > now) {
        this.heldUntil = Math.min(this.heldUntil, planned.notBefore);
        continue;
      }
      // Nodes of the planned type on offer now (none: the task waits for one); anywhere for a task
      // the plan does not know, or planned on a type that does not exist here.
      const follows = planned !== undefined && this.types.has(planned.type);
      const candidates = follows ? (byType.get(planned.type) ?? []) : all;
      let c = cursors.get(candidates) ?? 0;
      while (c < candidates.length && !(free.at(candidates[c]!).cpus > 0)) c++;
      cursors.set(candidates, c);
      let found = -1;
      for (let j = task.resources.cpus > 0 ? c : 0; j < candidates.length; j++) {
        if (free.fits(candidates[j]!, task.resources)) {
          found = candidates[j]!;
          break;
        }
      }
      if (found < 0) continue;
      const { gpuIds } = free.take(found, task.resources);
      placements.push({
        key: task.key,
        nodeId: nodes[found]!.id,
        gpuIds,
        ...(follows && planned.cpuFrequencyHz !== undefined
          ? { cpuFrequencyHz: planned.cpuFrequencyHz }
          : {}),
        reason: planned
          ? {
              ...planned.reason,
              policy: this.name,
              mode: follows ? 'plan-guided' : 'planned type absent here: first fit',
              plannedType: planned.type,
              plannedStart: planned.order,
            }
          : { policy: this.name, mode: 'not in the plan: first fit' },
      });
    }
    return placements;
  }

  /** When the earliest task held back for its planned start may go. */
  nextWakeAt(now: number): number | undefined {
    return this.heldUntil > now && Number.isFinite(this.heldUntil) ? this.heldUntil : undefined;
  }
}

/**
 * The online form of a static platform plan: task `t` is keyed `keyOf(t)` (default `String(t)`, the
 * digital twin's keys).
 */
export function planGuidedScheduler(
  plan: PlatformPlan,
  name: string,
  keyOf: (t: number) => string = String,
): PlanGuidedPolicy {
  const planned = new Map<string, PlannedPlacement>();
  for (const pt of plan.tasks) {
    const type = plan.model.types[plan.nodes.typeOf(pt.processor)]!;
    const level = pt.level ? type.dvfs?.[pt.level - 1] : undefined;
    const delay = pt.reason.delay;
    planned.set(keyOf(pt.task), {
      type: type.id,
      order: pt.start,
      reason: pt.reason,
      ...(level ? { cpuFrequencyHz: level.frequencyHz } : {}),
      ...(typeof delay === 'number' && delay > 0 ? { notBefore: pt.start } : {}),
    });
  }
  return new PlanGuidedPolicy(planned, { name });
}
