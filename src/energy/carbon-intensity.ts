/**
 * Grid carbon intensity of a site over time — the one model both the carbon-aware policies and the
 * simulator use, so that what a policy optimises is what the twin measures: the intensity at an
 * instant, its exact integral and mean over a run window, and the instants where it changes (where a
 * flexible task's best start lies). A `CarbonIntensity` is a constant or a piecewise-constant series that
 * may repeat with a period (e.g. a daily profile).
 *
 * Conventions: times are seconds on the series' clock; before the first
 * point the first value holds (also in each period of a periodic series); after the last point the
 * last value holds until the next point or, for a periodic series, until the period ends; points at
 * or after the period are ignored. The mean is an exact integral (cumulative sums per period), so a
 * window spanning many periods costs O(log points).
 *
 * Pure: no clock; compiled series are cached per `CarbonIntensity` object (never mutated).
 *
 * @example
 * const daily = { kind: 'series', periodS: 86_400, points: [{ atS: 0, gPerKWh: 400 }, { atS: 43_200, gPerKWh: 100 }] };
 * intensityAt(daily, 50_000); // 100
 * meanIntensity(daily, 0, 86_400); // 250
 */
import type { CarbonIntensity } from '../model/index.js';

/** A series as step starts, their values and the integral up to each step (from the first). */
interface Steps {
  readonly at: Float64Array;
  readonly g: Float64Array;
  /** ∫ from at[0] to at[i]. */
  readonly cum: Float64Array;
  /** 0 when the series does not repeat. */
  readonly periodS: number;
  /** ∫ over one period. */
  readonly perPeriod: number;
}

const compiled = new WeakMap<CarbonIntensity, Steps>();

function steps(c: CarbonIntensity): Steps {
  let s = compiled.get(c);
  if (s) return s;
  if (c.kind === 'constant') {
    s = {
      at: Float64Array.of(0),
      g: Float64Array.of(c.gPerKWh),
      cum: Float64Array.of(0),
      periodS: 0,
      perPeriod: 0,
    };
  } else {
    const periodS = c.periodS ?? 0;
    if (c.periodS !== undefined && !(periodS > 0))
      throw new RangeError(`carbon intensity series: periodS must be > 0, got ${c.periodS}`);
    const pts = c.points.filter((p) => periodS === 0 || p.atS < periodS);
    const first = c.points[0];
    if (!first)
      throw new RangeError('carbon intensity series has no points: give at least one { atS, gPerKWh }');
    for (let i = 1; i < pts.length; i++)
      if (!(pts[i]!.atS >= pts[i - 1]!.atS))
        throw new RangeError(`carbon intensity series: points must be sorted by atS (point ${i} is not)`);
    // The first value holds from 0 (or from the first point) on.
    if (pts.length === 0 || pts[0]!.atS > 0)
      pts.unshift({ atS: Math.min(0, first.atS), gPerKWh: first.gPerKWh });
    const n = pts.length;
    const at = Float64Array.from(pts, (p) => p.atS);
    const g = Float64Array.from(pts, (p) => p.gPerKWh);
    const cum = new Float64Array(n);
    for (let i = 1; i < n; i++) cum[i] = cum[i - 1]! + g[i - 1]! * (at[i]! - at[i - 1]!);
    const perPeriod = periodS > 0 ? cum[n - 1]! + g[n - 1]! * (periodS - at[n - 1]!) : 0;
    s = { at, g, cum, periodS, perPeriod };
  }
  compiled.set(c, s);
  return s;
}

/** The step in force at `x` (x already folded into the period): the last start ≤ x, else 0. */
function stepAt(s: Steps, x: number): number {
  let lo = 0;
  let hi = s.at.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.at[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function fold(s: Steps, t: number): { k: number; x: number } {
  if (s.periodS === 0) return { k: 0, x: t };
  const k = Math.floor(t / s.periodS);
  return { k, x: t - k * s.periodS };
}

/** ∫ intensity from the series' reference point to t (gCO2e/kWh × s); differences are what matter. */
function cumulative(s: Steps, t: number): number {
  // Folded inline (no object per call): the simulator calls this on every energy update.
  const k = s.periodS === 0 ? 0 : Math.floor(t / s.periodS);
  const x = t - k * s.periodS;
  const i = stepAt(s, x);
  return k * s.perPeriod + s.cum[i]! + s.g[i]! * (x - s.at[i]!);
}

/** ∫ intensity dt over [t0S, t1S], in gCO2e/kWh × s (exact). */
export function carbonIntegral(c: CarbonIntensity, t0S: number, t1S: number): number {
  const s = steps(c);
  return cumulative(s, t1S) - cumulative(s, t0S);
}

/** Intensity in gCO2e/kWh at time `tS` (seconds on the series' clock). */
export function intensityAt(c: CarbonIntensity, tS: number): number {
  if (c.kind === 'constant') return c.gPerKWh;
  const s = steps(c);
  return s.g[stepAt(s, fold(s, tS).x)]!;
}

/** Mean intensity in gCO2e/kWh over [t0S, t1S] (exact); the intensity at t0S when t1S ≤ t0S. */
export function meanIntensity(c: CarbonIntensity, t0S: number, t1S: number): number {
  if (c.kind === 'constant') return c.gPerKWh;
  if (!(t1S > t0S)) return intensityAt(c, t0S);
  const s = steps(c);
  return (cumulative(s, t1S) - cumulative(s, t0S)) / (t1S - t0S);
}

/** Grams of CO2e of `energyJ` joules drawn evenly over [t0S, t1S]. */
export function energyCarbonG(c: CarbonIntensity, energyJ: number, t0S: number, t1S: number): number {
  return (energyJ * meanIntensity(c, t0S, t1S)) / 3.6e6;
}

/** The instants in (t0S, t1S] where the intensity may change (step starts), ascending. */
export function intensityChanges(c: CarbonIntensity, t0S: number, t1S: number): number[] {
  const out: number[] = [];
  if (c.kind === 'constant' || !(t1S > t0S)) return out;
  const s = steps(c);
  if (s.periodS === 0) {
    for (const a of s.at) if (a > t0S && a <= t1S) out.push(a);
    return out;
  }
  for (let k = Math.floor(t0S / s.periodS); k * s.periodS <= t1S; k++)
    for (const a of s.at) {
      const at = k * s.periodS + a;
      if (at > t0S && at <= t1S) out.push(at);
    }
  return out;
}
