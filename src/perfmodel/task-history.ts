/**
 * What the predictors remember: per task type, a bounded window of recent observations (runtime as
 * measured and in reference-core seconds, input bytes, node type) and of peak memory. Bounded so
 * that a long-running control plane keeps a fixed amount of state per type; plain arrays so that
 * it serialises to JSON as is.
 */
import { PerfmodelError } from './perfmodel-error.js';
import { mean, pushCapped, quantile, stdDev } from './stats.js';
import type { NodeType, Outcome, TaskFeatures } from './types.js';

/** One successful runtime observation. */
export interface RuntimeEntry {
  /** Seconds, as measured on `node`. */
  y: number;
  /** Reference-core seconds: y × the node's speed factor. */
  yRef: number;
  /** Input bytes. */
  x: number;
  node: string;
}

export interface TaskHistoryState {
  cap: number;
  runtimes: Record<string, Array<[number, number, number, string]>>;
  memory: Record<string, number[]>;
}

export const DEFAULT_WINDOW = 1024;

export class TaskHistory {
  readonly cap: number;
  private readonly runtimes = new Map<string, RuntimeEntry[]>();
  private readonly memory = new Map<string, number[]>();
  /** Every type's runtime entries in one window, for priors on types never seen. */
  private readonly all: number[] = [];

  constructor(cap = DEFAULT_WINDOW) {
    this.cap = cap;
  }

  runtimesOf(type: string): readonly RuntimeEntry[] {
    return this.runtimes.get(type) ?? [];
  }

  memoryOf(type: string): readonly number[] {
    return this.memory.get(type) ?? [];
  }

  types(): string[] {
    return [...this.runtimes.keys()];
  }

  /** Reference-core seconds of recent tasks of any type. */
  anyType(): readonly number[] {
    return this.all;
  }

  /**
   * Records an outcome; returns the entry it dropped from the type's window (if the window was
   * full) so that models holding sufficient statistics can remove it too.
   */
  add(
    task: TaskFeatures,
    node: NodeType,
    outcome: Outcome,
  ): { added?: RuntimeEntry; dropped?: RuntimeEntry } {
    checkNode(node);
    checkOutcome(outcome);
    const out: { added?: RuntimeEntry; dropped?: RuntimeEntry } = {};
    if (outcome.peakMemoryBytes !== undefined && outcome.peakMemoryBytes > 0) {
      let m = this.memory.get(task.type);
      if (!m) this.memory.set(task.type, (m = []));
      pushCapped(m, outcome.peakMemoryBytes, this.cap);
    }
    // A killed attempt's runtime says nothing about a complete run; a zero runtime has no ratio.
    if (outcome.outOfMemory === true || !(outcome.runtimeS > 0)) return out;
    const entry: RuntimeEntry = {
      y: outcome.runtimeS,
      yRef: outcome.runtimeS * node.speedFactor,
      x: Math.max(0, task.inputBytes),
      node: node.id,
    };
    let w = this.runtimes.get(task.type);
    if (!w) this.runtimes.set(task.type, (w = []));
    w.push(entry);
    if (w.length > this.cap) out.dropped = w.shift();
    pushCapped(this.all, entry.yRef, this.cap);
    out.added = entry;
    return out;
  }

  /**
   * After a drift on `nodeId`: keeps, per type, only the latest `keep` observations made on that
   * node (the rest describe the node as it was). Returns the types whose window changed.
   */
  forgetNode(nodeId: string, keep: number): string[] {
    const changed: string[] = [];
    for (const [type, w] of this.runtimes) {
      const onNode = w.filter((e) => e.node === nodeId).length;
      if (onNode <= keep) continue;
      let toDrop = onNode - keep;
      const next = w.filter((e) => (e.node === nodeId && toDrop-- > 0 ? false : true));
      this.runtimes.set(type, next);
      changed.push(type);
    }
    return changed;
  }

  /** Per-type memory: mean and a p95 that is safe on few samples (the larger of the empirical p95 and mean + 1.645 sd). */
  memoryEstimate(task: TaskFeatures): { mean: number; p95: number } {
    const m = this.memory.get(task.type);
    if (!m || m.length === 0) return { mean: task.memoryBytes, p95: task.memoryBytes };
    const mu = mean(m);
    return { mean: mu, p95: Math.max(quantile(m, 0.95), mu + 1.645 * stdDev(m)) };
  }

  state(): TaskHistoryState {
    const runtimes: TaskHistoryState['runtimes'] = {};
    for (const [t, w] of this.runtimes) runtimes[t] = w.map((e) => [e.y, e.yRef, e.x, e.node]);
    const memory: TaskHistoryState['memory'] = {};
    for (const [t, m] of this.memory) memory[t] = [...m];
    return { cap: this.cap, runtimes, memory };
  }

  static restore(state: unknown, where: string): TaskHistory {
    const bad = (what: string): PerfmodelError =>
      new PerfmodelError(
        'PERFMODEL_BAD_STATE',
        `the saved predictor state is damaged: ${what}`,
        'save the state again with saveState() (or start from an empty predictor)',
        where,
      );
    if (typeof state !== 'object' || state === null) throw bad('"history" is not an object');
    const s = state as Partial<TaskHistoryState>;
    if (typeof s.cap !== 'number' || !(s.cap >= 1)) throw bad('"history.cap" is not a positive number');
    const h = new TaskHistory(s.cap);
    if (typeof s.runtimes !== 'object' || s.runtimes === null)
      throw bad('"history.runtimes" is not an object');
    for (const [type, rows] of Object.entries(s.runtimes)) {
      if (!Array.isArray(rows)) throw bad(`"history.runtimes.${type}" is not a list`);
      const w: RuntimeEntry[] = rows.map((r, i) => {
        const ok =
          Array.isArray(r) &&
          r.length === 4 &&
          typeof r[0] === 'number' &&
          typeof r[1] === 'number' &&
          typeof r[2] === 'number' &&
          typeof r[3] === 'string';
        if (!ok)
          throw bad(`"history.runtimes.${type}[${i}]" is not [runtimeS, referenceS, inputBytes, nodeType]`);
        return { y: r[0], yRef: r[1], x: r[2], node: r[3] };
      });
      h.runtimes.set(type, w);
      for (const e of w) pushCapped(h.all, e.yRef, h.cap);
    }
    if (typeof s.memory !== 'object' || s.memory === null) throw bad('"history.memory" is not an object');
    for (const [type, m] of Object.entries(s.memory)) {
      if (!Array.isArray(m) || m.some((v) => typeof v !== 'number'))
        throw bad(`"history.memory.${type}" is not a list of numbers`);
      h.memory.set(type, [...m]);
    }
    return h;
  }
}

export function checkNode(node: NodeType): void {
  if (!(typeof node.speedFactor === 'number' && Number.isFinite(node.speedFactor) && node.speedFactor > 0))
    throw new PerfmodelError(
      'PERFMODEL_BAD_NODE_TYPE',
      `node type "${node.id}" has speed factor ${String(node.speedFactor)}; it must be a positive number`,
      'declare it (core MHz / reference MHz) or measure it with speedFactorFromBenchmark()',
      `node type ${node.id}`,
    );
}

function checkOutcome(o: Outcome): void {
  if (!(typeof o.runtimeS === 'number' && Number.isFinite(o.runtimeS) && o.runtimeS >= 0))
    throw new PerfmodelError(
      'PERFMODEL_BAD_OBSERVATION',
      `runtime ${String(o.runtimeS)} is not a duration`,
      'pass the attempt runtime in seconds, a finite number ≥ 0',
      'outcome.runtimeS',
    );
  const m = o.peakMemoryBytes;
  if (m !== undefined && !(typeof m === 'number' && Number.isFinite(m) && m >= 0))
    throw new PerfmodelError(
      'PERFMODEL_BAD_OBSERVATION',
      `peak memory ${String(m)} is not a number of bytes`,
      'pass peakMemoryBytes as a finite number ≥ 0, or leave it out when not measured',
      'outcome.peakMemoryBytes',
    );
}
