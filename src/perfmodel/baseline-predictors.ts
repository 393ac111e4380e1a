/**
 * The three baselines every model must beat, per task type, on runtimes as measured (no node
 * speed): `mean` of all observations, `median`, and the `last` one. Their p90 is the empirical 90th
 * percentile of the window; their memory is the same statistic of the observed peaks.
 */
import { HistoryPredictor } from './history-predictor.js';
import type { RuntimeEstimate } from './history-predictor.js';
import { mean, median, quantile } from './stats.js';
import type { TaskHistory, RuntimeEntry } from './task-history.js';
import type { NodeType, TaskFeatures } from './types.js';

export const BASELINE_NAMES = ['mean', 'median', 'last'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

const STATISTIC: Record<BaselineName, (values: readonly number[]) => number> = {
  mean,
  median,
  last: (v) => v[v.length - 1] ?? NaN,
};

export class BaselinePredictor extends HistoryPredictor {
  private readonly stat: (values: readonly number[]) => number;

  constructor(kind: BaselineName, history?: TaskHistory) {
    super(kind, history);
    this.stat = STATISTIC[kind];
  }

  protected runtime(_task: TaskFeatures, _node: NodeType, window: readonly RuntimeEntry[]): RuntimeEstimate {
    const ys = window.map((e) => e.y);
    const m = this.stat(ys);
    return { mean: m, p90: Math.max(m, quantile(ys, 0.9)), source: this.name };
  }

  protected override memory(task: TaskFeatures): { mean: number; p95: number } {
    const m = this.history.memoryOf(task.type);
    if (m.length === 0) return { mean: task.memoryBytes, p95: task.memoryBytes };
    const v = this.stat(m);
    return { mean: v, p95: v };
  }
}
