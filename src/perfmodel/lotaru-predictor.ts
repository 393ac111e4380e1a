/**
 * The Lotaru-style model alone (`lotaru`): Bayesian linear regression of reference-core runtime on
 * input size per task type, scaled by the node's speed factor. Falls back to the median of the
 * type's reference runtimes while the regression has fewer than two points.
 */
import { HistoryPredictor } from './history-predictor.js';
import type { RuntimeEstimate } from './history-predictor.js';
import { LotaruModel } from './lotaru-model.js';
import { median, quantile } from './stats.js';
import type { RuntimeEntry, TaskHistory } from './task-history.js';
import type { NodeType, TaskFeatures } from './types.js';

export class LotaruPredictor extends HistoryPredictor {
  private readonly model = new LotaruModel();

  constructor(history?: TaskHistory) {
    super('lotaru', history);
    if (history) for (const t of history.types()) this.model.rebuild(t, history.runtimesOf(t));
  }

  protected runtime(task: TaskFeatures, node: NodeType, window: readonly RuntimeEntry[]): RuntimeEstimate {
    const p = this.model.predict(task.type, task.inputBytes, node.speedFactor);
    if (p) return { ...p, source: 'lotaru' };
    const refs = window.map((e) => e.yRef);
    return {
      mean: median(refs) / node.speedFactor,
      p90: quantile(refs, 0.9) / node.speedFactor,
      source: 'lotaru:median',
    };
  }

  protected override added(type: string, added?: RuntimeEntry, dropped?: RuntimeEntry): void {
    if (added) this.model.add(type, added);
    if (dropped) this.model.remove(type, dropped);
  }

  protected override forgot(types: string[]): void {
    for (const t of types) this.model.rebuild(t, this.history.runtimesOf(t));
  }
}
