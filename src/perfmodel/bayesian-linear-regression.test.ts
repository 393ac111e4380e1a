import { describe, expect, it } from 'vitest';
import { BayesianLinearRegression, normalQuantile, studentTQuantile } from './bayesian-linear-regression.js';

describe('BayesianLinearRegression', () => {
  // Hand-computed: prior m0 = 0, V0 = I, a0 = b0 = 1; data (0, 1), (1, 3).
  // P = I + ΦᵀΦ = [[3, 1], [1, 2]], q = Φᵀy = [4, 3], Vn = [[2, -1], [-1, 3]] / 5, mn = Vn q = [1, 1],
  // an = 2, bn = 1 + ½ (10 − mnᵀq) = 2.5. At x = 2: mean 3, [1 2] Vn [1 2]ᵀ = 2, scale² = 1.25 · 3.
  const fit = (): BayesianLinearRegression => {
    const f = new BayesianLinearRegression({ m0: [0, 0], v0: [1, 1], a0: 1, b0: 1 });
    f.observe(0, 1);
    f.observe(1, 3);
    return f;
  };

  it('computes the posterior mean and noise of a hand-worked case', () => {
    const f = fit();
    const [w0, w1] = f.weights();
    expect(w0).toBeCloseTo(1, 12);
    expect(w1).toBeCloseTo(1, 12);
    expect(f.noise().a).toBe(2);
    expect(f.noise().b).toBeCloseTo(2.5, 12);
  });

  it('gives the Student-t predictive of the hand-worked case', () => {
    const t = fit().predictive(2);
    expect(t.mean).toBeCloseTo(3, 12);
    expect(t.scale).toBeCloseTo(Math.sqrt(3.75), 12);
    expect(t.dof).toBe(4);
    // p90 = mean + scale · t(0.9, 4); t(0.9, 4) = 1.533206 (tables)
    expect(fit().predictiveQuantile(2, 0.9)).toBeCloseTo(3 + Math.sqrt(3.75) * 1.533206, 1);
  });

  it('recovers a noiseless line under a weak prior (least squares limit)', () => {
    const f = new BayesianLinearRegression();
    for (const x of [1, 2, 3, 5]) f.observe(x, 2 + 3 * x);
    const [w0, w1] = f.weights();
    expect(w0).toBeCloseTo(2, 4);
    expect(w1).toBeCloseTo(3, 4);
    expect(f.predictive(10).mean).toBeCloseTo(32, 3);
  });

  it('forget is the exact inverse of observe (a sliding window)', () => {
    const f = fit();
    f.observe(7, 100);
    f.forget(7, 100);
    expect(f.state()).toEqual(fit().state());
  });
});

describe('quantiles', () => {
  it('normal quantile matches tables', () => {
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815516, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263479, 6);
  });

  it('Student t quantile is within 1 % of tables for ν ≥ 3', () => {
    const table: Array<[number, number, number]> = [
      [0.9, 3, 1.637744],
      [0.9, 4, 1.533206],
      [0.9, 10, 1.372184],
      [0.95, 3, 2.353363],
      [0.95, 4, 2.131847],
      [0.95, 30, 1.697261],
    ];
    for (const [p, dof, exact] of table)
      expect(Math.abs(studentTQuantile(p, dof) / exact - 1)).toBeLessThan(0.01);
  });
});
