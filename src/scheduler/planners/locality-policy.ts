/**
 * Data-locality-aware placement: HEFT's order (upward ranks), and each task on the node type whose
 * site already holds most of its input bytes — its initial data where `platform.data` puts it, and
 * the outputs of its parents where they were planned — so that the fewest bytes cross sites; ties
 * (equal bytes moved, e.g. a task with no inputs, or several types at one site) go to the earliest
 * finish, then to the lower node type. It minimises traffic, not time: a site with few nodes that
 * holds the data may take every task that reads it.
 *
 * @example
 * const plan = localityPolicy(workload, platform);
 * plan.tasks[0]?.reason; // { policy: 'locality', bytesMoved, eft, ... }
 * planBytesMoved(plan); // bytes that crossed sites
 */
import type { Platform, Workload } from '../../model/index.js';
import {
  planOnPlatform,
  rankedModel,
  type PlatformOptions,
  type PlatformPlan,
  type TypeOption,
} from './heft-policy.js';
import type { PlatformCostModel } from './platform-costs.js';

/**
 * Bytes of the inputs of `t` held at each site (indexed like `model.siteIds`) given the site of each
 * parent (`siteOfTask`, -1 when unknown: not counted), and their total. Files `platform.data` does
 * not place are taken to be everywhere, as the cost model does: they move nothing.
 */
export function inputBytesBySite(
  model: PlatformCostModel,
  t: number,
  siteOfTask: ArrayLike<number>,
): { atSite: Float64Array; total: number } {
  const atSite = new Float64Array(model.siteIds.length);
  let total = 0;
  for (const { site, bytes } of model.initialInputs(t)) {
    atSite[site]! += bytes;
    total += bytes;
  }
  const parents = model.parents(t);
  const base = model.parentOffset[t]!;
  for (let i = 0; i < parents.length; i++) {
    const bytes = model.parentBytes[base + i]!;
    const site = siteOfTask[parents[i]!]!;
    if (site < 0) continue;
    atSite[site]! += bytes;
    total += bytes;
  }
  return { atSite, total };
}

/** The site each task of a plan runs at (-1 for a task the plan lacks). */
export function planSites(plan: PlatformPlan): Int32Array {
  const site = new Int32Array(plan.model.tasks).fill(-1);
  for (const pt of plan.tasks) site[pt.task] = plan.model.siteOfType[plan.nodes.typeOf(pt.processor)]!;
  return site;
}

/** Bytes that cross sites under a plan: initial inputs and parents' outputs read at another site. */
export function planBytesMoved(plan: PlatformPlan): number {
  const site = planSites(plan);
  let moved = 0;
  for (const pt of plan.tasks) {
    const { atSite, total } = inputBytesBySite(plan.model, pt.task, site);
    moved += total - atSite[site[pt.task]!]!;
  }
  return moved;
}

export function localityPolicy(
  workload: Workload,
  platform: Platform,
  options: PlatformOptions = {},
): PlatformPlan {
  const { model, rank, order } = rankedModel(workload, platform, options);
  const siteOfTask = new Int32Array(model.tasks).fill(-1);
  return planOnPlatform(
    model,
    order,
    'locality',
    (t, opts) => {
      const { atSite, total } = inputBytesBySite(model, t, siteOfTask);
      let best: TypeOption = opts[0]!;
      let bestMoved = Infinity;
      for (const o of opts) {
        const moved = total - atSite[model.siteOfType[o.type]!]!;
        if (moved < bestMoved || (moved === bestMoved && o.finish < best.finish)) {
          best = o;
          bestMoved = moved;
        }
      }
      siteOfTask[t] = model.siteOfType[best.type]!;
      return { option: best, reason: { bytesMoved: bestMoved, bytesLocal: total - bestMoved } };
    },
    rank,
  );
}
