import { describe, expect, it } from 'vitest';
import { measureSpeedFactor, microBenchmarkWork, speedFactorFromBenchmark } from './micro-benchmark.js';

describe('micro-benchmark', () => {
  it('does deterministic work (same checksum every time, different for a different size)', () => {
    expect(microBenchmarkWork(1000)).toBe(microBenchmarkWork(1000));
    expect(microBenchmarkWork(1000)).not.toBe(microBenchmarkWork(1001));
  });

  it('turns a time into a speed factor relative to the reference time', () => {
    expect(speedFactorFromBenchmark(0.025, 0.05)).toBe(2);
    expect(speedFactorFromBenchmark(0.1, 0.05)).toBe(0.5);
    expect(speedFactorFromBenchmark(0, 0.05)).toBeNaN();
  });

  it("times runs with the caller's clock and takes the median", () => {
    // A fake clock: each run takes 0.1, 0.3, 0.2, 0.5, 0.2 s.
    const durations = [0.1, 0.3, 0.2, 0.5, 0.2];
    let now = 0;
    let call = 0;
    const clock = (): number => {
      if (call % 2 === 1) now += durations[(call - 1) / 2] ?? 0;
      call++;
      return now;
    };
    const r = measureSpeedFactor(clock, 0.1, 5, 10);
    expect(r.seconds).toBeCloseTo(0.2, 12);
    expect(r.speedFactor).toBeCloseTo(0.5, 12);
  });
});
