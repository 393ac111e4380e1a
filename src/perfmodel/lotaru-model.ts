/**
 * Lotaru-style runtime model (Bader et al., "Lotaru: Locally predicting workflow task runtimes for
 * resource management on heterogeneous infrastructures", FGCS 2024): per task type, a Bayesian
 * linear regression of the runtime in reference-core seconds on the input size, so that a node type
 * never seen is predicted from its speed factor alone (runtime = reference runtime / speed factor).
 * The regression holds exactly the type's window of observations: an entry that leaves the window is
 * removed from the sufficient statistics too.
 */
import { BayesianLinearRegression } from './bayesian-linear-regression.js';
import type { BlrState } from './bayesian-linear-regression.js';
import type { RuntimeEntry } from './task-history.js';

/** Input bytes are regressed in GB, so that slopes are of the order of runtimes. */
const BYTES_PER_UNIT = 1e9;

export class LotaruModel {
  private readonly fits = new Map<string, BayesianLinearRegression>();

  add(type: string, e: RuntimeEntry): void {
    let f = this.fits.get(type);
    if (!f) this.fits.set(type, (f = new BayesianLinearRegression()));
    f.observe(e.x / BYTES_PER_UNIT, e.yRef);
  }

  remove(type: string, e: RuntimeEntry): void {
    this.fits.get(type)?.forget(e.x / BYTES_PER_UNIT, e.yRef);
  }

  rebuild(type: string, window: readonly RuntimeEntry[]): void {
    this.fits.delete(type);
    for (const e of window) this.add(type, e);
  }

  /**
   * Mean and p90 on a node of this speed factor; undefined with fewer than 2 observations or a
   * non-positive mean (a line through few points can extrapolate below zero).
   */
  predict(type: string, inputBytes: number, speedFactor: number): { mean: number; p90: number } | undefined {
    const f = this.fits.get(type);
    if (!f || f.count < 2) return undefined;
    const x = inputBytes / BYTES_PER_UNIT;
    const m = f.predictive(x).mean;
    if (!(m > 0)) return undefined;
    return { mean: m / speedFactor, p90: f.predictiveQuantile(x, 0.9) / speedFactor };
  }

  states(): Record<string, BlrState> {
    const out: Record<string, BlrState> = {};
    for (const [t, f] of this.fits) out[t] = f.state();
    return out;
  }
}
