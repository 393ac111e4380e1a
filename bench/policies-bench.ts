/**
 * bench:policies — every placement policy on real workflows and the example platforms, played in
 * the digital twin; each run's makespan, energy and carbon attributable to the workflow, and bytes
 * moved, as a ratio to HEFT's on the same workflow and platform, summarised per policy by geometric
 * means.
 *
 * Then, as the engine would have to, each policy plans on ESTIMATED runtimes — the performance
 * model's (src/perfmodel, the `ensemble`), having learnt from the other workflows' recorded runs
 * (history), frozen for this one — and the twin plays the truth: the makespan against the same
 * policy planning on the truth (the oracle).
 *
 * Usage: npm run bench:policies [-- FILE.json …] [--platform FILE.yaml …] [--start-at S] [--no-estimates]
 * Default: every WfCommons instance in ../shared/data/wfcommons, and examples/platforms/*.yaml.
 * Prints a table, then as its last line one JSON object:
 * {"bench":"policies","runs":…,"results":[{"policy":"…","makespan_vs_heft":…,"energy_vs_heft":…,"carbon_vs_heft":…,"bytes_vs_heft":…}],
 *  "energy_floor_vs_heft":…,"dvfs_sensitivity":[{"variant":"…","runs":…,"energy_vs_heft":…,"makespan_vs_heft":…}],
 *  "slack_tradeoff":[{"slack":…,"energy_vs_heft":…,"makespan_vs_heft":…}],
 *  "cpu_bound":{"energy_vs_heft":…,"makespan_vs_heft":…,"energy_floor_vs_heft":…},
 *  "estimates":{"model":"ensemble","results":[{"policy":"…","makespan_vs_oracle":…,"worst":…}]}}
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Platform, type Workload } from '../src/model/index.js';
import { dvfsLevelCount } from '../src/energy/index.js';
import {
  CpuUtilisationEstimator,
  createPredictor,
  predictedWorkload,
  workloadStream,
} from '../src/perfmodel/index.js';
import {
  energyAwareHeft,
  planAssignment,
  planWith,
  platformCostModel,
  POLICY_NAMES,
  modelTaskEnergyJ,
} from '../src/scheduler/index.js';
import type { PolicyName } from '../src/scheduler/index.js';
import { simulate } from '../src/sim/index.js';
import { parsePlatform } from '../src/platform/index.js';
import { importWfCommons } from '../src/formats/wfcommons/index.js';

const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);

function option(name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === name && args[i + 1]) values.push(args[++i]!);
  return values;
}

const flagged = new Set<number>();
args.forEach((a, i) => {
  if (a.startsWith('--')) {
    flagged.add(i);
    flagged.add(i + 1);
  }
});
const files = args.filter((_, i) => !flagged.has(i));
const startAtS = Number(option('--start-at')[0] ?? 0);
const withEstimates = !args.includes('--no-estimates');

const sharedDir = join(root, '..', 'shared', 'data', 'wfcommons');
const instanceFiles =
  files.length > 0
    ? files
    : readdirSync(sharedDir)
        .filter((f) => f.endsWith('.json') && f !== 'wfcommons-schema.json')
        .sort()
        .map((f) => join(sharedDir, f));
const platformDir = join(root, 'examples', 'platforms');
const platformFiles =
  option('--platform').length > 0
    ? option('--platform')
    : readdirSync(platformDir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => join(platformDir, f));

function loadWorkload(path: string): Workload {
  const r = importWfCommons(readFileSync(path, 'utf8'), { file: path });
  if (!r.ok) throw new Error(`${path}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.workload;
}

function loadPlatform(path: string): Platform {
  const r = parsePlatform(readFileSync(path, 'utf8'), { file: path });
  if (!r.ok) throw new Error(`${path}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.platform;
}

interface Figures {
  makespan: number;
  energy: number;
  carbon: number;
  bytes: number;
}

const METRICS = ['makespan', 'energy', 'carbon', 'bytes'] as const;

/**
 * A ratio to HEFT. Bytes moved are often 0 for HEFT (everything on one site): their ratios use a
 * 1 MB floor on both sides, so that a policy moving data where HEFT moved none counts as worse
 * instead of dropping out of the mean.
 */
function ratio(x: number, heft: number, floor = 0): number {
  if (heft + floor === 0) return x === 0 ? 1 : Number.NaN;
  return (x + floor) / (heft + floor);
}

const BYTES_FLOOR = 1e6;

function geomean(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  if (ok.length === 0) return Number.NaN;
  return Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length);
}

const platforms = platformFiles.map((f) => ({ name: basename(f, '.yaml'), platform: loadPlatform(f) }));
const workloads = instanceFiles.map(loadWorkload);

/**
 * Workflow `i` with the performance model's runtime estimates as its task works: an `ensemble`
 * that has observed every other workflow's recorded tasks (history from earlier runs), frozen — a
 * static plan is made before the run, when none of its outcomes is known. (Letting it learn from
 * this run's earlier tasks as well, in chronological order, would use outcomes the planner cannot
 * have at time 0; measured anyway in Nov 2026, carbon-aware came out worse that way: ×1.149.)
 */
function estimated(i: number): Workload {
  const predictor = createPredictor('ensemble');
  const cpuUtilisation = new CpuUtilisationEstimator();
  workloads.forEach((w, j) => {
    if (j === i) return;
    cpuUtilisation.observeWorkload(w);
    for (const it of workloadStream(w).items)
      predictor.observe(it.features, it.node, {
        runtimeS: it.runtimeS,
        ...(it.peakMemoryBytes !== undefined ? { peakMemoryBytes: it.peakMemoryBytes } : {}),
      });
  });
  // Frozen: a static plan is made before the run starts, so none of this run's outcomes is known.
  return predictedWorkload(workloads[i]!, predictor, { learn: false, cpuUtilisation }).workload;
}
const vsOracle = new Map<PolicyName, number[]>(POLICY_NAMES.map((p) => [p, []]));
const carbonVsOracle = new Map<PolicyName, number[]>(POLICY_NAMES.map((p) => [p, []]));
const vsOracleByPlatform = new Map<string, Map<PolicyName, number[]>>();
const ratios = new Map<PolicyName, Record<(typeof METRICS)[number], number[]>>(
  POLICY_NAMES.map((p) => [p, { makespan: [], energy: [], carbon: [], bytes: [] }]),
);
const perPlatform = new Map<string, Map<PolicyName, number[]>>(); // carbon ratios per platform
// The least energy any placement could reach: each task on its most frugal node type and CPU
// frequency, no transfers.
const energyFloor: number[] = [];
const energyFloorByPlatform = new Map<string, number[]>();

function floorEnergyKWh(workload: Workload, platform: Platform): number {
  const model = platformCostModel(workload, platform);
  let joules = 0;
  for (let t = 0; t < model.tasks; t++) {
    let least = Infinity;
    for (let p = 0; p < model.processors; p++)
      for (let level = 0; level < dvfsLevelCount(model.types[p]!); level++) {
        const exec = model.execAtLevel(t, p, level);
        if (Number.isFinite(exec)) least = Math.min(least, modelTaskEnergyJ(model, t, p, exec, level));
      }
    joules += least;
  }
  return joules / 3.6e6;
}
/**
 * How much of energy-aware HEFT's saving rests on the assumed power at lower CPU frequencies: the
 * platform's DVFS levels re-powered as idle + (max − idle) × (f / f_nominal)^α (no DVFS: levels
 * ignored). The example platforms' own levels use α = 2 (see their comments).
 */
const DVFS_VARIANTS = [
  { label: 'nominal frequency only', alpha: undefined },
  { label: 'alpha 1.5', alpha: 1.5 },
  { label: 'alpha 2', alpha: 2 },
  { label: 'alpha 3', alpha: 3 },
] as const;
const dvfsRatios = DVFS_VARIANTS.map(() => ({ energy: [] as number[], makespan: [] as number[] }));

function repowered(platform: Platform, alpha: number): Platform {
  return {
    ...platform,
    nodeTypes: platform.nodeTypes.map((t) =>
      t.dvfs
        ? {
            ...t,
            dvfs: t.dvfs.map((l) => ({ ...l, maxW: t.idleW + (t.maxW - t.idleW) * l.speedFactor ** alpha })),
          }
        : t,
    ),
  };
}
/** Energy-aware HEFT's trade-off by its `slack` (0.05, its default, is the main table's row). */
const SLACKS = [0, 0.1, 0.2, 0.5] as const;
const slackRatios = SLACKS.map(() => ({ energy: [] as number[], makespan: [] as number[] }));
/**
 * The same workflows with every task taken as CPU-bound (no `cpuUtilisation`, as before the import
 * read `avgCPU`): HEFT and energy-aware HEFT both re-run, so the ratio is against that HEFT.
 */
const cpuBoundRatios = { energy: [] as number[], makespan: [] as number[], floor: [] as number[] };
const cpuBound = (w: Workload): Workload => ({
  ...w,
  tasks: w.tasks.map(({ cpuUtilisation: _u, ...t }) => t),
});

const hasDvfs = (p: Platform): boolean => p.nodeTypes.some((t) => (t.dvfs?.length ?? 0) > 0);

let runs = 0;
const t0 = performance.now();

console.log(
  `bench:policies — ${instanceFiles.length} workflows × ${platforms.length} platforms × ${POLICY_NAMES.length} policies\n`,
);
for (const [wi, file] of instanceFiles.entries()) {
  const workload = workloads[wi]!;
  const guess = withEstimates ? estimated(wi) : undefined;
  for (const { name, platform } of platforms) {
    const figures = new Map<PolicyName, Figures>();
    for (const policy of POLICY_NAMES) {
      const plan = planWith(policy, workload, platform, { startAtS });
      const r = simulate(workload, platform, planAssignment(plan, workload.tasks.length), {
        seed: 1,
        startAtS,
      });
      figures.set(policy, {
        makespan: r.makespanS,
        // Attributable to the workflow (docs/simulator.md): idle nodes it never used are not the policy's doing.
        energy: r.workflowEnergyKWh,
        carbon: r.workflowCarbonKg,
        bytes: r.bytesMoved,
      });
      runs += 1;
      if (guess) {
        // Planned on the estimates, played on the truth.
        const blind = planWith(policy, guess, platform, { startAtS });
        const played = simulate(workload, platform, planAssignment(blind, workload.tasks.length), {
          seed: 1,
          startAtS,
        });
        vsOracle.get(policy)!.push(played.makespanS / r.makespanS);
        carbonVsOracle.get(policy)!.push(ratio(played.workflowCarbonKg, r.workflowCarbonKg));
        let byPolicy = vsOracleByPlatform.get(name);
        if (!byPolicy) vsOracleByPlatform.set(name, (byPolicy = new Map<PolicyName, number[]>()));
        byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), played.makespanS / r.makespanS]);
      }
    }
    const heft = figures.get('heft')!;
    if (hasDvfs(platform))
      DVFS_VARIANTS.forEach((v, i) => {
        const p = v.alpha === undefined ? platform : repowered(platform, v.alpha);
        const plan = energyAwareHeft(workload, p, { dvfs: v.alpha !== undefined });
        const r = simulate(workload, p, planAssignment(plan, workload.tasks.length), { seed: 1, startAtS });
        dvfsRatios[i]!.energy.push(ratio(r.workflowEnergyKWh, heft.energy));
        dvfsRatios[i]!.makespan.push(r.makespanS / heft.makespan);
      });
    for (const [i, slack] of SLACKS.entries()) {
      const plan = energyAwareHeft(workload, platform, { slack });
      const r = simulate(workload, platform, planAssignment(plan, workload.tasks.length), {
        seed: 1,
        startAtS,
      });
      slackRatios[i]!.energy.push(ratio(r.workflowEnergyKWh, heft.energy));
      slackRatios[i]!.makespan.push(r.makespanS / heft.makespan);
    }
    {
      const w = cpuBound(workload);
      const play = (plan: ReturnType<typeof energyAwareHeft>) =>
        simulate(w, platform, planAssignment(plan, w.tasks.length), { seed: 1, startAtS });
      const h = play(planWith('heft', w, platform, { startAtS }));
      const e = play(energyAwareHeft(w, platform, {}));
      cpuBoundRatios.energy.push(ratio(e.workflowEnergyKWh, h.workflowEnergyKWh));
      cpuBoundRatios.makespan.push(e.makespanS / h.makespanS);
      cpuBoundRatios.floor.push(ratio(floorEnergyKWh(w, platform), h.workflowEnergyKWh));
    }
    const floor = ratio(floorEnergyKWh(workload, platform), heft.energy);
    energyFloor.push(floor);
    energyFloorByPlatform.set(name, [...(energyFloorByPlatform.get(name) ?? []), floor]);
    for (const policy of POLICY_NAMES) {
      const f = figures.get(policy)!;
      for (const m of METRICS)
        ratios.get(policy)![m].push(ratio(f[m], heft[m], m === 'bytes' ? BYTES_FLOOR : 0));
      let byPolicy = perPlatform.get(name);
      if (!byPolicy) perPlatform.set(name, (byPolicy = new Map<PolicyName, number[]>()));
      byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), ratio(f.carbon, heft.carbon)]);
    }
    console.log(
      `${basename(file, '.json').padEnd(46)} ${name.padEnd(18)} heft ${heft.makespan.toFixed(0).padStart(7)} s ` +
        `${heft.energy.toFixed(3).padStart(9)} kWh ${heft.carbon.toFixed(4).padStart(9)} kg`,
    );
  }
}

const results = POLICY_NAMES.map((policy) => {
  const r = ratios.get(policy)!;
  return {
    policy,
    makespan_vs_heft: Number(geomean(r.makespan).toFixed(4)),
    energy_vs_heft: Number(geomean(r.energy).toFixed(4)),
    carbon_vs_heft: Number(geomean(r.carbon).toFixed(4)),
    bytes_vs_heft: Number(geomean(r.bytes).toFixed(4)),
  };
});

console.log(
  `\ngeometric means of per-run ratios to HEFT (${runs} runs, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
);
console.log(
  `${'policy'.padEnd(16)} ${'makespan'.padStart(9)} ${'energy'.padStart(9)} ${'carbon'.padStart(9)} ${'bytes'.padStart(9)}`,
);
for (const r of results) {
  console.log(
    `${r.policy.padEnd(16)} ${r.makespan_vs_heft.toFixed(3).padStart(9)} ${r.energy_vs_heft.toFixed(3).padStart(9)} ` +
      `${r.carbon_vs_heft.toFixed(3).padStart(9)} ${r.bytes_vs_heft.toFixed(3).padStart(9)}`,
  );
}
console.log('\ncarbon vs HEFT by platform (geometric mean)');
for (const [name, byPolicy] of perPlatform) {
  console.log(
    `  ${name.padEnd(18)} ${POLICY_NAMES.map((p) => `${p} ${geomean(byPolicy.get(p) ?? []).toFixed(3)}`).join('  ')}`,
  );
}
console.log(
  `\nenergy floor (every task on its most frugal type, no transfers) vs HEFT: ${geomean(energyFloor).toFixed(3)}` +
    ` — no placement can save more than ${((1 - geomean(energyFloor)) * 100).toFixed(1)} % (geometric mean)`,
);
for (const [name, xs] of energyFloorByPlatform) console.log(`  ${name.padEnd(18)} ${geomean(xs).toFixed(3)}`);
const dvfsSensitivity = DVFS_VARIANTS.map((v, i) => ({
  variant: v.label,
  runs: dvfsRatios[i]!.energy.length,
  energy_vs_heft: Number(geomean(dvfsRatios[i]!.energy).toFixed(4)),
  makespan_vs_heft: Number(geomean(dvfsRatios[i]!.makespan).toFixed(4)),
}));
if (dvfsSensitivity[0]!.runs > 0) {
  console.log(
    '\nenergy-heft on the platforms with DVFS levels, level power = idle + (max − idle) × (f/f0)^α (HEFT is unchanged):',
  );
  for (const d of dvfsSensitivity)
    console.log(
      `  ${d.variant.padEnd(24)} energy ${d.energy_vs_heft.toFixed(3)}  makespan ${d.makespan_vs_heft.toFixed(3)}  (${d.runs} runs)`,
    );
}
const slackTradeoff = SLACKS.map((slack, i) => ({
  slack,
  energy_vs_heft: Number(geomean(slackRatios[i]!.energy).toFixed(4)),
  makespan_vs_heft: Number(geomean(slackRatios[i]!.makespan).toFixed(4)),
}));
console.log('\nenergy-heft by its slack (the main table is slack 0.05):');
for (const s of slackTradeoff)
  console.log(
    `  slack ${String(s.slack).padEnd(5)} energy ${s.energy_vs_heft.toFixed(3)}  makespan ${s.makespan_vs_heft.toFixed(3)}`,
  );
const cpuBoundFigures = {
  energy_vs_heft: Number(geomean(cpuBoundRatios.energy).toFixed(4)),
  makespan_vs_heft: Number(geomean(cpuBoundRatios.makespan).toFixed(4)),
  energy_floor_vs_heft: Number(geomean(cpuBoundRatios.floor).toFixed(4)),
};
console.log(
  `\nevery task taken as CPU-bound (avgCPU ignored), against HEFT on the same: energy-heft energy ` +
    `${cpuBoundFigures.energy_vs_heft.toFixed(3)} at makespan ${cpuBoundFigures.makespan_vs_heft.toFixed(3)}, ` +
    `floor ${cpuBoundFigures.energy_floor_vs_heft.toFixed(3)}`,
);
const estimates = withEstimates
  ? {
      model: 'ensemble',
      results: POLICY_NAMES.map((policy) => {
        const xs = vsOracle.get(policy)!;
        return {
          policy,
          makespan_vs_oracle: Number(geomean(xs).toFixed(4)),
          worst: Number(Math.max(...xs).toFixed(4)),
          carbon_vs_oracle: Number(geomean(carbonVsOracle.get(policy)!).toFixed(4)),
        };
      }),
    }
  : undefined;
if (estimates) {
  console.log(
    "\nplanned on the performance model's estimates (ensemble; history = the other workflows), played on the truth:",
  );
  console.log(
    `${'policy'.padEnd(16)} ${'makespan vs oracle (geomean)'.padStart(30)} ${'worst run'.padStart(10)} ${'carbon vs oracle'.padStart(17)}`,
  );
  for (const r of estimates.results)
    console.log(
      `${r.policy.padEnd(16)} ${r.makespan_vs_oracle.toFixed(3).padStart(30)} ${r.worst.toFixed(3).padStart(10)} ` +
        `${r.carbon_vs_oracle.toFixed(3).padStart(17)}`,
    );
  console.log('makespan vs oracle by platform (geometric mean)');
  for (const [name, byPolicy] of vsOracleByPlatform) {
    console.log(
      `  ${name.padEnd(18)} ${POLICY_NAMES.map((p) => `${p} ${geomean(byPolicy.get(p) ?? []).toFixed(3)}`).join('  ')}`,
    );
  }
}
console.log(
  JSON.stringify({
    bench: 'policies',
    runs,
    results,
    energy_floor_vs_heft: Number(geomean(energyFloor).toFixed(4)),
    dvfs_sensitivity: dvfsSensitivity,
    slack_tradeoff: slackTradeoff,
    cpu_bound: cpuBoundFigures,
    ...(estimates ? { estimates } : {}),
  }),
);
