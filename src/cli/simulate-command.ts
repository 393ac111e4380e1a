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
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EngineError } from '../engine/errors.js';
import { loadSpecText, specInvalid } from '../engine/load-spec.js';
import type { Platform, Workload } from '../model/index.js';
import { isPolicyName, onlineScheduler, planAssignment, planWith, POLICY_NAMES } from '../scheduler/index.js';
import type { Scheduler } from '../scheduler/index.js';
import { ganttSvg, simulate, simulateOnline } from '../sim/index.js';
import type { SimOptions, SimReport } from '../sim/index.js';
import { recordedReplay, runtimeSystemModelFor } from '../sim/index.js';
import type { SimOverheads } from '../sim/index.js';
import { importWfCommons, parsePlatform, specToWorkload } from '../workflow/index.js';
import { createPredictor, predictedWorkload, workloadStream } from '../perfmodel/index.js';
import type { Predictor } from '../perfmodel/index.js';
import { CliError, EXIT_OK } from './cli-error.js';

export interface SimulateCommandOptions {
  workflow: string;
  platform: string;
  policy: string;
  seed: string;
  json?: boolean;
  gantt?: string;
  mtbf?: string;
  stragglers?: string;
  startAt?: string;
  online?: boolean;
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
  const { predictor, observed } = historyPredictor(history);
  const learn = history.length === 0;
  const est = predictedWorkload(workload, predictor, { learn });
  return {
    workload: est.workload,
    label: learn
      ? `estimated (ensemble; no --history: learnt from this run's earlier tasks, ${est.coldStarts} cold starts)`
      : `estimated (ensemble; history: ${history.length} runs, ${observed} tasks)`,
  };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new EngineError('SPEC_FILE_UNREADABLE', `cannot read the ${what} file ${path}`, 'check the path');
  }
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

/** An ensemble that has learnt the recorded tasks of these WfCommons runs. */
function historyPredictor(history: readonly string[]): { predictor: Predictor; observed: number } {
  const predictor = createPredictor('ensemble');
  let observed = 0;
  for (const path of history) {
    for (const it of workloadStream(loadWorkload(path)).items) {
      predictor.observe(it.features, it.node, {
        runtimeS: it.runtimeS,
        ...(it.peakMemoryBytes !== undefined ? { peakMemoryBytes: it.peakMemoryBytes } : {}),
      });
      observed++;
    }
  }
  return { predictor, observed };
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
  const { spec, baseDir } = loadSpecText(text, { file: path, baseDir: dirname(resolve(path)) });
  const { predictor, observed } = historyPredictor(history);
  const reference = { id: 'reference', speedFactor: 1 };
  const { workload, priors } = specToWorkload(
    spec,
    (features) => {
      const p = predictor.predict(features, reference);
      return { runtimeS: p.runtime.mean, prior: p.basis === 'prior' };
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

export function runSimulate(opts: SimulateCommandOptions): number {
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed))
    throw new CliError('BAD_OPTION', `--seed must be an integer, got ${opts.seed}`);
  const mtbf = nonNegative(opts.mtbf, '--mtbf');
  const stragglers = nonNegative(opts.stragglers, '--stragglers');
  const startAtS = nonNegative(opts.startAt, '--start-at') ?? 0;
  const text = readText(opts.workflow, 'workflow');
  const fromSpec = isWfCommons(text) ? null : loadSpecWorkload(opts.workflow, text, opts.history ?? []);
  const workload = fromSpec ? fromSpec.workload : loadWorkload(opts.workflow);
  let platform: Platform;
  let assignment: { nodeOf: Int32Array; priority?: Float64Array; notBefore?: Float64Array } | undefined;
  let scheduler: Scheduler | undefined;
  let policy: string;
  let overheads: SimOverheads | undefined;
  let runtimes: string | null = null; // what a planning policy planned on
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
    assignment = replay.assignment;
    overheads = model.overheads;
    policy = `recorded (${model.id} overheads)`;
  } else {
    platform = loadPlatform(opts.platform);
    if (!isPolicyName(opts.policy)) {
      throw new CliError(
        'BAD_OPTION',
        `unknown policy ${JSON.stringify(opts.policy)}`,
        `policies: ${POLICY_NAMES.join(', ')}`,
      );
    }
    if (fromSpec) {
      runtimes = fromSpec.label;
      scheduler = opts.online
        ? onlineScheduler(opts.policy, { workload, platform, options: { startAtS } })
        : onlineScheduler(opts.policy);
      if (!scheduler)
        assignment = planAssignment(
          planWith(opts.policy, workload, platform, { startAtS }),
          workload.tasks.length,
        );
    } else if (opts.policy !== 'first-fit') {
      const planned = planningWorkload(workload, opts.runtimes ?? 'estimated', opts.history ?? []);
      runtimes = planned.label;
      scheduler = opts.online
        ? onlineScheduler(opts.policy, { workload: planned.workload, platform, options: { startAtS } })
        : undefined;
      if (!scheduler) {
        assignment = planAssignment(
          planWith(opts.policy, planned.workload, platform, { startAtS }),
          workload.tasks.length,
        );
      }
    } else scheduler = onlineScheduler(opts.policy);
    policy = opts.online && opts.policy !== 'first-fit' ? `${opts.policy} (plan-guided online)` : opts.policy;
  }
  const simOptions: SimOptions = {
    seed,
    startAtS,
    ...(overheads ? { overheads } : {}),
    trace: opts.gantt !== undefined,
    ...(mtbf !== undefined || stragglers !== undefined
      ? {
          failures: {
            ...(mtbf !== undefined ? { nodeMtbfS: mtbf } : {}),
            ...(stragglers !== undefined ? { stragglerProbability: stragglers } : {}),
          },
        }
      : {}),
  };
  const report = scheduler
    ? simulateOnline(workload, platform, scheduler, simOptions)
    : simulate(workload, platform, assignment!, simOptions);
  if (opts.gantt && report.trace) {
    writeFileSync(
      opts.gantt,
      ganttSvg(report.trace, workload, platform, {
        title: `${workload.name} on ${platform.name} (${policy})`,
      }),
    );
  }
  const summary = { ...summarise(workload, platform, policy, seed, report), plannedOn: runtimes };
  if (opts.json) console.log(JSON.stringify(summary, null, 2));
  else {
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
        'failures',
        `${report.failures.nodeCrashes} node crashes, ${report.failures.failedAttempts} failed attempts, ` +
          `${report.failures.failedTasks} failed tasks`,
      ],
    ];
    if (summary.recordedMakespanS !== null)
      rows.push(['recorded makespan', `${summary.recordedMakespanS} s`]);
    if (opts.gantt) rows.push(['gantt', opts.gantt]);
    for (const [k, v] of rows) console.log(`${k.padEnd(18)} ${v}`);
  }
  return EXIT_OK;
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
    failures: r.failures,
    recordedMakespanS: workload.recorded?.makespanS ?? null,
  };
}
