/**
 * Carbon intensity over time for one site, as a cumulative integral: `integral(t0, t1)` is
 * ∫ gCO2e/kWh dt over [t0, t1] (seconds), so that the carbon of a constant power P over an interval
 * is P × integral / 3.6e6 grams. Series are piecewise constant; before the first point its value
 * holds, after the last the last value holds — unless the series has a period, then it repeats.
 *
 * @example
 * const ci = new CarbonIntensityIntegral({ kind: 'constant', gPerKWh: 300 });
 * ci.integral(0, 10); // 3000
 */
import type { CarbonIntensity } from '../model/index.js';

export class CarbonIntensityIntegral {
  private readonly at: Float64Array;
  private readonly value: Float64Array;
  /** cum[i] = ∫ from at[0]... (taken as 0) up to at[i]. */
  private readonly cum: Float64Array;
  private readonly period: number;
  private readonly perPeriod: number;

  constructor(ci: CarbonIntensity) {
    if (ci.kind === 'constant' || ci.points.length === 0) {
      const g = ci.kind === 'constant' ? ci.gPerKWh : 0;
      this.at = new Float64Array([0]);
      this.value = new Float64Array([g]);
      this.cum = new Float64Array([0]);
      this.period = 0;
      this.perPeriod = 0;
      return;
    }
    const period = ci.periodS && ci.periodS > 0 ? ci.periodS : 0;
    const pts = ci.points.filter((p) => period === 0 || p.atS < period);
    // Before the first point its value holds: start the step function at 0.
    if (pts.length === 0 || pts[0]!.atS > 0) pts.unshift({ atS: 0, gPerKWh: ci.points[0]!.gPerKWh });
    this.at = Float64Array.from(pts, (p) => p.atS);
    this.value = Float64Array.from(pts, (p) => p.gPerKWh);
    this.cum = new Float64Array(pts.length);
    for (let i = 1; i < pts.length; i++) {
      this.cum[i] = this.cum[i - 1]! + this.value[i - 1]! * (this.at[i]! - this.at[i - 1]!);
    }
    this.period = period;
    const last = pts.length - 1;
    this.perPeriod = period > 0 ? this.cum[last]! + this.value[last]! * (period - this.at[last]!) : 0;
  }

  /** Intensity (gCO2e/kWh) at time `t` ≥ 0. */
  valueAt(t: number): number {
    const x = this.period > 0 ? t - Math.floor(t / this.period) * this.period : t;
    return this.value[this.index(x)]!;
  }

  /** ∫ intensity dt over [t0, t1], in gCO2e/kWh × s. */
  integral(t0: number, t1: number): number {
    return this.cumulative(t1) - this.cumulative(t0);
  }

  private cumulative(t: number): number {
    if (this.at.length === 1) return this.value[0]! * t;
    let base = 0;
    let x = t;
    if (this.period > 0) {
      const k = Math.floor(t / this.period);
      base = k * this.perPeriod;
      x = t - k * this.period;
    }
    const i = this.index(x);
    return base + this.cum[i]! + this.value[i]! * (x - this.at[i]!);
  }

  /** Index of the last point at or before `x` (0 for x before the first). */
  private index(x: number): number {
    const at = this.at;
    let lo = 0;
    let hi = at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
