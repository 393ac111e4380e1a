/**
 * Sizey-style ensemble (Bader et al., "Sizey: Memory-efficient execution of scientific workflow
 * tasks", 2024): several experts predict each task; per task type, each expert's recent relative
 * error is tracked (exponentially weighted, α = 0.3) and the expert that has been right lately gives
 * the runtime. The experts look at the type's history in different ways:
 *
 * - `type:*`  all observations of the type, as measured;
 * - `node:*`  only those on the same node type (a new node type: the type's reference-core
 *             runtimes divided by its speed factor, i.e. a cold start from the speed factor);
 * - `size:*`  only those whose input size is in the same power-of-two bucket;
 * - `lotaru`  the Bayesian regression on input size (lotaru-model.ts);
 *
 * each summarised as the last value, the median of the last 3, of the last 5, or of all. The p90 is
 * calibrated online: the point estimate times the 90th percentile of the type's recent ratios
 * actual / point estimate.
 */
import { HistoryPredictor } from './history-predictor.js';
import type { RuntimeEstimate } from './history-predictor.js';
import { LotaruModel } from './lotaru-model.js';
import { PerfmodelError } from './perfmodel-error.js';
import { median, pushCapped, quantile } from './stats.js';
import type { RuntimeEntry, TaskHistory } from './task-history.js';
import type { NodeType, Outcome, TaskFeatures } from './types.js';

const SUMMARIES = ['last', 'med3', 'med5', 'median'] as const;
const VIEWS = ['type', 'node', 'size'] as const;

/** Expert names, in the order ties are broken (the first wins). */
export const EXPERTS: readonly string[] = [
  ...VIEWS.flatMap((v) => SUMMARIES.map((s) => `${v}:${s}`)),
  'lotaru',
];

/** Weight of the newest error in an expert's running error. */
export const ERROR_ALPHA = 0.3;
/** Ratios kept per type for the p90 calibration, and how many are needed before they are used. */
const RATIO_WINDOW = 64;
const MIN_RATIOS = 5;

interface EnsembleData {
  errors: Record<string, number[]>;
  ratios: Record<string, number[]>;
  allRatios: number[];
}

function summarise(values: readonly number[], how: (typeof SUMMARIES)[number]): number {
  switch (how) {
    case 'last':
      return values[values.length - 1] ?? NaN;
    case 'med3':
      return median(values.slice(-3));
    case 'med5':
      return median(values.slice(-5));
    case 'median':
      return median(values);
  }
}

/** Power-of-two bucket of an input size. */
export function sizeBucket(bytes: number): number {
  return Math.round(Math.log2(Math.max(0, bytes) + 1));
}

export class EnsemblePredictor extends HistoryPredictor {
  private readonly lotaru = new LotaruModel();
  /** Per type: running relative error of each expert (EXPERTS order); absent until the first error. */
  private readonly errors = new Map<string, number[]>();
  private readonly ratios = new Map<string, number[]>();
  private readonly allRatios: number[] = [];

  constructor(history?: TaskHistory, data?: unknown) {
    super('ensemble', history);
    if (history) for (const t of history.types()) this.lotaru.rebuild(t, history.runtimesOf(t));
    if (data !== undefined && data !== null) this.restoreData(data);
  }

  /** Every expert's prediction for this task on this node (NaN where an expert has nothing). */
  experts(task: TaskFeatures, node: NodeType, window: readonly RuntimeEntry[]): number[] {
    const type = window.map((e) => e.y);
    const sameNode = window.filter((e) => e.node === node.id);
    const nodeValues =
      sameNode.length > 0 ? sameNode.map((e) => e.y) : window.map((e) => e.yRef / node.speedFactor);
    const b = sizeBucket(task.inputBytes);
    const sameSize = window.filter((e) => sizeBucket(e.x) === b);
    const sizeValues = sameSize.length > 0 ? sameSize.map((e) => e.y) : type;
    const views = { type, node: nodeValues, size: sizeValues };
    const out: number[] = [];
    for (const v of VIEWS) for (const s of SUMMARIES) out.push(summarise(views[v], s));
    out.push(this.lotaru.predict(task.type, task.inputBytes, node.speedFactor)?.mean ?? median(nodeValues));
    return out;
  }

  /** Index of the expert with the least running error for this type (0 before any error). */
  private best(type: string): number {
    const err = this.errors.get(type);
    if (!err) return 0;
    let best = 0;
    for (let i = 1; i < err.length; i++) if ((err[i] ?? Infinity) < (err[best] ?? Infinity)) best = i;
    return best;
  }

  protected runtime(task: TaskFeatures, node: NodeType, window: readonly RuntimeEntry[]): RuntimeEstimate {
    const preds = this.experts(task, node, window);
    const i = this.best(task.type);
    const mean = preds[i] ?? NaN;
    const own = this.ratios.get(task.type) ?? [];
    const ratios =
      own.length >= MIN_RATIOS ? own : this.allRatios.length >= MIN_RATIOS ? this.allRatios : undefined;
    const p90 = ratios ? mean * quantile(ratios, 0.9) : 2 * mean;
    return { mean, p90, source: EXPERTS[i] ?? 'ensemble' };
  }

  protected override learn(task: TaskFeatures, node: NodeType, outcome: Outcome): void {
    const window = this.history.runtimesOf(task.type);
    const preds = this.experts(task, node, window);
    const y = outcome.runtimeS;
    const point = preds[this.best(task.type)] ?? NaN;
    if (point > 0) {
      let r = this.ratios.get(task.type);
      if (!r) this.ratios.set(task.type, (r = []));
      pushCapped(r, y / point, RATIO_WINDOW);
      pushCapped(this.allRatios, y / point, 4 * RATIO_WINDOW);
    }
    const prev = this.errors.get(task.type);
    const next = preds.map((p, k) => {
      const e = Number.isFinite(p) ? Math.abs(p - y) / y : Infinity;
      const before = prev?.[k];
      return before === undefined ? e : (1 - ERROR_ALPHA) * before + ERROR_ALPHA * e;
    });
    this.errors.set(task.type, next);
  }

  protected override added(type: string, added?: RuntimeEntry, dropped?: RuntimeEntry): void {
    if (added) this.lotaru.add(type, added);
    if (dropped) this.lotaru.remove(type, dropped);
  }

  /** After a drift: refit the regression, restart the weighting and the calibration of these types. */
  protected override forgot(types: string[]): void {
    for (const t of types) {
      this.lotaru.rebuild(t, this.history.runtimesOf(t));
      this.errors.delete(t);
      this.ratios.delete(t);
    }
    if (types.length > 0) this.allRatios.length = 0;
  }

  protected override extraState(): EnsembleData {
    return {
      errors: Object.fromEntries(this.errors),
      ratios: Object.fromEntries(this.ratios),
      allRatios: [...this.allRatios],
    };
  }

  private restoreData(data: unknown): void {
    const bad = (what: string): PerfmodelError =>
      new PerfmodelError(
        'PERFMODEL_BAD_STATE',
        `the saved ensemble state is damaged: ${what}`,
        'save the state again with saveState() (or start from an empty predictor)',
        'state.data.model',
      );
    const d = data as Partial<EnsembleData>;
    const numbers = (v: unknown): v is number[] =>
      Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null);
    if (typeof d !== 'object' || typeof d.errors !== 'object' || typeof d.ratios !== 'object')
      throw bad('"errors" and "ratios" must be objects');
    for (const [t, e] of Object.entries(d.errors ?? {})) {
      // JSON turns Infinity into null: an expert that never predicted stays last in line.
      if (!numbers(e) || e.length !== EXPERTS.length)
        throw bad(`"errors.${t}" is not ${EXPERTS.length} numbers`);
      this.errors.set(
        t,
        e.map((x) => (x === null ? Infinity : x)),
      );
    }
    for (const [t, r] of Object.entries(d.ratios ?? {})) {
      if (!numbers(r)) throw bad(`"ratios.${t}" is not a list of numbers`);
      this.ratios.set(t, [...r]);
    }
    if (!numbers(d.allRatios)) throw bad('"allRatios" is not a list of numbers');
    this.allRatios.push(...d.allRatios);
  }
}
