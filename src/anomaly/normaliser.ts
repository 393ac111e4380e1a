/**
 * Per-metric normalisation fitted on training data only: z = (x − median) / scale, clipped to
 * ±clip. The scale is a robust spread (IQR/1.349, or the standard deviation when the IQR is 0) with
 * a floor, so that a metric flat in training cannot turn a tiny change in the test half into an
 * enormous z (the commonest cause of a threshold that flags everything after drift).
 */
import type { MetricMatrix } from './metric-matrix.js';

export interface Normaliser {
  center: Float32Array;
  scale: Float32Array;
  clip: number;
}

export interface NormaliserOptions {
  /** Smallest scale, as a fraction of the median spread over all metrics (default 0.1). */
  floorFraction?: number;
  /** |z| above this is clipped (default 10). */
  clip?: number;
}

function quantileSorted(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Fits medians and robust scales per metric on `train`. */
export function fitNormaliser(train: MetricMatrix, options: NormaliserOptions = {}): Normaliser {
  const { rows, cols, values } = train;
  const center = new Float32Array(cols);
  const spread = new Float32Array(cols);
  const column = new Float32Array(rows);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let t = 0; t < rows; t++) {
      column[t] = values[t * cols + j]!;
      mean += column[t]!;
    }
    mean /= Math.max(1, rows);
    let v = 0;
    for (let t = 0; t < rows; t++) v += (column[t]! - mean) ** 2;
    const std = Math.sqrt(v / Math.max(1, rows - 1));
    column.sort();
    center[j] = quantileSorted(column, 0.5);
    const iqr = (quantileSorted(column, 0.75) - quantileSorted(column, 0.25)) / 1.349;
    spread[j] = iqr > 0 ? iqr : std;
  }
  const positive = Array.from(spread)
    .filter((s) => s > 0)
    .sort((a, b) => a - b);
  const typical = positive.length > 0 ? positive[Math.floor(positive.length / 2)]! : 1;
  const floor = Math.max(typical * (options.floorFraction ?? 0.1), 1e-12);
  const scale = spread.map((s) => Math.max(s, floor));
  return { center, scale, clip: options.clip ?? 10 };
}

/** Applies a normaliser to one value of metric j. */
export function normalise(n: Normaliser, j: number, x: number): number {
  const z = (x - n.center[j]!) / n.scale[j]!;
  return z > n.clip ? n.clip : z < -n.clip ? -n.clip : z;
}

/** Applies a normaliser to a whole matrix (a new array). */
export function normaliseAll(n: Normaliser, m: MetricMatrix): Float32Array {
  const out = new Float32Array(m.values.length);
  for (let t = 0; t < m.rows; t++)
    for (let j = 0; j < m.cols; j++) out[t * m.cols + j] = normalise(n, j, m.values[t * m.cols + j]!);
  return out;
}
