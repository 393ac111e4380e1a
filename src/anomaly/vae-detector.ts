/**
 * The VAE detector's scoring side, in plain TypeScript over Float32Array (no tfjs: it runs wherever
 * a JavaScript engine runs). Training lives in src/anomaly-train/ (tfjs, wasm backend).
 *
 * Architecture (a window of `window` steps × `cols` metrics, normalised per metric on training):
 *   per step   e_k = relu(x_k · Wp + bp)                   (cols → proj, shared by the steps)
 *   encoder    h = relu([e_1 … e_w] · We + be)            (window·proj → hidden)
 *              μ = h · Wm + bm,  log σ² = h · Ws + bs       (hidden → latent)
 *   decoder    g = relu(z · Wg + bg)                        (latent → hidden)
 *              f_k = relu(g · Wf_k + bf_k)                  (hidden → proj, per step)
 *              x̂_k = f_k · Wo + bo                          (proj → cols, shared)
 * Scoring decodes the posterior mean μ and reconstructs the window's last step only; metric j's
 * contribution is its squared error divided by its error variance on held-out training windows
 * (a Gaussian reconstruction log-probability up to constants), and the step's score is their sum,
 * smoothed by an exponential moving average over `smooth` steps (anomalies persist; noise does not).
 * The per-step projection e_k is computed once per step and reused by every window that holds it.
 */
import type { DetectorArtefact, FittedDetector } from './detector.js';
import { artefactOf, normaliserFromJson, normaliserToJson } from './detector.js';
import { decodeFloat32, encodeFloat32 } from './float-codec.js';
import type { MetricMatrix } from './metric-matrix.js';
import type { Normaliser } from './normaliser.js';
import { normalise } from './normaliser.js';

/** Shapes of a VAE. */
export interface VaeShape {
  cols: number;
  window: number;
  proj: number;
  hidden: number;
  latent: number;
}

/** The weights, row-major [in, out] matrices as the layers above name them. */
export interface VaeWeights {
  Wp: Float32Array;
  bp: Float32Array;
  We: Float32Array;
  be: Float32Array;
  Wm: Float32Array;
  bm: Float32Array;
  Wg: Float32Array;
  bg: Float32Array;
  /** hidden → window·proj; scoring reads only the last step's columns. */
  Wf: Float32Array;
  bf: Float32Array;
  Wo: Float32Array;
  bo: Float32Array;
}

export const VAE_WEIGHT_NAMES = [
  'Wp',
  'bp',
  'We',
  'be',
  'Wm',
  'bm',
  'Wg',
  'bg',
  'Wf',
  'bf',
  'Wo',
  'bo',
] as const;

export function vaeWeightSizes(s: VaeShape): Record<keyof VaeWeights, number> {
  return {
    Wp: s.cols * s.proj,
    bp: s.proj,
    We: s.window * s.proj * s.hidden,
    be: s.hidden,
    Wm: s.hidden * s.latent,
    bm: s.latent,
    Wg: s.latent * s.hidden,
    bg: s.hidden,
    Wf: s.hidden * s.window * s.proj,
    bf: s.window * s.proj,
    Wo: s.proj * s.cols,
    bo: s.cols,
  };
}

/** y[o] = b[o] + Σ_i x[i]·W[i, o] (W row-major in × out), optionally relu. */
function dense(
  x: Float32Array,
  xOff: number,
  inN: number,
  W: Float32Array,
  b: Float32Array,
  bOff: number,
  outN: number,
  wStride: number,
  wCol: number,
  y: Float32Array,
  relu: boolean,
): void {
  for (let o = 0; o < outN; o++) y[o] = b[bOff + o]!;
  for (let i = 0; i < inN; i++) {
    const xi = x[xOff + i]!;
    if (xi === 0) continue;
    const row = i * wStride + wCol;
    for (let o = 0; o < outN; o++) y[o] = y[o]! + xi * W[row + o]!;
  }
  if (relu) for (let o = 0; o < outN; o++) if (y[o]! < 0) y[o] = 0;
}

export class FittedVae implements FittedDetector {
  readonly model = 'vae' as const;
  readonly cols: number;
  readonly window: number;
  private readonly xs: Float32Array;
  private readonly ring: Float32Array;
  private readonly h: Float32Array;
  private readonly mu: Float32Array;
  private readonly g: Float32Array;
  private readonly f: Float32Array;
  private readonly out: Float32Array;
  private readonly invVar: Float32Array;

  constructor(
    readonly shape: VaeShape,
    readonly weights: VaeWeights,
    readonly normaliser: Normaliser,
    /** Per-metric variance of the reconstruction error on held-out training windows. */
    readonly errorVariance: Float32Array,
    /** EMA span of the score, in steps (1: no smoothing). */
    readonly smooth: number,
  ) {
    this.cols = shape.cols;
    this.window = shape.window;
    this.xs = new Float32Array(shape.cols);
    this.ring = new Float32Array(shape.window * shape.proj);
    this.h = new Float32Array(shape.hidden);
    this.mu = new Float32Array(shape.latent);
    this.g = new Float32Array(shape.hidden);
    this.f = new Float32Array(shape.proj);
    this.out = new Float32Array(shape.cols);
    this.invVar = errorVariance.map((v) => 1 / Math.max(v, 1e-8));
  }

  static fromArtefact(a: DetectorArtefact): FittedVae | null {
    const p = a.params;
    const shape: VaeShape = {
      cols: a.cols,
      window: a.window,
      proj: p.proj ?? -1,
      hidden: p.hidden ?? -1,
      latent: p.latent ?? -1,
    };
    if (!a.normaliser || !(shape.proj > 0 && shape.hidden > 0 && shape.latent > 0)) return null;
    const sizes = vaeWeightSizes(shape);
    const w: Partial<VaeWeights> = {};
    for (const name of VAE_WEIGHT_NAMES) {
      const v = decodeFloat32(a.weights[name] ?? '');
      if (!v || v.length !== sizes[name]) return null;
      w[name] = v;
    }
    const errVar = decodeFloat32(a.weights.errorVariance ?? '');
    if (!errVar || errVar.length !== a.cols) return null;
    return new FittedVae(shape, w as VaeWeights, normaliserFromJson(a.normaliser), errVar, p.smooth ?? 1);
  }

  /** Projects one normalised step into `into` at `offset`. */
  private project(x: Float32Array, xOff: number, into: Float32Array, offset: number): void {
    const { proj, cols } = this.shape;
    const W = this.weights;
    for (let o = 0; o < proj; o++) into[offset + o] = W.bp[o]!;
    for (let i = 0; i < cols; i++) {
      const xi = x[xOff + i]!;
      if (xi === 0) continue;
      const row = i * proj;
      for (let o = 0; o < proj; o++) into[offset + o] = into[offset + o]! + xi * W.Wp[row + o]!;
    }
    for (let o = 0; o < proj; o++) if (into[offset + o]! < 0) into[offset + o] = 0;
  }

  /**
   * Scores the window whose projected steps are `e` (window·proj, oldest first) and whose last
   * normalised step is `last`; writes per-metric contributions; returns the raw (unsmoothed) score.
   */
  private scoreProjected(
    e: Float32Array,
    eOff: number,
    last: Float32Array,
    lastOff: number,
    contributions: Float32Array | undefined,
    cOff: number,
  ): number {
    const { window, proj, hidden, latent, cols } = this.shape;
    const W = this.weights;
    dense(e, eOff, window * proj, W.We, W.be, 0, hidden, hidden, 0, this.h, true);
    dense(this.h, 0, hidden, W.Wm, W.bm, 0, latent, latent, 0, this.mu, false);
    dense(this.mu, 0, latent, W.Wg, W.bg, 0, hidden, hidden, 0, this.g, true);
    // Only the last step's slice of the per-step decoder layer.
    dense(
      this.g,
      0,
      hidden,
      W.Wf,
      W.bf,
      (window - 1) * proj,
      proj,
      window * proj,
      (window - 1) * proj,
      this.f,
      true,
    );
    dense(this.f, 0, proj, W.Wo, W.bo, 0, cols, cols, 0, this.out, false);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const d = last[lastOff + j]! - this.out[j]!;
      const c = d * d * this.invVar[j]!;
      if (contributions) contributions[cOff + j] = c;
      sum += c;
    }
    return sum / cols;
  }

  score(data: MetricMatrix) {
    const { rows, cols, values } = data;
    const { window, proj } = this.shape;
    const norm = new Float32Array(rows * cols);
    for (let t = 0; t < rows; t++)
      for (let j = 0; j < cols; j++)
        norm[t * cols + j] = normalise(this.normaliser, j, values[t * cols + j]!);
    const projected = new Float32Array(rows * proj);
    for (let t = 0; t < rows; t++) this.project(norm, t * cols, projected, t * proj);
    const scores = new Float32Array(rows);
    const contributions = new Float32Array(rows * cols);
    const e = this.ring;
    for (let t = 0; t < rows; t++) {
      // A full window is a contiguous run of projected steps; only the first steps need padding.
      if (t >= window - 1) {
        scores[t] = this.scoreProjected(
          projected,
          (t - window + 1) * proj,
          norm,
          t * cols,
          contributions,
          t * cols,
        );
        continue;
      }
      for (let k = 0; k < window; k++) {
        const src = Math.max(0, t - window + 1 + k);
        e.set(projected.subarray(src * proj, (src + 1) * proj), k * proj);
      }
      scores[t] = this.scoreProjected(e, 0, norm, t * cols, contributions, t * cols);
    }
    smoothInPlace(scores, this.smooth);
    return { scores, contributions };
  }

  /**
   * Scores one window (window × cols raw values, oldest first). Unsmoothed: a stream keeps its own
   * moving average (edge-monitor.ts), as `score` does over a series.
   */
  scoreWindow(rows: Float32Array, contributions?: Float32Array): number {
    const { window, proj, cols } = this.shape;
    const e = this.ring;
    for (let k = 0; k < window; k++) {
      for (let j = 0; j < cols; j++) this.xs[j] = normalise(this.normaliser, j, rows[k * cols + j]!);
      this.project(this.xs, 0, e, k * proj);
    }
    return this.scoreProjected(e, 0, this.xs, 0, contributions, 0);
  }

  artefact(): DetectorArtefact {
    const weights: Record<string, string> = {};
    for (const name of VAE_WEIGHT_NAMES) weights[name] = encodeFloat32(this.weights[name]);
    weights.errorVariance = encodeFloat32(this.errorVariance);
    return artefactOf(this, {
      normaliser: normaliserToJson(this.normaliser),
      params: {
        proj: this.shape.proj,
        hidden: this.shape.hidden,
        latent: this.shape.latent,
        smooth: this.smooth,
      },
      weights,
    });
  }
}

/** Exponential moving average with span `span` (α = 2 / (span + 1)), in place. */
export function smoothInPlace(scores: Float32Array, span: number): void {
  if (span <= 1 || scores.length === 0) return;
  const a = 2 / (span + 1);
  let m = scores[0]!;
  for (let t = 0; t < scores.length; t++) {
    m = a * scores[t]! + (1 - a) * m;
    scores[t] = m;
  }
}
