/**
 * Prometheus metrics of a Strata process, in a registry of its own (never prom-client's global one,
 * so that two engines in one test process do not collide).
 *
 * Two kinds of figures, fed two ways:
 * - levels (tasks and workflows by state, CPUs in use, attempts in flight) are read at scrape time,
 *   from the store (one grouped count each) and from the engine's `slots()` — never kept as
 *   duplicate state that could drift from the store;
 * - flows (transitions, queue wait and run time of attempts) come from the engine's observer hooks.
 *   `committed` gets every committed turn, thousands of changes at a time, so it folds a turn into
 *   one increment per distinct (from, to) pair.
 *
 * Created before the engine, because the engine takes the observer in its constructor: the engine
 * itself is only reached through the `slots` callback, at scrape time.
 *
 * @example
 * const metrics = createMetrics({ store, slots: () => engine.slots(), executor: executor.name });
 * const engine = new Engine({ store, executor, stateDir, observer: metrics.observer });
 * const app = await createServer({ api: new ControlPlane(engine, store), engine, store, metrics: metrics.registry });
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineObserver } from '../engine/engine.js';
import { TASK_STATES, WORKFLOW_STATES } from '../model/index.js';
import type { WorkflowState } from '../model/index.js';
import type { Store } from '../store/store.js';

export interface SlotUsage {
  usedCpus: number;
  totalCpus: number;
  inFlight: number;
}

export interface MetricsOptions {
  store: Store;
  /** Read at scrape time (typically `() => engine.slots()`); may throw until the engine exists. */
  slots: () => SlotUsage;
  /** The executor's name, the `executor` label of the slot gauges (`local`, `slurm` ...). */
  executor: string;
  /** Also collect Node's process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export interface StrataMetrics {
  /** Serve with `registry.metrics()` and `registry.contentType`. */
  registry: Registry;
  /** Pass to `new Engine({ observer })`. */
  observer: EngineObserver;
}

/**
 * A store may offer a grouped count of workflows. The `Store` contract has none yet, and
 * `listWorkflows` loads every spec, so the fallback is used only where that is all there is.
 */
type MaybeCountingStore = Store & {
  countWorkflowsByState?: () => Promise<Partial<Record<WorkflowState, number>>>;
};

/** Seconds between queueing and start: from instant dispatch to hours in a busy queue. */
const QUEUE_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];
/** Seconds of running: from a trivial command to a day-long simulation. */
const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600];

export function createMetrics(options: MetricsOptions): StrataMetrics {
  const { store, slots, executor } = options;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'strata_tasks',
    help: 'Tasks by state, across all workflows in the store.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await store.countTasksByState();
      for (const state of TASK_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });

  new Gauge({
    name: 'strata_workflows',
    help: 'Workflows by state, in the store.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await countWorkflows(store);
      for (const state of WORKFLOW_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });

  const transitions = new Counter({
    name: 'strata_task_transitions_total',
    help: 'Task state transitions committed by this engine.',
    labelNames: ['from', 'to'] as const,
    registers: [registry],
  });

  const queueWait = new Histogram({
    name: 'strata_attempt_queue_wait_seconds',
    help: 'Time from dispatch (queued) to start of attempts that started.',
    buckets: QUEUE_WAIT_BUCKETS,
    registers: [registry],
  });

  const runTime = new Histogram({
    name: 'strata_attempt_run_seconds',
    help: 'Time from start to end of attempts, by final status.',
    labelNames: ['status'] as const,
    buckets: RUN_BUCKETS,
    registers: [registry],
  });

  // `slots()` is a walk over the executor's nodes: cheap enough to ask once per gauge.
  const readSlots = (): SlotUsage | null => {
    try {
      return slots();
    } catch {
      return null; // the engine is not built yet, or closed: leave the gauges as they were
    }
  };

  /** A gauge of one figure of the executor's slots, labelled with the executor, read at each scrape. */
  const slotGauge = (name: string, help: string, figure: (s: SlotUsage) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['executor'] as const,
      registers: [registry],
      collect() {
        const s = readSlots();
        if (s) this.set({ executor }, figure(s));
      },
    });
  };
  slotGauge('strata_executor_slots_used', 'CPUs held by attempts in flight, by executor.', (s) => s.usedCpus);
  slotGauge('strata_executor_slots', 'CPUs the executor offers, by executor.', (s) => s.totalCpus);

  new Gauge({
    name: 'strata_attempts_in_flight',
    help: 'Attempts queued or running on executors, in this engine.',
    registers: [registry],
    collect() {
      const s = readSlots();
      if (s) this.set(s.inFlight);
    },
  });

  const observer: EngineObserver = {
    committed({ tasks }) {
      if (tasks.length === 0) return;
      const pairs = new Map<string, number>();
      for (const change of tasks) {
        const key = `${change.from}\u0000${change.to}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
      for (const [key, n] of pairs) {
        const [from = '', to = ''] = key.split('\u0000');
        transitions.inc({ from, to }, n);
      }
    },
    attemptEnded(info) {
      if (info.queueWaitMs !== null) queueWait.observe(info.queueWaitMs / 1000);
      if (info.runMs !== null) runTime.observe({ status: info.status }, info.runMs / 1000);
    },
  };

  return { registry, observer };
}

async function countWorkflows(store: MaybeCountingStore): Promise<Partial<Record<WorkflowState, number>>> {
  if (typeof store.countWorkflowsByState === 'function') return store.countWorkflowsByState();
  const counts: Partial<Record<WorkflowState, number>> = {};
  for (const wf of await store.listWorkflows()) counts[wf.state] = (counts[wf.state] ?? 0) + 1;
  return counts;
}
