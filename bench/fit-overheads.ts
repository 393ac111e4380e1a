/**
 * fit:overheads — fits the runtime-system model (src/sim/overhead-model.ts) on recorded WfCommons
 * instances: for each runtime system, a grid search over perTaskS × releaseRatePerS × perLevelS ×
 * maxCoresPerMachine minimising the median absolute relative error of the replayed makespan against
 * the real one (ties: the smaller mean |log(simulated / real)|; `--log` to minimise that instead). Then leave-one-out: each instance is
 * predicted by the parameters fitted on the other instances of its system (on all other instances
 * when it is alone), which is what says whether the model holds on runs it was not fitted on.
 *
 * Usage: `node dist/bench/fit-overheads.js [FILE…]` (default: every instance in
 * ../shared/data/wfcommons). Prints the fitted values (as the TypeScript to paste into
 * overhead-model.ts), the in-sample and leave-one-out error per instance and per system, and as its
 * last line one JSON object. The helpers are shared with bench/sim-validate-bench.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Workload } from '../src/model/index.js';
import { runtimeSystemModelFor } from '../src/sim/overhead-model.js';
import { recordedReplay } from '../src/sim/recorded-platform.js';
import type { RecordedReplay } from '../src/sim/recorded-platform.js';
import { simulate } from '../src/sim/simulate.js';
import type { SimOverheads } from '../src/sim/simulate.js';
import { formatSpecError } from '../src/spec/index.js';
import { importWfCommons } from '../src/formats/wfcommons/index.js';

export const DEFAULT_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'wfcommons');

export interface Instance {
  file: string;
  workload: Workload;
  /** As recorded, e.g. `Pegasus 4.9.3`. */
  system: string;
  /** The runtime-system model it falls under (RuntimeSystemModel.id). */
  modelId: string;
  realS: number;
}

/** The instances to replay: the files given, or every `*.json` of the shared directory but the schema. */
export function instancePaths(args: string[]): string[] {
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length > 0) return files;
  return readdirSync(DEFAULT_DIR)
    .filter((f) => f.endsWith('.json') && !f.includes('schema'))
    .sort()
    .map((f) => join(DEFAULT_DIR, f));
}

/** Imports the files; exits with the import errors on a bad one, skips (with a note) one with no recorded makespan. */
export function loadInstances(paths: string[]): Instance[] {
  const out: Instance[] = [];
  for (const path of paths) {
    const result = importWfCommons(readFileSync(path, 'utf8'), { file: path });
    if (!result.ok) {
      for (const e of result.errors) console.error(formatSpecError(e));
      process.exit(1);
    }
    const rec = result.workload.recorded;
    if (!rec || !(rec.makespanS > 0)) {
      console.error(`${path}: no recorded makespan, skipped`);
      continue;
    }
    out.push({
      file: basename(path),
      workload: result.workload,
      system: `${rec.runtimeSystem.name} ${rec.runtimeSystem.version}`,
      modelId: runtimeSystemModelFor(rec.runtimeSystem).id,
      realS: rec.makespanS,
    });
  }
  return out;
}

export interface ModelParams {
  overheads: Required<SimOverheads>;
  maxCoresPerMachine?: number;
}

/** Simulated makespan of a recorded replay with these parameters. */
export function replayMakespan(inst: Instance, params: ModelParams | null, replay?: RecordedReplay): number {
  const r =
    replay ??
    recordedReplay(
      inst.workload,
      params?.maxCoresPerMachine !== undefined ? { maxCoresPerMachine: params.maxCoresPerMachine } : {},
    );
  return simulate(inst.workload, r.platform, r.assignment, {
    seed: 1,
    ...(params ? { overheads: params.overheads } : {}),
  }).makespanS;
}

export function median(values: ArrayLike<number>): number {
  const a = Array.from(values).sort((x, y) => x - y);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

export const GRID = {
  maxCoresPerMachine: [undefined, 2, 4, 6, 8, 12, 16] as Array<number | undefined>,
  perTaskS: [0, 10, 20, 40, 60, 90, 120],
  releaseRatePerS: [0, 1, 0.5, 0.3, 0.2, 0.1, 0.05],
  perLevelS: [0, 20, 40, 60, 90, 120, 180],
  // Bytes per second of the submit host's staging channel (0 = none): 10, 2, 1 and 0.5 Gb/s.
  stagingBandwidthBps: [0, 1.25e9, 2.5e8, 1.25e8, 6.25e7],
};

export function gridCombos(): ModelParams[] {
  const out: ModelParams[] = [];
  for (const c of GRID.maxCoresPerMachine)
    for (const perTaskS of GRID.perTaskS)
      for (const releaseRatePerS of GRID.releaseRatePerS)
        for (const perLevelS of GRID.perLevelS)
          for (const stagingBandwidthBps of GRID.stagingBandwidthBps) {
            const p: ModelParams = {
              overheads: { perTaskS, releaseRatePerS, perLevelS, stagingBandwidthBps },
            };
            if (c !== undefined) p.maxCoresPerMachine = c;
            out.push(p);
          }
  return out;
}

/** Signed relative error (simulated − real) / real of every instance under every combination: [combo][instance]. */
export function errorMatrix(instances: Instance[], combos: ModelParams[]): Float64Array[] {
  const replays = instances.map((inst) =>
    GRID.maxCoresPerMachine.map((c) =>
      recordedReplay(inst.workload, c !== undefined ? { maxCoresPerMachine: c } : {}),
    ),
  );
  return combos.map((p) => {
    const ci = GRID.maxCoresPerMachine.indexOf(p.maxCoresPerMachine);
    return Float64Array.from(
      instances.map((inst, i) => (replayMakespan(inst, p, replays[i]![ci]) - inst.realS) / inst.realS),
    );
  });
}

export type Objective = 'median' | 'log';

/**
 * The combination that fits `members` best. `median` (the default, and the acceptance criterion):
 * the smallest median |relative error|, ties broken by the smaller mean |log(simulated / real)|.
 * `log` (`--log`): the smallest mean |log ratio| first. On the shared instances `median` gives both
 * the better in-sample and the better leave-one-out errors (12.7 % / 33.8 % against 17.3 % / 51.0 %):
 * a mean lets the few instances no parameter set explains (1000genome, montage-2mass-005d) pull the
 * fit away from the others.
 */
export function bestCombo(
  matrix: Float64Array[],
  members: number[],
  objective: Objective = 'median',
): number {
  let best = -1;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (let k = 0; k < matrix.length; k++) {
    const row = matrix[k]!;
    const med = median(members.map((i) => Math.abs(row[i]!)));
    const log = members.reduce((s, i) => s + Math.abs(Math.log1p(row[i]!)), 0) / members.length;
    const key: [number, number] = objective === 'log' ? [log, med] : [med, log];
    if (key[0] < bestKey[0] - 1e-12 || (key[0] <= bestKey[0] + 1e-12 && key[1] < bestKey[1])) {
      best = k;
      bestKey = key;
    }
  }
  return best;
}

export interface FitResult {
  combos: ModelParams[];
  matrix: Float64Array[];
  /** Model id → its members (instance indices) and fitted combination. */
  groups: Map<string, { members: number[]; combo: number }>;
  /** The combination fitted on every instance together (the fallback for unknown systems). */
  pooled: number;
  /** Per instance: the in-sample error (its group's fit) and the leave-one-out error. */
  inSample: Float64Array;
  loo: Float64Array;
}

export function fit(instances: Instance[], objective: Objective = 'median'): FitResult {
  const combos = gridCombos();
  const matrix = errorMatrix(instances, combos);
  const all = instances.map((_, i) => i);
  const groups = new Map<string, { members: number[]; combo: number }>();
  instances.forEach((inst, i) => {
    const g = groups.get(inst.modelId) ?? { members: [], combo: -1 };
    g.members.push(i);
    groups.set(inst.modelId, g);
  });
  for (const g of groups.values()) g.combo = bestCombo(matrix, g.members, objective);
  const pooled = bestCombo(matrix, all, objective);
  const inSample = new Float64Array(instances.length);
  const loo = new Float64Array(instances.length);
  for (const g of groups.values()) {
    for (const i of g.members) {
      inSample[i] = matrix[g.combo]![i]!;
      const others = (g.members.length > 1 ? g.members : all).filter((j) => j !== i);
      loo[i] = others.length > 0 ? matrix[bestCombo(matrix, others, objective)]![i]! : inSample[i];
    }
  }
  return { combos, matrix, groups, pooled, inSample, loo };
}

function pct(e: number): string {
  return `${e >= 0 ? '+' : ''}${(100 * e).toFixed(1)} %`;
}

function abs(e: number): string {
  return `${(100 * e).toFixed(1)} %`;
}

function describe(p: ModelParams): string {
  const o = p.overheads;
  return (
    `perTaskS ${o.perTaskS}, releaseRatePerS ${o.releaseRatePerS}, perLevelS ${o.perLevelS}, ` +
    `stagingBandwidthBps ${o.stagingBandwidthBps || 'none'}, ` +
    `maxCoresPerMachine ${p.maxCoresPerMachine ?? 'all'}`
  );
}

function main(): void {
  const instances = loadInstances(instancePaths(process.argv.slice(2)));
  const t0 = performance.now();
  const objective: Objective = process.argv.includes('--log') ? 'log' : 'median';
  const r = fit(instances, objective);
  const wallS = (performance.now() - t0) / 1000;
  console.log(
    `fit:overheads — ${instances.length} instances, ${r.combos.length} parameter combinations ` +
      `(${(r.combos.length * instances.length).toLocaleString('en')} replays, ${wallS.toFixed(1)} s), ` +
      `objective: ${objective === 'log' ? 'mean |log(simulated / real)|' : 'median |relative error|'}\n`,
  );
  console.log(
    `${'instance'.padEnd(48)} ${'system'.padEnd(18)} ${'in-sample'.padStart(10)} ${'LOO'.padStart(10)}`,
  );
  instances.forEach((inst, i) => {
    console.log(
      `${inst.file.padEnd(48)} ${inst.system.padEnd(18)} ${pct(r.inSample[i]!).padStart(10)} ${pct(r.loo[i]!).padStart(10)}`,
    );
  });
  console.log('');
  const systems: Record<string, unknown> = {};
  for (const [id, g] of r.groups) {
    const p = r.combos[g.combo]!;
    const ins = median(g.members.map((i) => Math.abs(r.inSample[i]!)));
    const loo = median(g.members.map((i) => Math.abs(r.loo[i]!)));
    console.log(`${id} (${g.members.length}): ${describe(p)}`);
    console.log(`  median |err| in-sample ${abs(ins)}, leave-one-out ${abs(loo)}`);
    systems[id] = { ...p, instances: g.members.length, median_abs_rel_err: ins, loo_median_abs_rel_err: loo };
  }
  const pooled = r.combos[r.pooled]!;
  const pooledMed = median(r.matrix[r.pooled]!.map(Math.abs));
  console.log(`generic (all ${instances.length}, the fallback): ${describe(pooled)}`);
  console.log(`  median |err| in-sample ${abs(pooledMed)}`);
  const inMed = median(r.inSample.map(Math.abs));
  const looMed = median(r.loo.map(Math.abs));
  console.log(`\nall: median |err| in-sample ${abs(inMed)}, leave-one-out ${abs(looMed)}`);
  console.log(
    JSON.stringify({
      bench: 'fit-overheads',
      instances: instances.length,
      objective,
      median_abs_rel_err: inMed,
      loo_median_abs_rel_err: looMed,
      max_abs_rel_err: Math.max(...r.inSample.map(Math.abs)),
      loo_max_abs_rel_err: Math.max(...r.loo.map(Math.abs)),
      systems,
      generic: { ...pooled, median_abs_rel_err: pooledMed },
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
