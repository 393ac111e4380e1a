/**
 * Anomaly detection near the data (docs/anomaly.md): detectors over multivariate metric series,
 * plain-TypeScript scoring, a label-free threshold that copes with drift, honest evaluation metrics
 * and an edge monitor that sends scores, and raw data only when an alarm fires. Pure: no I/O, no
 * clock, randomness only from seeds passed in. Training of the VAE lives in src/anomaly-train/.
 *
 * @example
 * import { PcaDetector, evaluate } from '../anomaly/index.js';
 * const fitted = await new PcaDetector().fit(train);
 * const report = evaluate(fitted, train, test, labels, null);
 * report.point.f1; // point-wise F1 at the label-free threshold
 */
export { AnomalyError, ANOMALY_ERROR_CODES } from './anomaly-error.js';
export type { AnomalyErrorCode } from './anomaly-error.js';
export { MODEL_NAMES, isModelName, scoreByWindows } from './detector.js';
export type { Detector, DetectorArtefact, DetectorScores, FittedDetector, ModelName } from './detector.js';
export { restoreDetector, EDGE_BUNDLE_FORMAT, edgeBundle, restoreEdgeBundle } from './artefact.js';
export type { EdgeBundle } from './artefact.js';
export type { MetricMatrix } from './metric-matrix.js';
export { matrix, sliceRows, defaultNames } from './metric-matrix.js';
export { parseMetricCsv, parseLabels, parseInterpretation } from './metric-files.js';
export { parseNabCsv, nabLabels } from './nab-files.js';
export type { NabStream } from './nab-files.js';
export * from './evaluation-metrics.js';
export { fitPot, StreamingPot, streamingThresholds } from './pot-threshold.js';
export type { PotFit, PotOptions, StreamingPotOptions } from './pot-threshold.js';
export { fitNormaliser } from './normaliser.js';
export { RobustZDetector, FittedRobustZ } from './robust-z-detector.js';
export { PcaDetector, FittedPca } from './pca-detector.js';
export { RandomDetector, FittedRandom } from './random-detector.js';
export { FittedVae } from './vae-detector.js';
export type { VaeShape, VaeWeights } from './vae-detector.js';
export { EdgeMonitor } from './edge-monitor.js';
export type { EdgeAlarm, EdgeOptions, EdgeStep } from './edge-monitor.js';
export { evaluate, calibrationScores } from './evaluate.js';
export type { EvaluateOptions, EvaluationReport } from './evaluate.js';
