/**
 * Baseline: uniform random scores from a seed. The floor every table shows: a metric under which it
 * looks good (point-adjusted F1 on SMD) says nothing about a detector.
 */
import type { DetectorArtefact, FittedDetector } from './detector.js';
import { artefactOf } from './detector.js';
import type { MetricMatrix } from './metric-matrix.js';
import { Mulberry32 } from '../model/index.js';

export class RandomDetector {
  readonly model = 'random' as const;

  constructor(readonly seed: number) {}

  fit(train: MetricMatrix): Promise<FittedDetector> {
    return Promise.resolve(new FittedRandom(train.cols, this.seed));
  }
}

export class FittedRandom implements FittedDetector {
  readonly model = 'random' as const;
  readonly window = 1;
  private readonly rng: Mulberry32;

  constructor(
    readonly cols: number,
    readonly seed: number,
  ) {
    this.rng = new Mulberry32(seed);
  }

  score(data: MetricMatrix) {
    const scores = new Float32Array(data.rows);
    const contributions = new Float32Array(data.rows * data.cols);
    for (let t = 0; t < data.rows; t++)
      scores[t] = this.scoreWindow(data.values, contributions.subarray(t * data.cols, (t + 1) * data.cols));
    return { scores, contributions };
  }

  scoreWindow(_rows: Float32Array, contributions?: Float32Array): number {
    if (contributions) for (let j = 0; j < this.cols; j++) contributions[j] = this.rng.next();
    return this.rng.next();
  }

  artefact(): DetectorArtefact {
    return artefactOf(this, { params: { seed: this.seed }, weights: {} });
  }
}
