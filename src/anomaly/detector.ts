/**
 * The `Detector` seam. Glossary:
 * - **step**: one row of a metric series (one sample of every metric, e.g. one minute).
 * - **window**: the last `window` steps up to and including a step; a detector scores a step from it.
 * - **score**: how anomalous a step looks (higher = more); only its order matters to the metrics.
 * - **contribution**: the share of a step's score owed to each metric (which metrics explain it).
 * - **threshold**: the score above which a step is flagged, chosen without labels (pot-threshold.ts).
 * - **artefact**: a fitted detector as plain JSON (weights as base64 float32) to ship to an edge node.
 *
 * A `Detector` learns from a training series (`fit`, may be async: the VAE trains with tfjs outside
 * this pure layer); the `FittedDetector` it returns scores in plain TypeScript and serialises itself.
 * Every implementation passes the shared conformance suite (src/anomaly/testing/conformance.ts).
 */
import type { MetricMatrix } from './metric-matrix.js';
import type { Normaliser } from './normaliser.js';

export const MODEL_NAMES = ['vae', 'pca', 'robust-z', 'random'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

/** Scores of every step of a series and each metric's contribution (rows × cols, row-major). */
export interface DetectorScores {
  scores: Float32Array;
  contributions: Float32Array;
}

export interface FittedDetector {
  readonly model: ModelName;
  readonly cols: number;
  /** Steps one score reads (1 for point models). Steps before the first full window are scored on
   * a window padded with the series' first row. */
  readonly window: number;
  score(data: MetricMatrix): DetectorScores;
  /**
   * Scores the window ending at the last of `window` rows given as `window × cols` values (the edge
   * path: one step at a time); writes the contributions into `contributions` if given.
   */
  scoreWindow(rows: Float32Array, contributions?: Float32Array): number;
  /** The fitted model as JSON-serialisable data. */
  artefact(): DetectorArtefact;
}

export interface Detector {
  readonly model: ModelName;
  fit(train: MetricMatrix): Promise<FittedDetector>;
}

/** JSON of a normaliser. */
export interface NormaliserJson {
  center: number[];
  scale: number[];
  clip: number;
}

/** The format (and version) every detector artefact declares. */
export const DETECTOR_ARTEFACT_FORMAT = 'strata-anomaly-detector/1';

/** A fitted detector as data. `weights` are base64 little-endian float32 (float-codec.ts). */
export interface DetectorArtefact {
  format: typeof DETECTOR_ARTEFACT_FORMAT;
  model: ModelName;
  cols: number;
  window: number;
  normaliser?: NormaliserJson;
  params: Record<string, number>;
  weights: Record<string, string>;
}

/**
 * The artefact of a fitted detector: what every one says (format, model, shape), then what it learnt.
 *
 * @example
 * artefactOf(this, { params: {}, weights: { median: encodeFloat32(this.median) } })
 */
export function artefactOf(
  d: Pick<FittedDetector, 'model' | 'cols' | 'window'>,
  learnt: Pick<DetectorArtefact, 'normaliser' | 'params' | 'weights'>,
): DetectorArtefact {
  return { format: DETECTOR_ARTEFACT_FORMAT, model: d.model, cols: d.cols, window: d.window, ...learnt };
}

export function normaliserToJson(n: Normaliser): NormaliserJson {
  return { center: Array.from(n.center), scale: Array.from(n.scale), clip: n.clip };
}

export function normaliserFromJson(j: NormaliserJson): Normaliser {
  return { center: Float32Array.from(j.center), scale: Float32Array.from(j.scale), clip: j.clip };
}

/**
 * Scores every step of `data` through `scoreWindow`, padding the first steps with the first row:
 * the generic path; detectors override `score` when they can do better.
 */
export function scoreByWindows(d: FittedDetector, data: MetricMatrix): DetectorScores {
  const { rows, cols, values } = data;
  const w = d.window;
  const scores = new Float32Array(rows);
  const contributions = new Float32Array(rows * cols);
  const buf = new Float32Array(w * cols);
  for (let t = 0; t < rows; t++) {
    for (let k = 0; k < w; k++) {
      const src = Math.max(0, t - w + 1 + k);
      buf.set(values.subarray(src * cols, (src + 1) * cols), k * cols);
    }
    scores[t] = d.scoreWindow(buf, contributions.subarray(t * cols, (t + 1) * cols));
  }
  return { scores, contributions };
}
