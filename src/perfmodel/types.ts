/**
 * The performance model's words and contracts. Pure: no I/O, no clock (time, when it matters, is an
 * argument), so that the same predictor runs in the engine, the digital twin and the evaluation.
 *
 * Glossary
 * - **task type**: what a model learns per: the program, or the Nextflow process name
 *   (`WorkloadTask.type`).
 * - **node type**: a kind of node the task may run on (a machine model, a VM size, one recorded
 *   host): an id and a **speed factor**, its core speed relative to the reference core (1 = the
 *   reference core; a task needing W reference-core seconds takes W / speedFactor seconds there).
 * - **observation**: what a finished attempt says: its runtime, its peak memory, whether it was
 *   killed for running out of memory.
 * - **prediction**: runtime (mean, p90) and peak memory (mean, p95) of a task on a node type.
 * - **drift**: a node type's runtimes moving away from the predictions (a slower VM, a noisy
 *   neighbour, a new software version), detected on the prediction residuals.
 */

/** What a predictor knows about a task before it runs. */
export interface TaskFeatures {
  /** Task type: program or process name. */
  type: string;
  /** Sum of the sizes of the task's input files, in bytes (0 when unknown). */
  inputBytes: number;
  /** Declared cores. */
  cores: number;
  /** Declared memory in bytes (0 when not declared). */
  memoryBytes: number;
}

/** A kind of node. */
export interface NodeType {
  id: string;
  /**
   * Core speed relative to the reference core: declared (e.g. MHz / reference MHz) or measured by
   * the micro-benchmark (`speedFactorFromBenchmark`). Must be > 0.
   */
  speedFactor: number;
}

/** What one finished (or killed) attempt says. */
export interface Outcome {
  /** Wall-clock runtime in seconds (of the killed attempt, when `outOfMemory`). */
  runtimeS: number;
  /** Peak resident memory in bytes; omit when not measured. */
  peakMemoryBytes?: number;
  /** The attempt was killed for exceeding its memory request (then `peakMemoryBytes` is a lower bound). */
  outOfMemory?: boolean;
}

/** Where a prediction came from: this task type's own history, or a prior (nothing seen yet). */
export type PredictionBasis = 'history' | 'prior';

export interface Prediction {
  /**
   * `typical`: the median runtime of this task type on this node type over the whole window (from
   * the reference-core median and the speed factor when the node type is new) — slow to move on
   * purpose, it is what drift detection compares runtimes with (an adaptive mean absorbs a change
   * within a few tasks and would hide it).
   */
  runtime: { mean: number; p90: number; typical: number };
  memory: { mean: number; p95: number };
  basis: PredictionBasis;
  /** The model (or, for the ensemble, the expert) that gave the runtime. */
  source: string;
}

/**
 * A runtime and memory predictor that learns online. `predict` never changes the state; `observe`
 * is the only way in. The state is plain JSON (`saveState`), restored by `restorePredictor`.
 *
 * @example
 * const p = createPredictor('ensemble');
 * const node = { id: 'c5.xlarge', speedFactor: 1.4 };
 * const before = p.predict(task, node); // a prior: nothing seen yet
 * p.observe(task, node, { runtimeS: 42, peakMemoryBytes: 2e9 });
 */
export interface Predictor {
  readonly name: string;
  predict(task: TaskFeatures, node: NodeType): Prediction;
  observe(task: TaskFeatures, node: NodeType, outcome: Outcome): void;
  /**
   * Forgets what is stale about a node type after a drift (keeps its latest observations) and
   * restarts the re-weighting; what a `DriftMonitor` event asks for.
   */
  refit(nodeTypeId: string): void;
  /** The whole learned state as JSON-serialisable data. */
  saveState(): PredictorState;
}

/** Serialised predictor: `model` says which one, `version` the layout. */
export interface PredictorState {
  format: 'strata-perfmodel';
  version: 1;
  model: string;
  data: unknown;
}
