/**
 * Multi-objective placement with user weights: HEFT's order (upward ranks), and per task the node
 * type minimising a weighted sum of four scores of its option — earliest finish (makespan), task
 * energy and carbon (each with the transfers of its inputs, see transfer-energy.ts) and bytes moved
 * across sites. Each score is normalised against the task's best
 * option, so that seconds, joules, grams and bytes can be added:
 *
 *     score = 1 + (value − min) / d,   d = min when min > 0 (so score = value / min), else max − min
 *                                       (best 1, worst 2), else 1 (all equal)
 *
 *     total = w.makespan · eft + w.energy · energy + w.carbon · carbon + w.bytes · bytes
 *
 * Ties in the total go to the earlier finish, then to the lower node type; so weights {1, 0, 0, 0}
 * give HEFT's plan. No deadline and no deliberate delay: each task starts as soon as it can (use
 * carbonAwarePolicy for flexible work waiting for a greener hour).
 *
 * @example
 * const plan = multiObjectivePolicy(workload, platform, { weights: { makespan: 1, energy: 0.5, carbon: 1, bytes: 0.2 } });
 * plan.tasks[0]?.reason; // { policy: 'multi-objective', eftScore, energyScore, carbonScore, bytesScore, total, ... }
 */
import type { Platform, Workload } from '../../model/index.js';
import { planCarbonG, taskCarbonG, typeCarbon } from './carbon-aware-policy.js';
import { modelTaskEnergyJ, planEnergyJ } from './energy-heft-policy.js';
import {
  earliestFinish,
  planOnPlatform,
  rankedModel,
  type PlatformOptions,
  type PlatformPlan,
} from './heft-policy.js';
import { inputBytesBySite, planBytesMoved, planSites } from './locality-policy.js';
import { TransferLedger } from './transfer-energy.js';

export interface ObjectiveWeights {
  makespan: number;
  energy: number;
  carbon: number;
  bytes: number;
}

export interface MultiObjectiveOptions extends PlatformOptions {
  /** Non-negative, not all zero. */
  weights: ObjectiveWeights;
  /** Where plan time 0 falls on the sites' carbon series, in seconds (default 0). */
  startAtS?: number;
}

/** Scores of `values` against their best (least) value; see the module header. */
function normalise(values: Float64Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const d = min > 0 ? min : max > min ? max - min : 1;
  return values.map((v) => (min > 0 ? v / min : 1 + (v - min) / d));
}

export function multiObjectivePolicy(
  workload: Workload,
  platform: Platform,
  options: MultiObjectiveOptions,
): PlatformPlan {
  const w = options.weights;
  const names = ['makespan', 'energy', 'carbon', 'bytes'] as const;
  for (const k of names)
    if (!(w[k] >= 0 && Number.isFinite(w[k])))
      throw new RangeError(`multiObjectivePolicy: weights.${k} must be a finite number ≥ 0, got ${w[k]}`);
  if (w.makespan + w.energy + w.carbon + w.bytes <= 0)
    throw new RangeError('multiObjectivePolicy: at least one weight must be > 0');
  const startAtS = options.startAtS ?? 0;
  const { model, rank, order } = rankedModel(workload, platform, options);
  const carbon = typeCarbon(model);
  const heft = planOnPlatform(model, order, 'heft', (_t, opts) => ({ option: earliestFinish(opts) }), rank);
  const heftSite = planSites(heft);
  const plan = (expected: Int32Array | null): PlatformPlan => {
    const ledger = new TransferLedger(model);
    const siteOfTask = ledger.siteOfTask;
    return planOnPlatform(
      model,
      order,
      'multi-objective',
      (t, opts) => {
        const n = opts.length;
        const eft = new Float64Array(n);
        const energy = new Float64Array(n);
        const grams = new Float64Array(n);
        const bytes = new Float64Array(n);
        const { atSite, total: inBytes } = inputBytesBySite(model, t, siteOfTask);
        opts.forEach((o, i) => {
          eft[i] = o.finish;
          const site = model.siteOfType[o.type]!;
          const move = ledger.move(t, site, expected, startAtS + o.ready, startAtS + o.finish);
          energy[i] = modelTaskEnergyJ(model, t, o.type, o.exec) + move.joules;
          grams[i] = taskCarbonG(model, carbon, t, o.type, o.start, o.finish, startAtS) + move.grams;
          bytes[i] = inBytes - atSite[site]! + move.outBytes;
        });
        const scores = [normalise(eft), normalise(energy), normalise(grams), normalise(bytes)];
        let best = 0;
        let bestTotal = Infinity;
        for (let i = 0; i < n; i++) {
          const total =
            w.makespan * scores[0]![i]! +
            w.energy * scores[1]![i]! +
            w.carbon * scores[2]![i]! +
            w.bytes * scores[3]![i]!;
          if (total < bestTotal || (total === bestTotal && eft[i]! < eft[best]!)) {
            best = i;
            bestTotal = total;
          }
        }
        const option = opts[best]!;
        ledger.commit(t, model.siteOfType[option.type]!);
        return {
          option,
          reason: {
            eftScore: scores[0]![best]!,
            energyScore: scores[1]![best]!,
            carbonScore: scores[2]![best]!,
            bytesScore: scores[3]![best]!,
            total: bestTotal,
            energyJ: energy[best]!,
            carbonG: grams[best]!,
            bytesMoved: bytes[best]!,
          },
        };
      },
      rank,
    );
  };
  // The plans with and without the look-ahead at outputs (readers expected where HEFT runs them)
  // compete as whole plans, scored as the options of one task are: each total normalised against
  // the better plan's, then weighted. The look-ahead wins ties.
  const candidates = [plan(heftSite), plan(null)];
  const totals = candidates.map((p) => planTotals(p, startAtS));
  const scores = names.map((k) => normalise(Float64Array.from(totals, (x) => x[k])));
  let best = 0;
  let bestScore = Infinity;
  candidates.forEach((_, i) => {
    const sc = names.reduce((sum, k, j) => sum + w[k] * scores[j]![i]!, 0);
    if (sc < bestScore - 1e-12 * Math.abs(bestScore)) {
      best = i;
      bestScore = sc;
    }
  });
  return candidates[best]!;
}

/** Makespan (s), energy (J), carbon (g) and bytes moved across sites of a plan. */
function planTotals(p: PlatformPlan, startAtS: number): Record<keyof ObjectiveWeights, number> {
  return {
    makespan: p.makespan,
    energy: planEnergyJ(p),
    carbon: planCarbonG(p, startAtS),
    bytes: planBytesMoved(p),
  };
}
