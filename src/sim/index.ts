/**
 * The digital twin: a deterministic discrete-event simulator of workloads on a compute continuum.
 * Pure: no I/O, no clock, randomness only from the seed. See docs/simulator.md.
 *
 * @example
 * import { simulate, formatReport } from '../sim/index.js';
 * const report = simulate(workload, platform, { nodeOf }, { seed: 1 });
 * console.log(formatReport(report));
 */
export { simulate, simulateOnline, SIM_DEFAULT_RETRY } from './simulate.js';
export type { Assignment, SimOptions, SimFailureOptions, SimOverheads } from './sim-options.js';
export { formatReport } from './report.js';
export type { SimReport, SimTrace, SimFailureCounts } from './report.js';
export { SimError, SIM_ERROR_CODES } from './sim-error.js';
export type { SimErrorCode } from './sim-error.js';
export { Random } from '../model/index.js';
export { syntheticWorkload } from './synthetic-workload.js';
export type { SyntheticWorkload, SyntheticWorkloadOptions } from './synthetic-workload.js';
export { continuumPlatform } from './synthetic-platform.js';
export { ganttLanes, ganttSvg, type GanttOptions } from './gantt-svg.js';
export { recordedReplay } from './recorded-platform.js';
export { overheadsFor, runtimeSystemModelFor, RUNTIME_SYSTEM_MODELS } from './overhead-model.js';
