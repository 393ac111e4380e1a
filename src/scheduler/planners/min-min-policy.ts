/**
 * Min-min (Ibarra & Kim 1977; Braun et al. 2001): among the ready tasks, repeatedly plan the one
 * whose earliest completion time over all node types is smallest, on that type's soonest node.
 * Good for bags of short independent tasks; it ignores the critical path that HEFT's ranks see.
 *
 * Cost: each step looks at every ready task once, but only re-evaluates the node type that the
 * previous step changed (the others' soonest nodes did not move): O(ready × types) per task.
 *
 * @example
 * const plan = minMin(workload, platform);
 * plan.tasks[0]?.reason; // { policy: 'min-min', ready: 120, nodeType, node, eft, ... }
 */
import type { Platform, Workload } from '../../model/index.js';
import { PlatformPlanner, type PlatformOptions, type PlatformPlan, type TypeOption } from './heft-policy.js';
import { platformCostModel } from './platform-costs.js';

interface ReadyEntry {
  task: number;
  /** Per node type: when the task's inputs are there. */
  readyAt: Float64Array;
  options: Array<TypeOption | undefined>;
  best: TypeOption;
}

export function minMin(workload: Workload, platform: Platform, options: PlatformOptions = {}): PlatformPlan {
  const model = options.model ?? platformCostModel(workload, platform);
  const planner = new PlatformPlanner(model);
  const nTypes = model.processors;
  const waiting = Int32Array.from(workload.tasks, (t) => t.parents.length);
  const ready: ReadyEntry[] = [];

  const enter = (t: number): void => {
    const readyAt = new Float64Array(nTypes);
    const opts = new Array<TypeOption | undefined>(nTypes);
    for (let p = 0; p < nTypes; p++) {
      readyAt[p] = planner.readyTime(t, p);
      opts[p] = planner.option(t, p, readyAt[p]!);
    }
    const best = bestOf(opts);
    if (!best) planner.options(t); // throws the message that says what does not fit
    ready.push({ task: t, readyAt, options: opts, best: best! });
  };

  for (let t = 0; t < model.tasks; t++) if (waiting[t] === 0) enter(t);
  let planned = 0;
  while (ready.length > 0) {
    let k = 0;
    for (let i = 1; i < ready.length; i++) {
      const a = ready[i]!;
      const b = ready[k]!;
      if (a.best.finish < b.best.finish || (a.best.finish === b.best.finish && a.task < b.task)) k = i;
    }
    const entry = ready[k]!;
    ready[k] = ready[ready.length - 1]!;
    ready.pop();
    const chosen = entry.best;
    planner.commit(entry.task, chosen, { policy: 'min-min', ready: ready.length + 1 });
    planned++;
    // Only the chosen type's soonest node moved: re-evaluate that type for every waiting task.
    for (const e of ready) {
      e.options[chosen.type] = planner.option(e.task, chosen.type, e.readyAt[chosen.type]!);
      e.best = bestOf(e.options)!;
    }
    for (const c of model.children(entry.task)) if (--waiting[c]! === 0) enter(c);
  }
  if (planned !== model.tasks)
    throw new RangeError(
      `the workload is not a DAG: ${model.tasks - planned} tasks are on or behind a cycle`,
    );
  return planner.plan();
}

function bestOf(options: ReadonlyArray<TypeOption | undefined>): TypeOption | undefined {
  let best: TypeOption | undefined;
  for (const o of options) if (o && (!best || o.finish < best.finish)) best = o;
  return best;
}
