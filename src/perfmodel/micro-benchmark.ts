/**
 * A short CPU micro-benchmark a node (or an executor starting on one) runs to measure its speed
 * factor when none is declared, like the sysbench CPU test Lotaru and Tarema profile nodes with:
 * a fixed amount of integer and floating-point work, single-threaded, about 40 ms at the default
 * size on the development machine. The work is pure; timing it needs a clock, which the caller passes in (this layer
 * never reads one), so the engine, an edge agent or a test decide what time is.
 *
 * How the local executor runs it (`strata perfmodel bench-node` does exactly this): at start-up,
 * `measureSpeedFactor(() => performance.now() / 1000, referenceS)` — five timed runs after one
 * warm-up, the median taken — and declares its node type with the result. Repeats on a shared
 * machine vary by about ±5 %.
 */

/** Default size of one run. */
export const MICRO_BENCHMARK_ITERATIONS = 20_000_000;

/**
 * Median seconds of one default-size run on the reference core (speed factor 1): as measured on
 * Strata's development machine (an Intel Xeon vCPU, Node 20; 0.036–0.042 s over five calls). It is
 * not the 2 GHz reference of the WfCommons import (recorded instances carry MHz, not this
 * benchmark); a deployment calibrates its own by running `strata perfmodel bench-node` on the node
 * it calls speed 1 and passing that time as `referenceS`.
 */
export const REFERENCE_BENCHMARK_S = 0.037;

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
  runs = 5,
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
