/**
 * Online Bayesian linear regression y = w0 + w1·x + ε with unknown noise variance: the conjugate
 * Normal-Inverse-Gamma model (Bishop, PRML §3.3; Murphy, "Conjugate Bayesian analysis of the
 * Gaussian distribution", §9). The prior is w | σ² ~ N(m0, σ²·V0), σ² ~ InvGamma(a0, b0). After n
 * observations, with Φ the n×2 design matrix ([1, x] rows):
 *
 *   Vn⁻¹ = V0⁻¹ + ΦᵀΦ          mn = Vn (V0⁻¹ m0 + Φᵀ y)
 *   an   = a0 + n/2            bn = b0 + ½ (yᵀy + m0ᵀ V0⁻¹ m0 − mnᵀ Vn⁻¹ mn)
 *
 * and the predictive distribution at x is a Student t with 2·an degrees of freedom, location
 * [1, x]·mn and squared scale (bn / an)(1 + [1, x] Vn [1, x]ᵀ). Only sufficient statistics are kept
 * (a 2×2 matrix, a 2-vector, two scalars), so an update is O(1) and the state is a few numbers.
 */

export interface BlrPrior {
  /** Prior mean of [intercept, slope]. */
  m0: [number, number];
  /** Prior scale: V0 = diag(v0[0], v0[1]) (in units of σ²). */
  v0: [number, number];
  a0: number;
  b0: number;
}

/** Sufficient statistics: P = Vn⁻¹ (row-major 2×2), q = V0⁻¹ m0 + Φᵀy, yy = yᵀy + m0ᵀV0⁻¹m0, n. */
export interface BlrState {
  prior: BlrPrior;
  p: [number, number, number, number];
  q: [number, number];
  yy: number;
  n: number;
}

export const WEAK_PRIOR: BlrPrior = { m0: [0, 0], v0: [1e6, 1e6], a0: 1, b0: 1 };

export class BayesianLinearRegression {
  private s: BlrState;

  constructor(prior: BlrPrior = WEAK_PRIOR, state?: BlrState) {
    this.s = state ?? BayesianLinearRegression.initial(prior);
  }

  static initial(prior: BlrPrior): BlrState {
    const i0 = 1 / prior.v0[0];
    const i1 = 1 / prior.v0[1];
    return {
      prior,
      p: [i0, 0, 0, i1],
      q: [i0 * prior.m0[0], i1 * prior.m0[1]],
      yy: i0 * prior.m0[0] ** 2 + i1 * prior.m0[1] ** 2,
      n: 0,
    };
  }

  get count(): number {
    return this.s.n;
  }

  observe(x: number, y: number): void {
    const s = this.s;
    s.p = [s.p[0] + 1, s.p[1] + x, s.p[2] + x, s.p[3] + x * x];
    s.q = [s.q[0] + y, s.q[1] + x * y];
    s.yy += y * y;
    s.n += 1;
  }

  /** Removes an observation added earlier (a sliding window): the exact inverse of `observe`. */
  forget(x: number, y: number): void {
    const s = this.s;
    s.p = [s.p[0] - 1, s.p[1] - x, s.p[2] - x, s.p[3] - x * x];
    s.q = [s.q[0] - y, s.q[1] - x * y];
    s.yy -= y * y;
    s.n -= 1;
  }

  /** Vn = P⁻¹. */
  private covariance(): [number, number, number, number] {
    const [a, b, c, d] = this.s.p;
    const det = a * d - b * c;
    return [d / det, -b / det, -c / det, a / det];
  }

  /** Posterior mean [intercept, slope]. */
  weights(): [number, number] {
    const [v00, v01, v10, v11] = this.covariance();
    const [q0, q1] = this.s.q;
    return [v00 * q0 + v01 * q1, v10 * q0 + v11 * q1];
  }

  /** an and bn of the posterior Inverse-Gamma on σ². */
  noise(): { a: number; b: number } {
    const m = this.weights();
    const a = this.s.prior.a0 + this.s.n / 2;
    const b = this.s.prior.b0 + 0.5 * (this.s.yy - (m[0] * this.s.q[0] + m[1] * this.s.q[1]));
    return { a, b: Math.max(b, 1e-12) };
  }

  /** Predictive Student t at x: location, scale and degrees of freedom. */
  predictive(x: number): { mean: number; scale: number; dof: number } {
    const m = this.weights();
    const [v00, v01, v10, v11] = this.covariance();
    const quad = v00 + (v01 + v10) * x + v11 * x * x;
    const { a, b } = this.noise();
    return { mean: m[0] + m[1] * x, scale: Math.sqrt((b / a) * (1 + quad)), dof: 2 * a };
  }

  /** The q-quantile (0 < q < 1) of the predictive distribution at x. */
  predictiveQuantile(x: number, q: number): number {
    const t = this.predictive(x);
    return t.mean + t.scale * studentTQuantile(q, t.dof);
  }

  state(): BlrState {
    return structuredClone(this.s);
  }
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  const at = (arr: number[], i: number): number => arr[i] ?? 0;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) /
      ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1)
    );
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((at(a, 0) * r + at(a, 1)) * r + at(a, 2)) * r + at(a, 3)) * r + at(a, 4)) * r + at(a, 5)) * q) /
    (((((at(b, 0) * r + at(b, 1)) * r + at(b, 2)) * r + at(b, 3)) * r + at(b, 4)) * r + 1)
  );
}

/**
 * Student t quantile by the Cornish–Fisher expansion around the normal (Abramowitz & Stegun
 * 26.7.5): within 1 % of the exact value for ν ≥ 3 at the quantiles used here (0.9, 0.95).
 */
export function studentTQuantile(p: number, dof: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(dof) || dof > 1e6) return z;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * dof) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * dof ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * dof ** 3)
  );
}
