/**
 * A workload whose task works are a predictor's estimates instead of the recorded truth, so that a
 * policy can plan on what it could have known and the simulator can play the truth
 * (bench:policies: plan on `predictedWorkload(w).workload`, simulate on `w`).
 *
 * Online and causal: tasks are visited in chronological order (workload-stream.ts: recorded start
 * times, else a topological order of the DAG); each is predicted on the node type it ran on, then
 * its recorded outcome is observed. So each estimate uses only tasks that finished before it
 * would have started; the first task of each type gets the predictor's prior (the median runtime
 * of all types seen so far, or 60 s when nothing has been seen). Work is put back in reference-core
 * seconds as the WfCommons import computes it: runtime × cores × the node's speed factor.
 *
 * @example
 * const est = predictedWorkload(workload);                         // a fresh ensemble
 * const plan = planWith('heft', est.workload, platform, {});       // plan on the estimates
 * simulate(workload, platform, planAssignment(plan, n), options);  // play the truth
 */
import type { Workload } from '../model/workload.js';
import { createPredictor } from './create-predictor.js';
import { CpuUtilisationEstimator } from './cpu-utilisation.js';
import type { PredictionBasis, Predictor } from './types.js';
import { REFERENCE_MHZ, workloadStream } from './workload-stream.js';

export interface PredictedWorkload {
  /**
   * A copy of the workload (tasks copied, files shared) with `work` and `cpuUtilisation` = the
   * estimates.
   */
  workload: Workload;
  /** Per task (workload order): the predicted runtime in seconds on the node it ran on. */
  runtimeS: Float64Array;
  /** Per task: the predicted p90 runtime, for risk-aware planning. */
  runtimeP90S: Float64Array;
  /** Per task: from the type's history, or a prior (first of its type). */
  basis: PredictionBasis[];
  coldStarts: number;
}

export interface PredictedWorkloadOptions {
  /** MHz of the reference core; the WfCommons import's default (2000) unless it was imported otherwise. */
  referenceMHz?: number;
  /** Observe the recorded outcomes (default true). false: the predictor is used as it is, frozen. */
  learn?: boolean;
  /**
   * What estimates `cpuUtilisation` (default: a fresh one); pass one that has observed history runs.
   * It learns this run's outcomes like the predictor (unless `learn` is false).
   */
  cpuUtilisation?: CpuUtilisationEstimator;
}

/**
 * @param predictor default: a fresh `ensemble`; pass one to carry what it learnt on earlier runs
 *   (it is mutated: it observes this workload's outcomes).
 */
export function predictedWorkload(
  workload: Workload,
  predictor: Predictor = createPredictor('ensemble'),
  options: PredictedWorkloadOptions = {},
): PredictedWorkload {
  const n = workload.tasks.length;
  const runtimeS = new Float64Array(n);
  const runtimeP90S = new Float64Array(n);
  const basis: PredictionBasis[] = new Array<PredictionBasis>(n).fill('prior');
  const work = new Float64Array(n);
  const workP90 = new Float64Array(n);
  // CPU utilisation (WorkloadTask.cpuUtilisation) is estimated the same causal way: the mean of the
  // finished tasks of its type, else of all finished tasks, else undefined (taken as CPU-bound).
  const cpuUtil = new Float64Array(n).fill(NaN);
  const utilisation = options.cpuUtilisation ?? new CpuUtilisationEstimator();
  let coldStarts = 0;
  const { items } = workloadStream(workload, options.referenceMHz ?? REFERENCE_MHZ);
  for (const it of items) {
    const p = predictor.predict(it.features, it.node);
    runtimeS[it.index] = p.runtime.mean;
    runtimeP90S[it.index] = p.runtime.p90;
    basis[it.index] = p.basis;
    if (p.basis === 'prior') coldStarts++;
    work[it.index] = p.runtime.mean * it.features.cores * it.node.speedFactor;
    workP90[it.index] = Math.max(p.runtime.p90, p.runtime.mean) * it.features.cores * it.node.speedFactor;
    const task = workload.tasks[it.index]!;
    cpuUtil[it.index] = utilisation.estimate(task.type) ?? NaN;
    if (options.learn !== false) {
      predictor.observe(it.features, it.node, {
        runtimeS: it.runtimeS,
        ...(it.peakMemoryBytes !== undefined ? { peakMemoryBytes: it.peakMemoryBytes } : {}),
      });
      if (task.cpuUtilisation !== undefined) utilisation.observe(task.type, task.cpuUtilisation);
    }
  }
  return {
    workload: {
      ...workload,
      tasks: workload.tasks.map((t, i) => {
        const { cpuUtilisation: _truth, ...rest } = t;
        const u = cpuUtil[i]!;
        return {
          ...rest,
          work: work[i] ?? 0,
          workP90: workP90[i] ?? 0,
          ...(Number.isNaN(u) ? {} : { cpuUtilisation: u }),
        };
      }),
    },
    runtimeS,
    runtimeP90S,
    basis,
    coldStarts,
  };
}
