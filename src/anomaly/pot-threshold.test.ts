import { describe, expect, it } from 'vitest';
import { fitPot, StreamingPot, streamingThresholds } from './pot-threshold.js';
import { Mulberry32 } from '../model/index.js';

describe('POT threshold', () => {
  it('recovers the tail quantile of an exponential distribution (GPD with ξ = 0)', () => {
    const rng = new Mulberry32(1);
    const xs = Float64Array.from({ length: 200_000 }, () => -Math.log(1 - rng.next()));
    const fit = fitPot(xs, { risk: 1e-3, level: 0.98 });
    // P(X > z) = 1e-3 → z = ln 1000 ≈ 6.91.
    expect(fit.threshold).toBeGreaterThan(6.91 * 0.93);
    expect(fit.threshold).toBeLessThan(6.91 * 1.07);
    expect(Math.abs(fit.xi)).toBeLessThan(0.1);
  });

  it('flags about `risk` of scores drawn like the calibration', () => {
    const rng = new Mulberry32(2);
    const draw = () => -Math.log(1 - rng.next());
    const cal = Float64Array.from({ length: 20_000 }, draw);
    const stream = Float64Array.from({ length: 50_000 }, draw);
    const { flags } = streamingThresholds(cal, stream, { risk: 1e-2 });
    const rate = flags.reduce((s, f) => s + f, 0) / flags.length;
    expect(rate).toBeGreaterThan(0.005);
    expect(rate).toBeLessThan(0.02);
  });

  it('absorbs a level shift (drift) within its level window, yet flags a short spike after it', () => {
    const rng = new Mulberry32(3);
    const noise = () => rng.next();
    const cal = Float64Array.from({ length: 5000 }, noise);
    const stream = Float64Array.from(
      { length: 6000 },
      (_, i) => noise() + (i >= 1000 ? 10 : 0) + (i >= 5000 && i < 5010 ? 5 : 0),
    );
    const { flags } = streamingThresholds(cal, stream, { levelWindow: 2000, levelEvery: 10 });
    const flaggedIn = (a: number, b: number) => flags.subarray(a, b).reduce((s, f) => s + f, 0);
    expect(flaggedIn(1000, 1100)).toBe(100); // the shift alarms at first…
    // …then, once the level window holds it, is the new normal: back to about `risk` (1 %) flagged.
    expect(flaggedIn(3000, 5000)).toBeLessThan(0.03 * 2000);
    expect(flaggedIn(5000, 5010)).toBe(10); // and a spike above it is still an anomaly
  });

  it('starts its level from the calibration scores', () => {
    const pot = new StreamingPot([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(pot.threshold).toBeGreaterThanOrEqual(1);
  });
});
