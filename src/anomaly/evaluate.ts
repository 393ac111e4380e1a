/**
 * One evaluation of a fitted detector on a labelled test series: scores, the label-free threshold
 * (drift-corrected streaming POT calibrated on held-out training scores), every metric of
 * docs/anomaly.md, and the edge transfer the same flags would cost. Pure: the caller fits, reads
 * files and keeps time.
 */
import type { FittedDetector } from './detector.js';
import { EdgeMonitor } from './edge-monitor.js';
import type { EdgeOptions } from './edge-monitor.js';
import {
  bestF1,
  eventwise,
  hitRate,
  paKAucAt,
  paKAucBest,
  pointAdjusted,
  pointwise,
} from './evaluation-metrics.js';
import type { EventScores, Interpretation, PointScores } from './evaluation-metrics.js';
import type { MetricMatrix } from './metric-matrix.js';
import { sliceRows } from './metric-matrix.js';
import { streamingThresholds } from './pot-threshold.js';

export interface EvaluationReport {
  model: string;
  rows: number;
  cols: number;
  /** Fraction of test steps flagged at the label-free threshold. */
  flagged: number;
  /** Point-wise precision/recall/F1 at the label-free threshold. */
  point: PointScores;
  /** Point-adjusted (PA, K = 0) at the label-free threshold. */
  pa: PointScores;
  /** PA%K AUC of the label-free flags. */
  paKAucAtThreshold: number;
  /** Oracles (thresholds picked on the test labels): best point-wise F1, best PA-F1, PA%K AUC. */
  oracle: { f1Point: number; f1Pa: number; paKAuc: number };
  events: EventScores;
  /** HitRate@100% and @150% of the contributions against interpretation labels (null: none given). */
  hitRate100: number | null;
  hitRate150: number | null;
  edge: { bytesRatio: number; bytesSent: number; bytesRaw: number; alarms: number };
}

export interface EvaluateOptions extends EdgeOptions {
  /** Fraction of the training series (its tail) whose scores calibrate the threshold (0.2). */
  calibration?: number;
}

/** Scores of the calibration tail of the training series (for the threshold). */
export function calibrationScores(d: FittedDetector, train: MetricMatrix, fraction = 0.2): Float32Array {
  const from = Math.floor(train.rows * (1 - fraction));
  return d.score(sliceRows(train, from, train.rows)).scores;
}

export function evaluate(
  d: FittedDetector,
  train: MetricMatrix,
  test: MetricMatrix,
  labels: Uint8Array,
  interpretations: Interpretation[] | null,
  options: EvaluateOptions = {},
): EvaluationReport & { scores: Float32Array; flags: Uint8Array } {
  const calibration = calibrationScores(d, train, options.calibration);
  const { scores, contributions } = d.score(test);
  const { flags } = streamingThresholds(calibration, scores, options);
  // The edge replays the same stream: same scores, same threshold state, so the same flags.
  const edge = new EdgeMonitor(d, calibration, options);
  for (let t = 0; t < test.rows; t++) edge.push(test.values.subarray(t * test.cols, (t + 1) * test.cols));
  let flagged = 0;
  for (const f of flags) flagged += f;
  const best = bestF1(scores, labels);
  return {
    model: d.model,
    rows: test.rows,
    cols: test.cols,
    flagged: flagged / Math.max(1, test.rows),
    point: pointwise(flags, labels),
    pa: pointAdjusted(flags, labels, 0),
    paKAucAtThreshold: paKAucAt(flags, labels),
    oracle: { f1Point: best.f1, f1Pa: bestF1(scores, labels, 0).f1, paKAuc: paKAucBest(scores, labels) },
    events: eventwise(flags, labels),
    hitRate100: interpretations ? hitRate(contributions, test.cols, interpretations, 100) : null,
    hitRate150: interpretations ? hitRate(contributions, test.cols, interpretations, 150) : null,
    edge: {
      bytesRatio: edge.bytesRatio,
      bytesSent: edge.bytes.sent,
      bytesRaw: edge.bytes.raw,
      alarms: edge.alarms,
    },
    scores,
    flags,
  };
}
