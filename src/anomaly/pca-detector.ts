/**
 * Baseline: PCA reconstruction error. Fits the principal components of the (centred) training
 * metrics, keeps the fewest that explain `variance` (95 %) of it, and scores a step by the squared
 * distance to that subspace; a metric's contribution is its squared residual.
 */
import type { DetectorArtefact, FittedDetector } from './detector.js';
import { artefactOf, scoreByWindows } from './detector.js';
import { decodeFloat32, encodeFloat32 } from './float-codec.js';
import type { MetricMatrix } from './metric-matrix.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface PcaOptions {
  /** Fraction of training variance the kept components explain (default 0.95). */
  variance?: number;
}

export class PcaDetector {
  readonly model = 'pca' as const;

  constructor(readonly options: PcaOptions = {}) {}

  fit(train: MetricMatrix): Promise<FittedDetector> {
    const { rows, cols, values } = train;
    const mean = new Float64Array(cols);
    for (let t = 0; t < rows; t++) for (let j = 0; j < cols; j++) mean[j] = mean[j]! + values[t * cols + j]!;
    for (let j = 0; j < cols; j++) mean[j] = mean[j]! / Math.max(1, rows);
    const cov = new Float64Array(cols * cols);
    const x = new Float64Array(cols);
    for (let t = 0; t < rows; t++) {
      for (let j = 0; j < cols; j++) x[j] = values[t * cols + j]! - mean[j]!;
      for (let i = 0; i < cols; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        for (let j = i; j < cols; j++) cov[i * cols + j] = cov[i * cols + j]! + xi * x[j]!;
      }
    }
    for (let i = 0; i < cols; i++)
      for (let j = i; j < cols; j++) {
        const c = cov[i * cols + j]! / Math.max(1, rows - 1);
        cov[i * cols + j] = c;
        cov[j * cols + i] = c;
      }
    const { values: eig, vectors } = symmetricEigen(cov, cols);
    const total = eig.reduce((s, e) => s + Math.max(0, e), 0);
    const target = (this.options.variance ?? 0.95) * total;
    let k = 0;
    let acc = 0;
    while (k < cols && (acc < target || k === 0)) acc += Math.max(0, eig[k++]!);
    const basis = new Float32Array(k * cols); // row c = component c
    for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) basis[c * cols + j] = vectors[j * cols + c]!;
    return Promise.resolve(new FittedPca(Float32Array.from(mean), basis, k));
  }
}

export class FittedPca implements FittedDetector {
  readonly model = 'pca' as const;
  readonly window = 1;
  readonly cols: number;
  private readonly x: Float32Array;

  constructor(
    readonly mean: Float32Array,
    readonly basis: Float32Array,
    readonly components: number,
  ) {
    this.cols = mean.length;
    this.x = new Float32Array(this.cols);
  }

  static fromArtefact(a: DetectorArtefact): FittedPca | null {
    const mean = decodeFloat32(a.weights.mean ?? '');
    const basis = decodeFloat32(a.weights.basis ?? '');
    const k = a.params.components ?? -1;
    if (!mean || !basis || mean.length !== a.cols || basis.length !== k * a.cols) return null;
    return new FittedPca(mean, basis, k);
  }

  score(data: MetricMatrix) {
    return scoreByWindows(this, data);
  }

  scoreWindow(rows: Float32Array, contributions?: Float32Array): number {
    const { cols, x, basis } = this;
    for (let j = 0; j < cols; j++) x[j] = rows[j]! - this.mean[j]!;
    const r = Float32Array.from(x);
    for (let c = 0; c < this.components; c++) {
      let p = 0;
      for (let j = 0; j < cols; j++) p += basis[c * cols + j]! * x[j]!;
      for (let j = 0; j < cols; j++) r[j] = r[j]! - p * basis[c * cols + j]!;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = r[j]! * r[j]!;
      if (contributions) contributions[j] = e;
      sum += e;
    }
    return sum;
  }

  artefact(): DetectorArtefact {
    return artefactOf(this, {
      params: { components: this.components },
      weights: { mean: encodeFloat32(this.mean), basis: encodeFloat32(this.basis) },
    });
  }
}
