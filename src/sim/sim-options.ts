/**
 * What the twin is asked to play: the assignment of tasks to nodes (static mode) and the options of
 * a run (seed, failures, overheads, carbon start). Types only; `simulate.ts` is the entry point.
 */
import type { RetryPolicy } from '../model/index.js';

export interface Assignment {
  /** Global node index (see nodeOffsets) for each task. */
  nodeOf: Int32Array;
  /** Order among tasks ready on the same node: lower first (e.g. minus the HEFT upward rank). Default: task index. */
  priority?: Float64Array;
  /** Earliest start per task in seconds (carbon-aware policies delay flexible work). Optional. */
  notBefore?: Float64Array;
  /**
   * DVFS level per task on its node's type (0 = nominal frequency, k = `nodeType.dvfs[k − 1]`): the
   * busy share of the task's run (`WorkloadTask.cpuUtilisation`) goes `speedFactor` times as fast and
   * its cores draw that level's power. Default: all 0.
   */
  level?: Uint8Array;
}

export interface SimFailureOptions {
  /** Mean time between crashes of one node, in seconds (exponential); none = nodes never crash. */
  nodeMtbfS?: number;
  /** How long a crashed node stays down (default 600 s). */
  repairS?: number;
  /** Probability that an attempt is a straggler (default 0). */
  stragglerProbability?: number;
  /** How many times longer a straggler runs (default 3). */
  stragglerSlowdown?: number;
}

export interface SimOverheads {
  /** Added before every attempt is queued on its node (the workflow manager's per-task cost). */
  perTaskS?: number;
  /** At most this many task releases per second over the whole workflow (0/none = unlimited). */
  releaseRatePerS?: number;
  /** The first task of each DAG level to become ready waits this long; the level's other tasks not beyond. */
  perLevelS?: number;
  /**
   * Every task's input files (all of them, whoever wrote them) are copied to it through one channel
   * of this many bytes per second, shared fairly by the tasks staging at once, after the per-task
   * delay and before it queues — a workflow manager that ships each job its inputs from the submit
   * host (Pegasus's condorio / nonsharedfs modes). Once per task (not again on retries). None = no
   * staging channel.
   */
  stagingBandwidthBps?: number;
}

export interface SimOptions {
  seed: number;
  /** Default: the model's DEFAULT_RETRY with maxAttempts 3. */
  retry?: RetryPolicy;
  failures?: SimFailureOptions;
  /** Per-task overhead added by the workflow manager (used later by the fitted runtime-system model). */
  overheads?: SimOverheads;
  /** Seconds from which the carbon series is read (0 = series start). */
  startAtS?: number;
  /** Record per-task start/finish/node/energy in `report.trace`. */
  trace?: boolean;
}
