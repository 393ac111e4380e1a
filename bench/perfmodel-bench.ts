/**
 * bench:perfmodel — the performance models on recorded WfCommons instances: the chronological
 * online evaluation (per model: pooled median and p90 relative runtime error, memory under-prediction
 * and waste, plus the reference memory rule "max seen so far × 1.2"), per instance, cross-machine,
 * and the drift scenario on the Azure VM noise data. docs/perfmodel.md defines every figure.
 *
 * Usage: `npm run bench:perfmodel [-- FILE|DIR…]` (default: every instance in ../shared/data/wfcommons;
 * the drift scenario runs when ../shared/data/perfmodel/azure-vm-noise-2024 exists). Prints the
 * tables and, as its last line, one JSON object:
 * {"bench":"perfmodel","results":[{"model","runtime_median_rel_err","runtime_p90_rel_err","memory_waste_pct","memory_underprediction_pct"}…]}
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  formatReport,
  loadNoise,
  loadTraces,
  perfmodelReport,
  tracePaths,
} from '../src/cli/commands/perfmodel-command.js';
import { MODEL_NAMES } from '../src/perfmodel/index.js';

const SHARED = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const DEFAULT_TRACES = resolve(SHARED, 'wfcommons');
const DEFAULT_NOISE = resolve(SHARED, 'perfmodel', 'azure-vm-noise-2024');

const round = (v: number, digits: number): number | null =>
  Number.isFinite(v) ? Number(v.toFixed(digits)) : null;

function main(): void {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const traces = loadTraces(tracePaths(args.length > 0 ? args : [DEFAULT_TRACES]));
  const noise = existsSync(DEFAULT_NOISE) ? loadNoise(DEFAULT_NOISE) : undefined;
  const t0 = performance.now();
  const report = perfmodelReport(traces, MODEL_NAMES, noise ? { noise } : {});
  console.log(`${traces.length} instances, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  console.log(formatReport(report));
  const pooled = report.online.pooled;
  const baselines = pooled.filter((s) => ['mean', 'median', 'last'].includes(s.model));
  const models = pooled.filter((s) => ['lotaru', 'ensemble'].includes(s.model));
  const bestBase = Math.min(...baselines.map((s) => s.runtimeMedianRelErr));
  const bestBaseP90 = Math.min(...baselines.map((s) => s.runtimeP90RelErr));
  const best = models.reduce((a, b) => (b.runtimeMedianRelErr < a.runtimeMedianRelErr ? b : a));
  console.log(
    `\nbest model ${best.model}: median ${best.runtimeMedianRelErr.toFixed(3)} = ${(best.runtimeMedianRelErr / bestBase).toFixed(2)}× the best baseline median (${bestBase.toFixed(3)}; target ≤ 0.85×); p90 ${best.runtimeP90RelErr.toFixed(3)} vs the lowest baseline p90 ${bestBaseP90.toFixed(3)}`,
  );
  console.log(
    JSON.stringify({
      bench: 'perfmodel',
      results: pooled.map((s) => ({
        model: s.model,
        runtime_median_rel_err: round(s.runtimeMedianRelErr, 4),
        runtime_p90_rel_err: round(s.runtimeP90RelErr, 4),
        memory_waste_pct: round(s.memoryWastePct, 2),
        memory_underprediction_pct: round(s.memoryUnderPct, 2),
      })),
    }),
  );
}

main();
