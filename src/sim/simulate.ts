/**
 * The discrete-event digital twin: runs a workload on a platform under a fixed assignment of tasks
 * to nodes (`simulate`), or driving the engine's online `Scheduler` (`simulateOnline`: the same event
 * loop, placements asked for as tasks become ready), and reports makespan, energy, carbon, bytes
 * moved and failures. Deterministic: the same inputs and seed give the same report. Semantics are
 * described in docs/simulator.md.
 *
 * Why it looks the way it does: a million tasks on ten thousand nodes must run in seconds, so all
 * per-task and per-node state sits in typed arrays, children in CSR arrays, events in a typed-array
 * heap, and the event loop allocates nothing per event. It must never read the clock or draw
 * randomness except from the seeded `Random` streams. The run itself is split by responsibility over
 * one state object (sim-state.ts): compile (sim-compile.ts), the event loop (event-loop.ts), the task
 * lifecycle (task-lifecycle.ts), input transfers (input-transfers.ts), energy and carbon
 * (energy-accounting.ts), failures (failure-injection.ts), online placement (online-placement.ts) and
 * the report (sim-report.ts).
 *
 * @example
 * const report = simulate(workload, platform, { nodeOf: new Int32Array(n) }, { seed: 1 });
 * report.makespanS;
 * simulateOnline(workload, platform, new FirstFitPolicy(), { seed: 1 }).makespanS;
 */
import type { Platform, Workload } from '../model/index.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { runEventLoop } from './event-loop.js';
import type { SimReport } from './report.js';
import { compile } from './sim-compile.js';
import { buildReport } from './sim-report.js';
import type { Assignment, SimOptions } from './sim-options.js';

export { SIM_DEFAULT_RETRY } from './sim-compile.js';
export type { Assignment, SimFailureOptions, SimOptions, SimOverheads } from './sim-options.js';

/** Plays a static plan: every task on `assignment.nodeOf[t]`, queued there in priority order. */
export function simulate(
  workload: Workload,
  platform: Platform,
  assignment: Assignment,
  options: SimOptions,
): SimReport {
  return run(workload, platform, assignment, null, options);
}

/**
 * Online mode: no plan; tasks whose dependencies are done are offered, batched per instant, to
 * `scheduler.place` (the engine's contract) with views of the nodes that have free cores, and
 * re-offered when capacity frees up. A placement holds the node's resources from the moment it is
 * made (inputs then stage to the node's site) until the attempt ends. See docs/simulator.md.
 */
export function simulateOnline(
  workload: Workload,
  platform: Platform,
  scheduler: Scheduler,
  options: SimOptions,
): SimReport {
  return run(workload, platform, null, scheduler, options);
}

/**
 * Both modes: compile the inputs into one state (sim-compile.ts), play it (event-loop.ts), report
 * (sim-report.ts). Exactly one of `assignment` (static) and `scheduler` (online) is given.
 */
function run(
  workload: Workload,
  platform: Platform,
  assignment: Assignment | null,
  scheduler: Scheduler | null,
  options: SimOptions,
): SimReport {
  const state = compile(workload, platform, assignment, scheduler, options);
  runEventLoop(state);
  return buildReport(state);
}
