/**
 * Performance model: predicts each task's runtime (mean, p90) and peak memory (mean, p95) on each
 * node type, learns online from every finished attempt, sizes memory requests, and notices when a
 * node type drifts. Pure (docs/perfmodel.md): the caller owns files, clocks and the store.
 *
 * @example
 * import { createPredictor, DriftMonitor, MemorySizer } from '../perfmodel/index.js';
 * const predictor = createPredictor('ensemble');
 * const node = { id: 'skylake-48c', speedFactor: 1.2 };
 * const task = { type: 'mProject', inputBytes: 4e6, cores: 1, memoryBytes: 0 };
 * const p = predictor.predict(task, node); // { runtime: { mean, p90 }, memory: { mean, p95 }, basis, source }
 * const request = new MemorySizer().request(task.type, p.memory.p95);
 * predictor.observe(task, node, { runtimeS: 12.5, peakMemoryBytes: 3.1e8 });
 * const saved = JSON.stringify(predictor.saveState()); // restorePredictor(JSON.parse(saved))
 */
export type {
  NodeType,
  Outcome,
  Prediction,
  PredictionBasis,
  Predictor,
  PredictorState,
  TaskFeatures,
} from './types.js';
export { PerfmodelError, PERFMODEL_ERROR_CODES } from './perfmodel-error.js';
export type { PerfmodelErrorCode } from './perfmodel-error.js';
export { createPredictor, restorePredictor, isModelName, MODEL_NAMES } from './create-predictor.js';
export type { ModelName } from './create-predictor.js';
export { BASELINE_NAMES } from './baseline-predictors.js';
export { EXPERTS } from './ensemble-predictor.js';
export { BayesianLinearRegression, normalQuantile, studentTQuantile } from './bayesian-linear-regression.js';
export { PageHinkley, DEFAULT_PAGE_HINKLEY } from './page-hinkley.js';
export type { PageHinkleyOptions, PageHinkleyAlarm } from './page-hinkley.js';
export { DriftMonitor } from './drift-monitor.js';
export type { DriftEvent } from './drift-monitor.js';
export { MemorySizer, DEFAULT_MEMORY_SIZER } from './memory-sizer.js';
export type { MemorySizerOptions } from './memory-sizer.js';
export {
  measureSpeedFactor,
  microBenchmarkWork,
  speedFactorFromBenchmark,
  REFERENCE_BENCHMARK_S,
} from './micro-benchmark.js';
export {
  workloadStream,
  chronologicalOrder,
  topologicalOrder,
  recordedNodeTypes,
  inputBytesOf,
} from './workload-stream.js';
export type { StreamItem, StreamOrder } from './workload-stream.js';
export { evaluateOnline, evaluateCrossMachine, MAX_SEEN_RULE } from './online-evaluation.js';
export type {
  CrossMachineEvaluation,
  CrossMachinePair,
  CrossMachineScore,
  EvaluationOptions,
  InstanceEvaluation,
  ModelScore,
  OnlineEvaluation,
} from './online-evaluation.js';
export { predictedWorkload } from './predicted-workload.js';
export { CpuUtilisationEstimator } from './cpu-utilisation.js';
export { calibrateDvfs, dvfsPlatformYaml } from './dvfs-calibration.js';
export type { DvfsCalibration, PowerSample } from './dvfs-calibration.js';
export type { PredictedWorkload, PredictedWorkloadOptions } from './predicted-workload.js';
export { driftScenario } from './drift-scenario.js';
export type { DriftRun, DriftScenarioOptions, DriftScenarioResult } from './drift-scenario.js';
export { parseNoiseCsv } from './noise-series.js';
export type { NoiseSample } from './noise-series.js';
export { DRIFT_DETECTOR } from './drift-monitor.js';
