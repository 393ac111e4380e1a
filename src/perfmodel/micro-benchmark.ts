/**
 * A short CPU micro-benchmark a node (or an executor starting on one) runs to measure its speed
 * factor when none is declared, like the sysbench CPU test Lotaru and Tarema profile nodes with:
 * a fixed amount of integer and floating-point work, single-threaded, ~50 ms on a 2 GHz core at the
 * default size. The work is pure; timing it needs a clock, which the caller passes in (this layer
 * never reads one), so the engine, an edge agent or a test decide what time is.
 *
 * How the local executor runs it (`strata perfmodel bench-node` does exactly this): at start-up,
 * `measureSpeedFactor(() => performance.now() / 1000, referenceS)` — three timed runs after one
 * warm-up, the median taken — and declares its node type with the result.
 */

/** Default size of one run. */
export const MICRO_BENCHMARK_ITERATIONS = 2_000_000;

/**
 * Median seconds of one default-size run on the reference core (speed factor 1), measured once on
 * a 2.0 GHz core (the reference of the WfCommons import, DEFAULT_REFERENCE_MHZ).
 */
export const REFERENCE_BENCHMARK_S = 0.05;

/** The work: a xorshift stream folded into a float accumulator. Returns a checksum so it cannot be skipped. */
export function microBenchmarkWork(iterations = MICRO_BENCHMARK_ITERATIONS): number {
  let x = 0x9e3779b9 | 0;
  let acc = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    acc += (x & 0xffff) * 1.0000001;
    acc *= 0.9999999;
  }
  return acc + x;
}

/** Speed factor from a measured time: the reference time over it (twice as fast → 2). */
export function speedFactorFromBenchmark(measuredS: number, referenceS = REFERENCE_BENCHMARK_S): number {
  if (!(measuredS > 0) || !(referenceS > 0)) return NaN;
  return referenceS / measuredS;
}

/**
 * Times the benchmark with the caller's clock (seconds): one warm-up, then `runs` timed runs.
 * Returns the median time and the speed factor.
 */
export function measureSpeedFactor(
  clockS: () => number,
  referenceS = REFERENCE_BENCHMARK_S,
  runs = 3,
  iterations = MICRO_BENCHMARK_ITERATIONS,
): { seconds: number; speedFactor: number; checksum: number } {
  let checksum = microBenchmarkWork(iterations);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = clockS();
    checksum += microBenchmarkWork(iterations);
    times.push(clockS() - t0);
  }
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)] ?? NaN;
  return { seconds, speedFactor: speedFactorFromBenchmark(seconds, referenceS), checksum };
}
