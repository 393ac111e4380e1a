/**
 * The fuzz suites' settings: a fixed seed and a bounded count in CI, both overridable for a longer
 * run (README: `STRATA_FUZZ_RUNS=20000 STRATA_FUZZ_SEED=$RANDOM npx vitest run fuzz`).
 */
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20_261_206;

/** fast-check parameters for a property with `defaultRuns` cases in CI. */
export function fuzzParameters<T>(defaultRuns: number): Parameters<T> {
  const runs = Number(process.env.STRATA_FUZZ_RUNS ?? defaultRuns);
  const seed = Number(process.env.STRATA_FUZZ_SEED ?? DEFAULT_SEED);
  return {
    numRuns: Number.isFinite(runs) && runs > 0 ? runs : defaultRuns,
    seed: Number.isFinite(seed) ? seed : DEFAULT_SEED,
  };
}
