/**
 * Carbon intensity over time for one site, as the simulator reads it (the model itself is
 * src/energy/carbon-intensity.ts, shared with the carbon-aware policies): `integral(t0, t1)` is
 * ∫ gCO2e/kWh dt over [t0, t1] (seconds), so that the carbon of a constant power P over an interval
 * is P × integral / 3.6e6 grams. Series are piecewise constant; before the first point its value
 * holds, after the last the last value holds — unless the series has a period, then it repeats.
 *
 * @example
 * const ci = new CarbonIntensityIntegral({ kind: 'constant', gPerKWh: 300 });
 * ci.integral(0, 10); // 3000
 */
import { carbonIntegral, intensityAt } from './carbon-intensity.js';
import type { CarbonIntensity } from '../model/index.js';

export class CarbonIntensityIntegral {
  constructor(private readonly ci: CarbonIntensity) {}

  /** Intensity (gCO2e/kWh) at time `t` ≥ 0. */
  valueAt(t: number): number {
    return intensityAt(this.ci, t);
  }

  /** ∫ intensity dt over [t0, t1], in gCO2e/kWh × s. */
  integral(t0: number, t1: number): number {
    return carbonIntegral(this.ci, t0, t1);
  }
}
