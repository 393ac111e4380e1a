/**
 * What every history-based predictor shares: validation, the task history, priors for task types
 * never seen, memory estimates, refits after a drift and JSON state. A model only says how it turns
 * a type's window of observations into a runtime.
 */
import { checkNode, TaskHistory } from './task-history.js';
import type { RuntimeEntry } from './task-history.js';
import { median } from './stats.js';
import type { NodeType, Outcome, Prediction, Predictor, PredictorState, TaskFeatures } from './types.js';

/** Runtime assumed for a task when nothing at all has been observed yet (a prior, flagged as such). */
export const DEFAULT_PRIOR_RUNTIME_S = 60;

/** After a drift, how many of the node type's latest observations per task type are kept. */
export const KEEP_AFTER_DRIFT = 3;

export interface RuntimeEstimate {
  mean: number;
  p90: number;
  source: string;
}

/** Median runtime of the type on this node; a new node: the reference-core median over its speed factor. */
export function typicalRuntime(window: readonly RuntimeEntry[], node: NodeType): number {
  const same = window.filter((e) => e.node === node.id).map((e) => e.y);
  return same.length > 0 ? median(same) : median(window.map((e) => e.yRef)) / node.speedFactor;
}

export abstract class HistoryPredictor implements Predictor {
  protected readonly history: TaskHistory;

  constructor(
    readonly name: string,
    history?: TaskHistory,
  ) {
    this.history = history ?? new TaskHistory();
  }

  /** The runtime from a non-empty window of this type's observations. */
  protected abstract runtime(
    task: TaskFeatures,
    node: NodeType,
    window: readonly RuntimeEntry[],
  ): RuntimeEstimate;

  /** Memory of the type; baselines override it with their own statistic. */
  protected memory(task: TaskFeatures): { mean: number; p95: number } {
    return this.history.memoryEstimate(task);
  }

  /** Called before the outcome enters the history (the model may compare it with its prediction). */
  protected learn(_task: TaskFeatures, _node: NodeType, _outcome: Outcome): void {}

  /** Called after the history changed: an entry added and perhaps one dropped. */
  protected added(_type: string, _added?: RuntimeEntry, _dropped?: RuntimeEntry): void {}

  /** Called after a refit removed old observations of these types. */
  protected forgot(_types: string[]): void {}

  /** Model-specific JSON next to the history. */
  protected extraState(): unknown {
    return null;
  }

  predict(task: TaskFeatures, node: NodeType): Prediction {
    checkNode(node);
    const window = this.history.runtimesOf(task.type);
    const memory = this.memory(task);
    if (window.length === 0) {
      const any = this.history.anyType();
      const ref = any.length > 0 ? median(any) : DEFAULT_PRIOR_RUNTIME_S;
      const mean = ref / node.speedFactor;
      return { runtime: { mean, p90: 10 * mean, typical: mean }, memory, basis: 'prior', source: 'prior' };
    }
    const r = this.runtime(task, node, window);
    return {
      runtime: { mean: r.mean, p90: Math.max(r.mean, r.p90), typical: typicalRuntime(window, node) },
      memory,
      basis: 'history',
      source: r.source,
    };
  }

  observe(task: TaskFeatures, node: NodeType, outcome: Outcome): void {
    checkNode(node);
    if (this.history.runtimesOf(task.type).length > 0 && outcome.runtimeS > 0 && outcome.outOfMemory !== true)
      this.learn(task, node, outcome);
    const { added, dropped } = this.history.add(task, node, outcome);
    if (added) this.added(task.type, added, dropped);
  }

  refit(nodeTypeId: string): void {
    this.forgot(this.history.forgetNode(nodeTypeId, KEEP_AFTER_DRIFT));
  }

  saveState(): PredictorState {
    return {
      format: 'strata-perfmodel',
      version: 1,
      model: this.name,
      data: { history: this.history.state(), model: this.extraState() },
    };
  }
}
