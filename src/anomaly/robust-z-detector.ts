/**
 * Baseline: per-metric robust z-score, |x − median| / (1.4826·MAD) fitted on training data; a step's
 * score is the mean over metrics. Cheap, no window, and a strong reference on SMD.
 */
import type { DetectorArtefact, FittedDetector } from './detector.js';
import { artefactOf, scoreByWindows } from './detector.js';
import { decodeFloat32, encodeFloat32 } from './float-codec.js';
import type { MetricMatrix } from './metric-matrix.js';

export class RobustZDetector {
  readonly model = 'robust-z' as const;

  fit(train: MetricMatrix): Promise<FittedDetector> {
    const { rows, cols, values } = train;
    const median = new Float32Array(cols);
    const mad = new Float32Array(cols);
    const col = new Float32Array(rows);
    for (let j = 0; j < cols; j++) {
      for (let t = 0; t < rows; t++) col[t] = values[t * cols + j]!;
      col.sort();
      median[j] = col[rows >> 1]!;
      for (let t = 0; t < rows; t++) col[t] = Math.abs(values[t * cols + j]! - median[j]!);
      col.sort();
      mad[j] = 1.4826 * col[rows >> 1]!;
    }
    // A metric flat in training (MAD 0) gets the smallest non-zero spread of the others, not ε.
    const positive = Array.from(mad).filter((m) => m > 0);
    const floor = positive.length > 0 ? Math.min(...positive) : 1;
    return Promise.resolve(
      new FittedRobustZ(
        median,
        mad.map((m) => Math.max(m, floor)),
      ),
    );
  }
}

export class FittedRobustZ implements FittedDetector {
  readonly model = 'robust-z' as const;
  readonly window = 1;
  readonly cols: number;

  constructor(
    readonly median: Float32Array,
    readonly spread: Float32Array,
  ) {
    this.cols = median.length;
  }

  static fromArtefact(a: DetectorArtefact): FittedRobustZ | null {
    const median = decodeFloat32(a.weights.median ?? '');
    const spread = decodeFloat32(a.weights.spread ?? '');
    if (!median || !spread || median.length !== a.cols || spread.length !== a.cols) return null;
    return new FittedRobustZ(median, spread);
  }

  score(data: MetricMatrix) {
    return scoreByWindows(this, data);
  }

  scoreWindow(rows: Float32Array, contributions?: Float32Array): number {
    let sum = 0;
    for (let j = 0; j < this.cols; j++) {
      const z = Math.abs(rows[j]! - this.median[j]!) / this.spread[j]!;
      if (contributions) contributions[j] = z;
      sum += z;
    }
    return sum / this.cols;
  }

  artefact(): DetectorArtefact {
    return artefactOf(this, {
      params: {},
      weights: { median: encodeFloat32(this.median), spread: encodeFloat32(this.spread) },
    });
  }
}
