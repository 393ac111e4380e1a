/**
 * `strata simulate`: plays a workflow on a platform in the digital twin with a placement policy and
 * reports makespan, energy, carbon, bytes moved, utilisation and failures (and draws the schedule).
 * A policy that exists as an online scheduler (`first-fit`) drives the twin as it drives the engine
 * (`simulateOnline`); the others are played as static plans, or with `--online` as their plan
 * followed online (plan-guided: each task on a free node of its planned type). Planning policies
 * plan on the performance model's runtime estimates (`--runtimes oracle` to plan on the truth); the
 * twin plays the recorded runtimes either way.
 * The I/O shell around the pure scheduler and simulator.
 */
import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EngineError } from '../../engine/errors.js';
import { loadSpecText, specInvalid, UNLIMITED_BUDGETS } from '../../engine/load-spec.js';
import type { Platform, Workload } from '../../model/index.js';
import {
  isPolicyName,
  onlineScheduler,
  planAssignment,
  planWith,
  POLICY_NAMES,
} from '../../scheduler/index.js';
import type { PlatformPlan, PolicyName, Scheduler } from '../../scheduler/index.js';
import { ganttSvg, simulate, simulateOnline } from '../../sim/index.js';
import type { SimOptions, SimReport } from '../../sim/index.js';
import { recordedReplay, runtimeSystemModelFor } from '../../sim/index.js';
import type { SimOverheads } from '../../sim/index.js';
import { specToWorkload } from '../../spec/index.js';
import { parsePlatform } from '../../platform/index.js';
import { importWfCommons } from '../../formats/wfcommons/index.js';
import {
  CpuUtilisationEstimator,
  createPredictor,
  predictedWorkload,
  workloadStream,
} from '../../perfmodel/index.js';
import type { Predictor } from '../../perfmodel/index.js';
import { CliError, EXIT_OK } from '../cli-error.js';
import { readInputText } from '../read-input.js';
import {
  onlinePlacements,
  planPlacements,
  recordedPlacements,
  RecordingScheduler,
} from '../placements-file.js';

export interface SimulateCommandOptions {
  workflow: string;
  platform: string;
  policy: string;
  seed: string;
  json?: boolean;
  gantt?: string;
  /** Write each task's placement and its reason (JSON) here. */
  placements?: string;
  mtbf?: string;
  stragglers?: string;
  startAt?: string;
  online?: boolean;
  /** Play every policy and print them side by side. */
  compare?: boolean;
  /** `estimated` (default): policies plan on the performance model's estimates; `oracle`: on the truth. */
  runtimes?: string;
  /** WfCommons instances of earlier runs the performance model learns from first. */
  history?: string[];
}

/**
 * What a planning policy plans on. The twin always plays the recorded truth; the plan is made, as
 * the engine would make it, from the performance model's estimates (docs/perfmodel.md): an
 * `ensemble` that has learnt the `history` runs, frozen (a plan is made before the run starts).
 * With no history it has nothing to go on but this run's own earlier tasks, so it learns from them
 * in chronological order (each estimate uses only tasks before it) — said in the report.
 */
function planningWorkload(
  workload: Workload,
  runtimes: string,
  history: readonly string[],
): { workload: Workload; label: string } {
  if (runtimes === 'oracle') return { workload, label: 'oracle (the recorded runtimes)' };
  if (runtimes !== 'estimated') {
    throw new CliError('BAD_OPTION', `--runtimes must be estimated or oracle, got ${runtimes}`);
  }
  const { predictor, cpuUtilisation, observed } = historyPredictor(history);
  const learn = history.length === 0;
  const est = predictedWorkload(workload, predictor, { learn, cpuUtilisation });
  return {
    workload: est.workload,
    label: learn
      ? `estimated (ensemble; no --history: learnt from this run's earlier tasks, ${est.coldStarts} cold starts)`
      : `estimated (ensemble; history: ${history.length} runs, ${observed} tasks)`,
  };
}

function readText(path: string, what: string): string {
  return readInputText(
    path,
    () => new EngineError('SPEC_FILE_UNREADABLE', `cannot read the ${what} file ${path}`, 'check the path'),
  );
}

/** Whether a text is a WfCommons instance (WfFormat JSON) rather than a Strata workflow spec. */
function isWfCommons(text: string): boolean {
  if (!/^\s*\{/.test(text)) return false;
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return typeof doc === 'object' && doc !== null && 'workflow' in doc;
  } catch {
    return true; // malformed JSON: the WfCommons reader says where
  }
}

/** A WfCommons instance. */
export function loadWorkload(path: string): Workload {
  const text = readText(path, 'workflow');
  if (!isWfCommons(text)) {
    throw new CliError(
      'BAD_OPTION',
      `${path} is not a WfCommons instance (WfFormat 1.4/1.5 JSON)`,
      'give a WfFormat file (e.g. from ../shared/data/wfcommons)',
    );
  }
  const result = importWfCommons(text, { file: path });
  if (!result.ok) throw specInvalid(result.errors, { noun: 'WfCommons instance', doc: 'docs/wfcommons.md' });
  return result.workload;
}

/** An ensemble (and a CPU-utilisation estimator) that has learnt the recorded tasks of these WfCommons runs. */
function historyPredictor(history: readonly string[]): {
  predictor: Predictor;
  cpuUtilisation: CpuUtilisationEstimator;
  observed: number;
} {
  const predictor = createPredictor('ensemble');
  const cpuUtilisation = new CpuUtilisationEstimator();
  let observed = 0;
  for (const path of history) {
    const run = loadWorkload(path);
    cpuUtilisation.observeWorkload(run);
    for (const it of workloadStream(run).items) {
      predictor.observe(it.features, it.node, {
        runtimeS: it.runtimeS,
        ...(it.peakMemoryBytes !== undefined ? { peakMemoryBytes: it.peakMemoryBytes } : {}),
      });
      observed++;
    }
  }
  return { predictor, cpuUtilisation, observed };
}

/**
 * A Strata workflow spec as a workload: it declares no runtimes, so the performance model estimates
 * them from `history` (runs of the same programs); the twin then plays those estimates.
 */
function loadSpecWorkload(
  path: string,
  text: string,
  history: readonly string[],
): { workload: Workload; label: string } {
  if (history.length === 0) {
    throw new CliError(
      'BAD_OPTION',
      `${path} is a Strata workflow: it declares no runtimes, so the simulator needs runs to estimate them from`,
      'add --history FILE… (WfCommons instances of runs of the same programs); docs/perfmodel.md',
    );
  }
  const { spec, baseDir } = loadSpecText(
    text,
    { file: path, baseDir: dirname(resolve(path)) },
    { budgets: UNLIMITED_BUDGETS }, // simulated, never stored: a million tasks is a fair question
  );
  const { predictor, cpuUtilisation, observed } = historyPredictor(history);
  const reference = { id: 'reference', speedFactor: 1 };
  const { workload, priors } = specToWorkload(
    spec,
    (features) => {
      const p = predictor.predict(features, reference);
      const u = cpuUtilisation.estimate(features.type);
      return {
        runtimeS: p.runtime.mean,
        prior: p.basis === 'prior',
        ...(u !== undefined ? { cpuUtilisation: u } : {}),
      };
    },
    {
      inputBytes: (file) => {
        try {
          return statSync(resolve(baseDir, file)).size;
        } catch {
          return 0;
        }
      },
    },
  );
  return {
    workload,
    label:
      `estimated from history (${history.length} runs, ${observed} tasks; ${priors} of ${workload.tasks.length} ` +
      'tasks had no run of their program and got a prior); the twin plays these estimates too',
  };
}

export function loadPlatform(path: string): Platform {
  const result = parsePlatform(readText(path, 'platform'), { file: path });
  if (!result.ok) throw specInvalid(result.errors, { noun: 'platform', doc: 'docs/platform-format.md' });
  return result.platform;
}

function nonNegative(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n >= 0)) throw new CliError('BAD_OPTION', `${what} must be a non-negative number, got ${text}`);
  return n;
}

interface Run {
  policy: string;
  scheduler?: Scheduler;
  /** Static runs of a planning policy: the plan (its reasons go to --placements). */
  plan?: PlatformPlan;
  assignment?: { nodeOf: Int32Array; priority?: Float64Array; notBefore?: Float64Array; level?: Uint8Array };
}

export function runSimulate(opts: SimulateCommandOptions): number {
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed))
    throw new CliError('BAD_OPTION', `--seed must be an integer, got ${opts.seed}`);
  const mtbf = nonNegative(opts.mtbf, '--mtbf');
  const stragglers = nonNegative(opts.stragglers, '--stragglers');
  const startAtS = nonNegative(opts.startAt, '--start-at') ?? 0;
  if (opts.compare && opts.gantt !== undefined) {
    throw new CliError('BAD_OPTION', '--gantt draws one schedule', 'give --policy NAME instead of --compare');
  }
  if (opts.compare && opts.placements !== undefined) {
    throw new CliError(
      'BAD_OPTION',
      '--placements writes one schedule',
      'give --policy NAME instead of --compare',
    );
  }
  const text = readText(opts.workflow, 'workflow');
  const fromSpec = isWfCommons(text) ? null : loadSpecWorkload(opts.workflow, text, opts.history ?? []);
  const workload = fromSpec ? fromSpec.workload : loadWorkload(opts.workflow);
  const n = workload.tasks.length;
  let platform: Platform;
  let runs: Run[];
  let overheads: SimOverheads | undefined;
  let runtimes: string | null = null; // what the planning policies planned on
  if (opts.platform === 'recorded') {
    if (!workload.recorded) {
      throw new CliError('BAD_OPTION', `${opts.workflow} records no execution to rebuild machines from`);
    }
    // The machines and mapping recorded, plus the fitted overheads of the workflow manager that ran
    // it (docs/sim-validation.md): recorded runtimes alone under-predict real makespans.
    const model = runtimeSystemModelFor(workload.recorded.runtimeSystem);
    const replay = recordedReplay(
      workload,
      model.maxCoresPerMachine !== undefined ? { maxCoresPerMachine: model.maxCoresPerMachine } : {},
    );
    platform = replay.platform;
    overheads = model.overheads;
    runs = [{ policy: `recorded (${model.id} overheads)`, assignment: replay.assignment }];
  } else {
    platform = loadPlatform(opts.platform);
    if (!opts.compare && !isPolicyName(opts.policy)) {
      throw new CliError(
        'BAD_OPTION',
        `unknown policy ${JSON.stringify(opts.policy)}`,
        `policies: ${POLICY_NAMES.join(', ')}`,
      );
    }
    const names: PolicyName[] = opts.compare ? [...POLICY_NAMES] : [opts.policy as PolicyName];
    // The planning policies plan on estimates (a spec's are all there is); first-fit needs none.
    const planned = names.some((p) => p !== 'first-fit')
      ? (fromSpec ?? planningWorkload(workload, opts.runtimes ?? 'estimated', opts.history ?? []))
      : null;
    runtimes = planned?.label ?? fromSpec?.label ?? null;
    const options = { startAtS };
    runs = names.map((name): Run => {
      if (name === 'first-fit') return { policy: name, scheduler: onlineScheduler(name)! };
      const plannedOn = planned!.workload;
      if (opts.online) {
        const scheduler = onlineScheduler(name, { workload: plannedOn, platform, options })!;
        return { policy: `${name} (plan-guided online)`, scheduler };
      }
      const plan = planWith(name, plannedOn, platform, options);
      return { policy: name, plan, assignment: planAssignment(plan, n) };
    });
  }
  const simOptions: SimOptions = {
    seed,
    startAtS,
    ...(overheads ? { overheads } : {}),
    trace: opts.gantt !== undefined || opts.placements !== undefined,
    ...(mtbf !== undefined || stragglers !== undefined
      ? {
          failures: {
            ...(mtbf !== undefined ? { nodeMtbfS: mtbf } : {}),
            ...(stragglers !== undefined ? { stragglerProbability: stragglers } : {}),
          },
        }
      : {}),
  };
  // An online scheduler's placements (and their reasons) are recorded for --placements and --gantt.
  const recorder =
    (opts.placements !== undefined || opts.gantt !== undefined) && runs[0]!.scheduler
      ? new RecordingScheduler(runs[0]!.scheduler)
      : null;
  if (recorder) runs[0]!.scheduler = recorder;
  const played = runs.map((run) => ({
    policy: run.policy,
    report: run.scheduler
      ? simulateOnline(workload, platform, run.scheduler, simOptions)
      : simulate(workload, platform, run.assignment!, simOptions),
  }));
  if (opts.compare) {
    printComparison(workload, platform, played, runtimes, opts.json === true);
    return EXIT_OK;
  }
  const { policy, report } = played[0]!;
  if (opts.gantt && report.trace) {
    const reasons = new Array<Record<string, number | string> | undefined>(n);
    if (recorder) for (const [t, p] of recorder.placed) reasons[t] = p.reason;
    else for (const pt of runs[0]!.plan?.tasks ?? []) reasons[pt.task] = pt.reason;
    writeFileSync(
      opts.gantt,
      ganttSvg(report.trace, workload, platform, {
        title: `${workload.name} on ${platform.name} (${policy})`,
        reasons,
      }),
    );
  }
  if (opts.placements !== undefined && report.trace) {
    const run = runs[0]!;
    const placements = recorder
      ? onlinePlacements(workload, platform, recorder, report.trace)
      : run.plan
        ? planPlacements(workload, platform, run.plan, report.trace)
        : recordedPlacements(workload, platform, run.assignment!.nodeOf, report.trace);
    writeFileSync(
      opts.placements,
      JSON.stringify(
        { workflow: workload.name, platform: platform.name, policy, plannedOn: runtimes, placements },
        null,
        1,
      ) + '\n',
    );
  }
  const summary = { ...summarise(workload, platform, policy, seed, report), plannedOn: runtimes };
  if (opts.json) console.log(JSON.stringify(summary, null, 2));
  else printReport(workload, platform, policy, runtimes, report, summary, opts);
  return EXIT_OK;
}

/** The one-policy report, one `name  value` line each. */
function printReport(
  workload: Workload,
  platform: Platform,
  policy: string,
  runtimes: string | null,
  report: SimReport,
  summary: ReturnType<typeof summarise>,
  opts: SimulateCommandOptions,
): void {
  const rows: Array<[string, string]> = [
    ['workflow', `${workload.name} (${workload.tasks.length} tasks)`],
    ['platform', `${platform.name} (${summary.nodes} nodes)`],
    ['policy', policy],
    ...(runtimes ? [['planned on', runtimes] as [string, string]] : []),
    ['makespan', `${report.makespanS.toFixed(1)} s`],
    [
      'energy',
      `${report.workflowEnergyKWh.toFixed(3)} kWh (platform, idle nodes included: ${report.energyKWh.toFixed(3)})`,
    ],
    ['carbon', `${report.workflowCarbonKg.toFixed(3)} kg CO2e (platform: ${report.carbonKg.toFixed(3)})`],
    ['bytes moved', `${report.bytesMoved} (${report.transfers} transfers)`],
    ['mean utilisation', `${(report.meanUtilisation * 100).toFixed(1)} %`],
    [
      'task CPU use',
      summary.cpuUtilisation.tasks === 0
        ? 'not known: every task taken as CPU-bound (dynamic power all its run)'
        : `known for ${summary.cpuUtilisation.tasks} of ${workload.tasks.length} tasks ` +
          `(mean ${(summary.cpuUtilisation.mean! * 100).toFixed(1)} % busy; the rest taken as CPU-bound)`,
    ],
    ...(report.slowedTasks > 0
      ? [['DVFS', `${report.slowedTasks} tasks below nominal CPU frequency`] as [string, string]]
      : []),
    [
      'failures',
      `${report.failures.nodeCrashes} node crashes, ${report.failures.failedAttempts} failed attempts, ` +
        `${report.failures.failedTasks} failed tasks`,
    ],
  ];
  if (summary.recordedMakespanS !== null) rows.push(['recorded makespan', `${summary.recordedMakespanS} s`]);
  if (opts.gantt) rows.push(['gantt', opts.gantt]);
  if (opts.placements) rows.push(['placements', opts.placements]);
  for (const [k, v] of rows) console.log(`${k.padEnd(18)} ${v}`);
}

/** `--compare`: every policy on the same workflow and platform, side by side, and against HEFT. */
function printComparison(
  workload: Workload,
  platform: Platform,
  played: Array<{ policy: string; report: SimReport }>,
  plannedOn: string | null,
  json: boolean,
): void {
  const heft = played.find((p) => p.policy.startsWith('heft'))?.report;
  const vs = (x: number, h: number | undefined): number | null =>
    h !== undefined && h > 0 ? Number((x / h).toFixed(4)) : null;
  const results = played.map(({ policy, report: r }) => ({
    policy,
    makespanS: r.makespanS,
    energyKWh: r.workflowEnergyKWh,
    carbonKg: r.workflowCarbonKg,
    bytesMoved: r.bytesMoved,
    makespanVsHeft: vs(r.makespanS, heft?.makespanS),
    energyVsHeft: vs(r.workflowEnergyKWh, heft?.workflowEnergyKWh),
    carbonVsHeft: vs(r.workflowCarbonKg, heft?.workflowCarbonKg),
  }));
  if (json) {
    console.log(
      JSON.stringify({ workflow: workload.name, platform: platform.name, plannedOn, results }, null, 2),
    );
    return;
  }
  console.log(`${workload.name} (${workload.tasks.length} tasks) on ${platform.name}`);
  if (plannedOn) console.log(`planned on ${plannedOn}`);
  console.log(
    `\n${'policy'.padEnd(32)} ${'makespan s'.padStart(11)} ${'energy kWh'.padStart(11)} ${'carbon kg'.padStart(10)} ` +
      `${'GB moved'.padStart(9)}   vs HEFT: makespan energy carbon`,
  );
  const ratio = (x: number | null): string => (x === null ? '-' : x.toFixed(3)).padStart(7);
  for (const r of results) {
    console.log(
      `${r.policy.padEnd(32)} ${r.makespanS.toFixed(1).padStart(11)} ${r.energyKWh.toFixed(4).padStart(11)} ` +
        `${r.carbonKg.toFixed(4).padStart(10)} ${(r.bytesMoved / 1e9).toFixed(2).padStart(9)}   ` +
        `${ratio(r.makespanVsHeft)}${ratio(r.energyVsHeft)}${ratio(r.carbonVsHeft)}`,
    );
  }
}

function cpuUtilisationSummary(workload: Workload): { tasks: number; mean: number | null } {
  let tasks = 0;
  let sum = 0;
  for (const t of workload.tasks)
    if (t.cpuUtilisation !== undefined) {
      tasks++;
      sum += t.cpuUtilisation;
    }
  return { tasks, mean: tasks > 0 ? sum / tasks : null };
}

function summarise(workload: Workload, platform: Platform, policy: string, seed: number, r: SimReport) {
  return {
    workflow: workload.name,
    tasks: workload.tasks.length,
    platform: platform.name,
    nodes: platform.nodeTypes.reduce((n, t) => n + t.count, 0),
    policy,
    seed,
    makespanS: r.makespanS,
    energyKWh: r.workflowEnergyKWh,
    carbonKg: r.workflowCarbonKg,
    platformEnergyKWh: r.energyKWh,
    platformCarbonKg: r.carbonKg,
    bytesMoved: r.bytesMoved,
    meanUtilisation: r.meanUtilisation,
    slowedTasks: r.slowedTasks,
    // How many tasks have a CPU utilisation (recorded avgCPU, or estimated from history): the twin
    // charges dynamic power only for their busy share; the others are taken as CPU-bound.
    cpuUtilisation: cpuUtilisationSummary(workload),
    failures: r.failures,
    recordedMakespanS: workload.recorded?.makespanS ?? null,
  };
}
