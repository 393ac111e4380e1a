/**
 * `strata perfmodel eval`: replays WfCommons instances through the performance models — the
 * chronological online evaluation, the cross-machine evaluation and (with --noise) the drift
 * scenario of docs/perfmodel.md — and prints a table per part or one JSON report.
 * `strata perfmodel bench-node`: runs the speed micro-benchmark on this machine.
 * The I/O shell around src/perfmodel (pure): files, directories and the clock live here.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { specInvalid } from '../../engine/load-spec.js';
import type { Workload } from '../../model/index.js';
import {
  driftScenario,
  evaluateCrossMachine,
  evaluateOnline,
  isModelName,
  measureSpeedFactor,
  MODEL_NAMES,
  parseNoiseCsv,
  PerfmodelError,
  REFERENCE_BENCHMARK_S,
} from '../../perfmodel/index.js';
import type {
  CrossMachineEvaluation,
  DriftScenarioResult,
  ModelScore,
  OnlineEvaluation,
} from '../../perfmodel/index.js';
import { importWfCommons } from '../../formats/wfcommons/index.js';
import { EXIT_OK } from '../cli-error.js';
import { usageError } from '../exit-status.js';
import { readInputText } from '../read-input.js';

export interface PerfmodelEvalOptions {
  traces?: string[];
  models?: string;
  noise?: string;
  driftAdaptation?: boolean;
  json?: boolean;
}

export interface LoadedTrace {
  file: string;
  workload: Workload;
}

/** Azure VM noise series the drift scenario uses: fixed-performance before, burstable after. */
export const NOISE_BEFORE = 'sysbench-cpu_short_eastus_D8s_v5_events_per_second.csv';
export const NOISE_AFTER = 'sysbench-cpu_short_eastus_B8ms_events_per_second.csv';

/** Instances the drift scenario replays: enough tasks for a change halfway to be seen. */
const DRIFT_MIN_TASKS = 200;

/**
 * The files named, a directory standing for its `*.json` files (not recursive; a file whose name
 * contains "schema" is skipped there, as the WfFormat schema sits next to the instances).
 */
export function tracePaths(args: readonly string[]): string[] {
  if (args.length === 0)
    throw usageError(
      new PerfmodelError(
        'PERFMODEL_NO_TRACES',
        'no traces given',
        'name WfCommons instances or directories of them: --traces ../shared/data/wfcommons',
        '--traces',
      ),
    );
  const out: string[] = [];
  for (const a of args) {
    let isDir: boolean;
    try {
      isDir = statSync(a).isDirectory();
    } catch {
      throw usageError(
        new PerfmodelError('PERFMODEL_NO_TRACES', `${a} does not exist`, 'check the path', '--traces'),
      );
    }
    if (!isDir) {
      out.push(a);
      continue;
    }
    const files = readdirSync(a)
      .filter((f) => f.endsWith('.json') && !f.includes('schema'))
      .sort()
      .map((f) => join(a, f));
    if (files.length === 0)
      throw usageError(
        new PerfmodelError(
          'PERFMODEL_NO_TRACES',
          `directory ${a} holds no .json file`,
          'point --traces at WfCommons instances (WfFormat 1.4/1.5 JSON)',
          '--traces',
        ),
      );
    out.push(...files);
  }
  return out;
}

/** Imports the instances; a bad one is a WFC_* error, one with no recorded runtime PERFMODEL_NO_RUNTIMES. */
export function loadTraces(paths: readonly string[]): LoadedTrace[] {
  return paths.map((path) => {
    const text = readInputText(path, () =>
      usageError(
        new PerfmodelError(
          'PERFMODEL_NO_TRACES',
          `cannot read ${path}`,
          'check the path and its permissions',
          path,
        ),
      ),
    );
    const result = importWfCommons(text, { file: path });
    if (!result.ok)
      throw specInvalid(result.errors, { noun: 'WfCommons instance', doc: 'docs/wfcommons.md' });
    const rec = result.workload.recorded;
    if (!rec || !rec.tasks.some((t) => t.runtimeS > 0))
      throw usageError(
        new PerfmodelError(
          'PERFMODEL_NO_RUNTIMES',
          'the instance records no task runtime, so there is nothing to learn from or to check against',
          'give instances with workflow.execution.tasks[].runtimeInSeconds (1.4: tasks[].runtimeInSeconds)',
          path,
        ),
      );
    return { file: basename(path), workload: result.workload };
  });
}

export function parseModels(text: string | undefined): string[] {
  if (text === undefined || text === 'all') return [...MODEL_NAMES];
  const names = text.split(',').map((s) => s.trim());
  for (const n of names)
    if (!isModelName(n))
      throw usageError(
        new PerfmodelError(
          'PERFMODEL_UNKNOWN_MODEL',
          `there is no performance model called ${JSON.stringify(n)}`,
          `models: ${MODEL_NAMES.join(', ')} (or all)`,
          '--models',
        ),
      );
  return names;
}

/** Reads the two noise series of the drift scenario from a directory. */
export function loadNoise(dir: string): { before: number[]; after: number[] } {
  const read = (name: string): number[] => {
    const path = join(dir, name);
    const text = readInputText(path, () =>
      usageError(
        new PerfmodelError(
          'PERFMODEL_BAD_NOISE_CSV',
          `cannot read ${path}`,
          `--noise names the azure-vm-noise-2024 folder holding ${NOISE_BEFORE} and ${NOISE_AFTER}`,
          '--noise',
        ),
      ),
    );
    return parseNoiseCsv(text, path).map((s) => s.value);
  };
  return { before: read(NOISE_BEFORE), after: read(NOISE_AFTER) };
}

export interface PerfmodelReport {
  order: string;
  online: OnlineEvaluation;
  crossMachine: CrossMachineEvaluation;
  drift?: DriftScenarioResult[];
}

/** The whole evaluation (also what bench:perfmodel runs). */
export function perfmodelReport(
  traces: readonly LoadedTrace[],
  models: readonly string[],
  options: { noise?: { before: number[]; after: number[] }; driftAdaptation?: boolean } = {},
): PerfmodelReport {
  const workloads = traces.map((t) => t.workload);
  const online = evaluateOnline(workloads, {
    models,
    labels: traces.map((t) => t.file),
    ...(options.driftAdaptation !== undefined ? { driftAdaptation: options.driftAdaptation } : {}),
  });
  const orders = new Set(online.instances.map((i) => i.order));
  const crossMachine = evaluateCrossMachine(workloads, models);
  const report: PerfmodelReport = { order: [...orders].join('+'), online, crossMachine };
  const noise = options.noise;
  if (noise) {
    report.drift = traces
      .filter((t) => t.workload.tasks.length >= DRIFT_MIN_TASKS)
      .map((t) => ({ ...driftScenario(t.workload, noise), workload: t.file }));
  }
  return report;
}

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '-');
const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatScores(scores: readonly ModelScore[]): string {
  return table([
    [
      'model',
      'tasks',
      'cold',
      'rt med',
      'rt p90',
      'p90 cover',
      'mem tasks',
      'mem under %',
      'mem waste %',
      'oom retries',
      'drift ev',
    ],
    ...scores.map((s) => [
      s.model,
      String(s.tasks),
      String(s.coldStarts),
      f3(s.runtimeMedianRelErr),
      f3(s.runtimeP90RelErr),
      f3(s.p90Coverage),
      String(s.memoryTasks),
      f1(s.memoryUnderPct),
      f1(s.memoryWastePct),
      String(s.memoryRetries),
      String(s.driftEvents),
    ]),
  ]);
}

export function formatReport(r: PerfmodelReport): string {
  const out: string[] = [];
  out.push(
    `Chronological online evaluation (order: ${r.order}; predict, then observe; relative errors pooled over all predicted tasks)`,
    formatScores(r.online.pooled),
    '',
    'Per instance (median / p90 relative runtime error)',
  );
  const names = r.online.pooled.filter((s) => s.tasks > 0).map((s) => s.model);
  out.push(
    table([
      ['instance', 'tasks', ...names],
      ...r.online.instances.map((i) => [
        i.name,
        String(i.tasks),
        ...names.map((n) => {
          const s = i.models.find((m) => m.model === n);
          return s ? `${f3(s.runtimeMedianRelErr)}/${f3(s.runtimeP90RelErr)}` : '-';
        }),
      ]),
    ]),
  );
  const cm = r.crossMachine;
  out.push(
    '',
    `Cross-machine (train on one machine, predict another; ${cm.pairs.length} ordered pairs in ${new Set(cm.pairs.map((p) => p.instance)).size} instances)`,
    table([
      ['model', 'tasks', 'with speed med', 'p90', 'speed 1 med', 'p90'],
      ...cm.models.map((m) => [
        m.model,
        String(m.withSpeed.tasks),
        f3(m.withSpeed.medianRelErr),
        f3(m.withSpeed.p90RelErr),
        f3(m.withoutSpeed.medianRelErr),
        f3(m.withoutSpeed.p90RelErr),
      ]),
    ]),
  );
  if (r.drift) {
    out.push(
      '',
      'Drift scenario (one node type; halfway its machines turn from D8s_v5 to burstable B8ms, Azure VM noise data)',
      table([
        [
          'instance',
          'tasks',
          'slowdown',
          'detected after',
          'false alarms',
          'control alarms',
          'after: refit med',
          'static med',
          'first 100: refit',
          'static',
        ],
        ...r.drift.map((d) => [
          d.workload,
          String(d.tasks),
          d.slowdown.toFixed(2),
          d.detectionDelay === undefined ? 'missed' : `${d.detectionDelay} tasks`,
          String(d.falseAlarmsBefore),
          String(d.falseAlarmsControl),
          f3(d.adaptive.afterMedianRelErr),
          f3(d.static.afterMedianRelErr),
          f3(d.adaptive.first100MedianRelErr),
          f3(d.static.first100MedianRelErr),
        ]),
      ]),
    );
  }
  return out.join('\n');
}

/** JSON cannot say NaN: numbers that are not finite become null. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}

export function runPerfmodelEval(opts: PerfmodelEvalOptions): number {
  const models = parseModels(opts.models);
  const traces = loadTraces(tracePaths(opts.traces ?? []));
  const report = perfmodelReport(traces, models, {
    ...(opts.noise !== undefined ? { noise: loadNoise(opts.noise) } : {}),
    ...(opts.driftAdaptation ? { driftAdaptation: true } : {}),
  });
  if (opts.json) console.log(toJson(report));
  else {
    console.log(formatReport(report));
    if (opts.noise === undefined)
      console.log(
        '\n(no drift scenario: give --noise DIR, e.g. ../shared/data/perfmodel/azure-vm-noise-2024)',
      );
  }
  return EXIT_OK;
}

export function runPerfmodelBenchNode(opts: { referenceS?: string; json?: boolean }): number {
  const referenceS = opts.referenceS === undefined ? REFERENCE_BENCHMARK_S : Number(opts.referenceS);
  if (!(referenceS > 0))
    throw usageError(
      new PerfmodelError(
        'PERFMODEL_BAD_NODE_TYPE',
        `--reference-s ${String(opts.referenceS)} is not a positive number of seconds`,
        'give the benchmark time measured on the reference node, e.g. --reference-s 0.05',
        '--reference-s',
      ),
    );
  const r = measureSpeedFactor(() => performance.now() / 1000, referenceS);
  const out = { seconds: r.seconds, referenceS, speedFactor: r.speedFactor };
  console.log(
    opts.json
      ? JSON.stringify(out)
      : `micro-benchmark: ${(r.seconds * 1000).toFixed(1)} ms (reference ${(referenceS * 1000).toFixed(1)} ms) → speed factor ${r.speedFactor.toFixed(3)}`,
  );
  return EXIT_OK;
}
