/**
 * The drift scenario: a recorded workload replayed on one node type whose machines change halfway,
 * with the change taken from real benchmark data (the Azure VM Noise Dataset): before the change
 * each task's runtime is its recorded runtime scaled by the performance of a fixed-performance VM
 * (D8s_v5) at that point of its benchmark series; after it, by that of a burstable VM (B8ms) —
 * runtime × (reference score / score now), the reference being the median score before the change.
 * Nobody tells the predictor; the question is whether the DriftMonitor notices, how late, how
 * often it cries wolf, and whether refitting on its events helps.
 *
 * A control run uses the "before" series throughout (no change): every event there is a false alarm.
 */
import type { Workload } from '../model/workload.js';
import { createPredictor } from './create-predictor.js';
import { DriftMonitor } from './drift-monitor.js';
import type { DriftEvent } from './drift-monitor.js';
import type { PageHinkleyOptions } from './page-hinkley.js';
import { median, quantile } from './stats.js';
import { workloadStream } from './workload-stream.js';
import type { StreamItem } from './workload-stream.js';

export interface DriftScenarioOptions {
  /** Benchmark scores (higher = faster), chronological, of the node before and after the change. */
  before: readonly number[];
  after: readonly number[];
  /** Where the change happens, as a share of the tasks (default 0.5). */
  changeAt?: number;
  model?: string;
  detector?: PageHinkleyOptions;
}

export interface DriftRun {
  /** With refit on drift events, or without (the monitor only watches). */
  adaptive: boolean;
  events: DriftEvent[];
  /** Median and p90 relative error of the tasks after the change (all of them, and the first 100). */
  afterMedianRelErr: number;
  afterP90RelErr: number;
  first100MedianRelErr: number;
  beforeMedianRelErr: number;
}

export interface DriftScenarioResult {
  workload: string;
  tasks: number;
  /** Index (in the stream of predicted tasks) of the first task after the change. */
  changeIndex: number;
  /** Mean slowdown the change brought (score before / score after). */
  slowdown: number;
  /** Tasks after the change before the first `slower` event of the adaptive run (undefined: none). */
  detectionDelay: number | undefined;
  /** Events before the change in the adaptive run, and in the whole no-change control run. */
  falseAlarmsBefore: number;
  falseAlarmsControl: number;
  adaptive: DriftRun;
  static: DriftRun;
}

const NODE = { id: 'vm', speedFactor: 1 };

function scaled(
  items: readonly StreamItem[],
  scores: (k: number) => number,
  reference: number,
): StreamItem[] {
  return items.map((it, k) => ({ ...it, node: NODE, runtimeS: (it.runtimeS * reference) / scores(k) }));
}

function run(
  items: readonly StreamItem[],
  model: string,
  adaptive: boolean,
  change: number,
  detector: PageHinkleyOptions | undefined,
): DriftRun {
  const p = createPredictor(model);
  const monitor = new DriftMonitor(detector);
  const events: DriftEvent[] = [];
  const before: number[] = [];
  const after: number[] = [];
  const predictedIndex: number[] = [];
  items.forEach((it, k) => {
    const pred = p.predict(it.features, it.node);
    p.observe(it.features, it.node, { runtimeS: it.runtimeS });
    if (pred.basis !== 'history') return;
    const e = Math.abs(pred.runtime.mean - it.runtimeS) / it.runtimeS;
    (k < change ? before : after).push(e);
    predictedIndex.push(k);
    const ev = monitor.observe(it.node.id, pred.runtime.typical, it.runtimeS, k);
    if (ev) {
      events.push(ev);
      if (adaptive) p.refit(ev.nodeType);
    }
  });
  return {
    adaptive,
    events,
    afterMedianRelErr: median(after),
    afterP90RelErr: quantile(after, 0.9),
    first100MedianRelErr: median(after.slice(0, 100)),
    beforeMedianRelErr: median(before),
  };
}

export function driftScenario(workload: Workload, options: DriftScenarioOptions): DriftScenarioResult {
  const model = options.model ?? 'ensemble';
  const items = workloadStream(workload).items.filter((i) => i.runtimeS > 0);
  const change = Math.floor(items.length * (options.changeAt ?? 0.5));
  const { before, after } = options;
  const reference = median(before);
  const at = (s: readonly number[], k: number): number => s[k % s.length] ?? reference;
  const drifted = scaled(items, (k) => (k < change ? at(before, k) : at(after, k - change)), reference);
  const control = scaled(items, (k) => at(before, k), reference);
  const adaptive = run(drifted, model, true, change, options.detector);
  const fixed = run(drifted, model, false, change, options.detector);
  const controlRun = run(control, model, false, items.length, options.detector);
  const firstSlower = adaptive.events.find((e) => e.direction === 'slower' && (e.atS ?? 0) >= change);
  const afterScores = items.slice(change).map((_, k) => at(after, k));
  return {
    workload: workload.name,
    tasks: items.length,
    changeIndex: change,
    slowdown: reference / median(afterScores.length > 0 ? afterScores : [reference]),
    detectionDelay: firstSlower ? (firstSlower.atS ?? 0) - change : undefined,
    falseAlarmsBefore: adaptive.events.filter((e) => (e.atS ?? 0) < change).length,
    falseAlarmsControl: controlRun.events.length,
    adaptive,
    static: fixed,
  };
}
