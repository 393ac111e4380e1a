/**
 * Evaluation of predictors on recorded workloads, pure (the CLI and the benchmark read the files):
 *
 * - **chronological online**: each instance is replayed as a stream of task completions
 *   (workload-stream.ts) with a fresh predictor; each task is predicted, then observed. Tasks with
 *   a recorded runtime of 0 are skipped. A task whose type has not been seen yet in the instance is
 *   a cold start (its prediction is a prior) and is counted apart, not in the errors.
 * - **pooling**: the relative error |predicted mean − actual| / actual of every predicted task of
 *   every instance goes into one list; the median and the 90th percentile (linear interpolation)
 *   are taken over that list, so each task weighs the same, big instances weigh more.
 * - **memory**: for each task with a recorded peak whose type has a memory history, the request
 *   the MemorySizer makes from the model's p95; under-prediction = requests below the actual peak
 *   (the task would have been killed) / such tasks; waste = Σ (request − actual) over the tasks
 *   that fit / Σ actual over all such tasks. The rule "max seen so far × 1.2" is measured on the
 *   same tasks with the same definitions.
 * - **cross-machine**: where an instance ran on several machines, for each ordered pair (A, B): a
 *   fresh predictor observes every task that ran on A, then predicts the tasks that ran on B.
 */
import type { Workload } from '../model/workload.js';
import { createPredictor } from './create-predictor.js';
import { DriftMonitor } from './drift-monitor.js';
import type { DriftEvent } from './drift-monitor.js';
import { MemorySizer } from './memory-sizer.js';
import type { MemorySizerOptions } from './memory-sizer.js';
import { quantile } from './stats.js';
import { workloadStream } from './workload-stream.js';
import type { StreamItem, StreamOrder } from './workload-stream.js';
import type { Predictor } from './types.js';

/** Name of the reference memory rule in result tables. */
export const MAX_SEEN_RULE = 'max-seen×1.2';

export interface ModelScore {
  model: string;
  /** Tasks predicted from their type's history (the ones in the errors). */
  tasks: number;
  /** Tasks predicted from a prior (first of their type). */
  coldStarts: number;
  runtimeMedianRelErr: number;
  runtimeP90RelErr: number;
  /** Share of predicted tasks whose runtime was ≤ the predicted p90 (0.9 is calibrated). */
  p90Coverage: number;
  memoryTasks: number;
  memoryUnderPct: number;
  memoryWastePct: number;
  /** Retries the killed tasks needed until their request fitted (each kill: MemorySizer.outOfMemory). */
  memoryRetries: number;
  driftEvents: number;
}

/** Raw per-task outcomes of one model on one instance, kept for pooling. */
interface Tally {
  relErrors: number[];
  coldStarts: number;
  covered: number;
  memoryTasks: number;
  memoryUnder: number;
  memoryWaste: number;
  memoryActual: number;
  memoryRetries: number;
  driftEvents: number;
}

export interface InstanceEvaluation {
  name: string;
  order: StreamOrder;
  /** Tasks with a runtime > 0. */
  tasks: number;
  skippedZeroRuntime: number;
  models: ModelScore[];
}

export interface OnlineEvaluation {
  instances: InstanceEvaluation[];
  pooled: ModelScore[];
}

export interface EvaluationOptions {
  models: readonly string[];
  /** Wire a DriftMonitor: each event refits the predictor on that node type. Default false. */
  driftAdaptation?: boolean;
  sizer?: MemorySizerOptions;
  /** Names for the instances in the report (e.g. file names); default the workload's name. */
  labels?: readonly string[];
}

function emptyTally(): Tally {
  return {
    relErrors: [],
    coldStarts: 0,
    covered: 0,
    memoryTasks: 0,
    memoryUnder: 0,
    memoryWaste: 0,
    memoryActual: 0,
    memoryRetries: 0,
    driftEvents: 0,
  };
}

function merge(into: Tally, t: Tally): void {
  for (const e of t.relErrors) into.relErrors.push(e);
  into.coldStarts += t.coldStarts;
  into.covered += t.covered;
  into.memoryTasks += t.memoryTasks;
  into.memoryUnder += t.memoryUnder;
  into.memoryWaste += t.memoryWaste;
  into.memoryActual += t.memoryActual;
  into.memoryRetries += t.memoryRetries;
  into.driftEvents += t.driftEvents;
}

function score(model: string, t: Tally): ModelScore {
  return {
    model,
    tasks: t.relErrors.length,
    coldStarts: t.coldStarts,
    runtimeMedianRelErr: quantile(t.relErrors, 0.5),
    runtimeP90RelErr: quantile(t.relErrors, 0.9),
    p90Coverage: t.relErrors.length > 0 ? t.covered / t.relErrors.length : NaN,
    memoryTasks: t.memoryTasks,
    memoryUnderPct: t.memoryTasks > 0 ? (100 * t.memoryUnder) / t.memoryTasks : NaN,
    memoryWastePct: t.memoryActual > 0 ? (100 * t.memoryWaste) / t.memoryActual : NaN,
    memoryRetries: t.memoryRetries,
    driftEvents: t.driftEvents,
  };
}

/** Memory accounting of one request against the actual peak. */
function tallyMemory(t: Tally, request: number, actual: number): boolean {
  t.memoryTasks++;
  t.memoryActual += actual;
  if (request < actual) {
    t.memoryUnder++;
    return false;
  }
  t.memoryWaste += request - actual;
  return true;
}

/** Replays one stream through one predictor (predict, then observe), tallying errors. */
export function replayStream(
  items: readonly StreamItem[],
  predictor: Predictor,
  options: { driftAdaptation?: boolean; sizer?: MemorySizerOptions; onDrift?: (e: DriftEvent) => void } = {},
): Tally {
  const t = emptyTally();
  const sizer = new MemorySizer(options.sizer);
  const monitor = options.driftAdaptation ? new DriftMonitor() : undefined;
  for (const it of items) {
    const p = predictor.predict(it.features, it.node);
    const actualMem = it.peakMemoryBytes;
    if (actualMem !== undefined && p.memory.p95 > 0) {
      const request = sizer.request(it.features.type, p.memory.p95);
      if (tallyMemory(t, request, actualMem)) sizer.succeeded(it.features.type);
      else {
        // Retry as the engine would: each kill raises the type's margin and asks for more.
        let retry = request;
        do {
          retry = sizer.outOfMemory(it.features.type, retry, p.memory.p95);
          t.memoryRetries++;
        } while (retry < actualMem);
      }
    }
    if (it.runtimeS > 0) {
      if (p.basis === 'history') {
        t.relErrors.push(Math.abs(p.runtime.mean - it.runtimeS) / it.runtimeS);
        if (it.runtimeS <= p.runtime.p90) t.covered++;
      } else t.coldStarts++;
    }
    predictor.observe(it.features, it.node, {
      runtimeS: it.runtimeS,
      ...(actualMem !== undefined ? { peakMemoryBytes: actualMem } : {}),
    });
    if (monitor && it.runtimeS > 0 && p.basis === 'history') {
      const e = monitor.observe(it.node.id, p.runtime.typical, it.runtimeS);
      if (e) {
        t.driftEvents++;
        predictor.refit(e.nodeType);
        options.onDrift?.(e);
      }
    }
  }
  return t;
}

/** The reference memory rule on the same stream: request = max peak seen so far for the type × 1.2. */
function maxSeenRule(items: readonly StreamItem[]): Tally {
  const t = emptyTally();
  const max = new Map<string, number>();
  for (const it of items) {
    const m = it.peakMemoryBytes;
    if (m === undefined) continue;
    const seen = max.get(it.features.type);
    if (seen !== undefined) tallyMemory(t, seen * 1.2, m);
    max.set(it.features.type, Math.max(seen ?? 0, m));
  }
  return t;
}

/** Chronological online evaluation of `options.models` on every workload. */
export function evaluateOnline(workloads: readonly Workload[], options: EvaluationOptions): OnlineEvaluation {
  const names = [...options.models, MAX_SEEN_RULE];
  const pooled = new Map(names.map((n) => [n, emptyTally()]));
  const instances: InstanceEvaluation[] = [];
  for (const [k, w] of workloads.entries()) {
    const { items, by } = workloadStream(w);
    const withRuntime = items.filter((i) => i.runtimeS > 0).length;
    const models: ModelScore[] = [];
    for (const name of names) {
      const tally =
        name === MAX_SEEN_RULE
          ? maxSeenRule(items)
          : replayStream(items, createPredictor(name), {
              ...(options.driftAdaptation !== undefined ? { driftAdaptation: options.driftAdaptation } : {}),
              ...(options.sizer ? { sizer: options.sizer } : {}),
            });
      const into = pooled.get(name);
      if (into) merge(into, tally);
      models.push(score(name, tally));
    }
    instances.push({
      name: options.labels?.[k] ?? w.name,
      order: by,
      tasks: withRuntime,
      skippedZeroRuntime: items.length - withRuntime,
      models,
    });
  }
  return { instances, pooled: names.map((n) => score(n, pooled.get(n) ?? emptyTally())) };
}

export interface CrossMachinePair {
  instance: string;
  train: string;
  test: string;
  tasks: number;
}

export interface CrossMachineScore {
  model: string;
  /** With the machines' declared speed factors (MHz / 2000). */
  withSpeed: { tasks: number; medianRelErr: number; p90RelErr: number };
  /** Every machine at speed factor 1: what the speed factor adds. */
  withoutSpeed: { tasks: number; medianRelErr: number; p90RelErr: number };
}

export interface CrossMachineEvaluation {
  pairs: CrossMachinePair[];
  models: CrossMachineScore[];
}

/** Train on one machine, predict another, for every ordered pair of machines of every instance. */
export function evaluateCrossMachine(
  workloads: readonly Workload[],
  models: readonly string[],
  minTasksPerMachine = 10,
): CrossMachineEvaluation {
  const pairs: CrossMachinePair[] = [];
  const errs = new Map(models.map((m) => [m, { with: [] as number[], without: [] as number[] }]));
  for (const w of workloads) {
    const { items } = workloadStream(w);
    const live = items.filter((i) => i.runtimeS > 0 && i.node.id !== 'unknown');
    const byNode = new Map<string, StreamItem[]>();
    for (const it of live) {
      let l = byNode.get(it.node.id);
      if (!l) byNode.set(it.node.id, (l = []));
      l.push(it);
    }
    const machines = [...byNode.keys()].filter((k) => (byNode.get(k)?.length ?? 0) >= minTasksPerMachine);
    for (const a of machines)
      for (const b of machines) {
        if (a === b) continue;
        const train = byNode.get(a) ?? [];
        const test = byNode.get(b) ?? [];
        const trained = new Set(train.map((i) => i.features.type));
        const predicted = test.filter((i) => trained.has(i.features.type));
        if (predicted.length === 0) continue;
        pairs.push({ instance: w.name, train: a, test: b, tasks: predicted.length });
        for (const m of models) {
          for (const speed of [true, false]) {
            const p = createPredictor(m);
            const node = (it: StreamItem): StreamItem['node'] =>
              speed ? it.node : { id: it.node.id, speedFactor: 1 };
            for (const it of train) p.observe(it.features, node(it), { runtimeS: it.runtimeS });
            const into = errs.get(m);
            for (const it of predicted) {
              const e = Math.abs(p.predict(it.features, node(it)).runtime.mean - it.runtimeS) / it.runtimeS;
              (speed ? into?.with : into?.without)?.push(e);
            }
          }
        }
      }
  }
  const summary = (e: number[]): CrossMachineScore['withSpeed'] => ({
    tasks: e.length,
    medianRelErr: quantile(e, 0.5),
    p90RelErr: quantile(e, 0.9),
  });
  return {
    pairs,
    models: models.map((m) => ({
      model: m,
      withSpeed: summary(errs.get(m)?.with ?? []),
      withoutSpeed: summary(errs.get(m)?.without ?? []),
    })),
  };
}
