/**
 * `strata simulate --placements FILE`: where each task went and why — the reason (scores) every
 * placement carries (docs/scheduler.md), with the planned and the played times. Static plans give
 * their `PlannedTask`s; online runs record what the scheduler returned (`RecordingScheduler`).
 *
 * @example
 * const recorder = new RecordingScheduler(onlineScheduler('first-fit')!);
 * const report = simulateOnline(workload, platform, recorder, { seed: 1, trace: true });
 * writeFileSync(path, JSON.stringify(onlinePlacements(workload, platform, recorder, report.trace!)));
 */
import { nodeOffsets, nodeTypeIndexAt, type Platform, type Workload } from '../model/index.js';
import type { PlatformPlan } from '../scheduler/index.js';
import type { NodeView, Placement, ReadyTask, Scheduler } from '../scheduler/scheduler.js';
import type { SimTrace } from '../sim/index.js';

export interface PlacementRecord {
  task: string;
  /** `type#index`, as the twin and the platform model name nodes. */
  node: string;
  site: string;
  /** Static plans: the planned times, seconds from the start. */
  plannedStartS?: number;
  plannedFinishS?: number;
  /** As played by the twin (null if it never started or finished). */
  startS: number | null;
  finishS: number | null;
  attempts: number;
  /** Below the node's nominal CPU frequency (DVFS), when so. */
  cpuFrequencyHz?: number;
  /** The scores that decided the placement. */
  reason: Record<string, number | string>;
}

/** A scheduler that passes every call through and keeps each task's last placement. */
export class RecordingScheduler implements Scheduler {
  readonly name: string;
  /** Task index (the twin's ReadyTask key) → its last placement. */
  readonly placed = new Map<number, Placement>();

  constructor(private readonly inner: Scheduler) {
    this.name = inner.name;
  }

  place(ready: readonly ReadyTask[], nodes: readonly NodeView[], now: number): Placement[] {
    const out = this.inner.place(ready, nodes, now);
    for (const p of out) this.placed.set(Number(p.key), p);
    return out;
  }

  nextWakeAt(now: number): number | undefined {
    return this.inner.nextWakeAt?.(now);
  }
}

function nodeNamer(platform: Platform): (node: number) => { node: string; site: string } {
  const offsets = nodeOffsets(platform);
  return (node) => {
    const t = nodeTypeIndexAt(offsets, node);
    const type = platform.nodeTypes[t]!;
    return { node: `${type.id}#${node - offsets[t]!}`, site: type.site };
  };
}

function played(trace: SimTrace, t: number): Pick<PlacementRecord, 'startS' | 'finishS' | 'attempts'> {
  const start = trace.start[t]!;
  const finish = trace.finish[t]!;
  return {
    startS: Number.isFinite(start) ? start : null,
    finishS: Number.isFinite(finish) ? finish : null,
    attempts: trace.attempts[t]!,
  };
}

/** The placements of a static plan, in task order, with the times the twin played. */
export function planPlacements(
  workload: Workload,
  platform: Platform,
  plan: PlatformPlan,
  trace: SimTrace,
): PlacementRecord[] {
  const name = nodeNamer(platform);
  const out = new Array<PlacementRecord>(workload.tasks.length);
  for (const pt of plan.tasks) {
    const type = platform.nodeTypes[plan.nodes.typeOf(pt.processor)]!;
    const level = pt.level ?? 0;
    out[pt.task] = {
      task: workload.tasks[pt.task]!.name,
      ...name(pt.processor),
      plannedStartS: pt.start,
      plannedFinishS: pt.finish,
      ...played(trace, pt.task),
      ...(level > 0 ? { cpuFrequencyHz: type.dvfs![level - 1]!.frequencyHz } : {}),
      reason: pt.reason,
    };
  }
  return out;
}

/** The placements an online scheduler made (each task's last), in task order. */
export function onlinePlacements(
  workload: Workload,
  platform: Platform,
  recorder: RecordingScheduler,
  trace: SimTrace,
): PlacementRecord[] {
  const siteOf = new Map(platform.nodeTypes.map((t) => [t.id, t.site]));
  const out: PlacementRecord[] = [];
  workload.tasks.forEach((task, t) => {
    const p = recorder.placed.get(t);
    if (!p) return; // never placed (e.g. a parent failed)
    out.push({
      task: task.name,
      node: p.nodeId,
      site: siteOf.get(p.nodeId.slice(0, p.nodeId.lastIndexOf('#'))) ?? '',
      ...played(trace, t),
      ...(p.cpuFrequencyHz !== undefined ? { cpuFrequencyHz: p.cpuFrequencyHz } : {}),
      reason: p.reason,
    });
  });
  return out;
}

/** A replay's placements (`--platform recorded`): each task on the machine the instance records. */
export function recordedPlacements(
  workload: Workload,
  platform: Platform,
  nodeOf: Int32Array,
  trace: SimTrace,
): PlacementRecord[] {
  const name = nodeNamer(platform);
  return workload.tasks.map((task, t) => ({
    task: task.name,
    ...name(nodeOf[t]!),
    ...played(trace, t),
    reason: { policy: 'recorded', why: 'the machine the instance records it ran on' },
  }));
}
