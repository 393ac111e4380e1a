/**
 * Placement of ready tasks on nodes. Pure: see scheduler.ts.
 *
 * @example
 * import { FirstFitPolicy } from '../scheduler/index.js';
 */
export * from './scheduler.js';
export * from './online/first-fit-policy.js';
export * from './planners/list-scheduling.js';
export * from './planners/upward-rank.js';
export * from './planners/platform-costs.js';
export * from './planners/node-index.js';
export * from './planners/heft-policy.js';
export * from './planners/min-min-policy.js';
export * from './planners/energy-heft-policy.js';
export * from './policy-registry.js';
export * from './planners/carbon-aware-policy.js';
export * from './planners/locality-policy.js';
export * from './planners/multi-objective-policy.js';
export * from './online/indexed-first-fit-policy.js';
export * from './online/free-overlay.js';
export * from './online/plan-guided-policy.js';
export * from './planners/transfer-energy.js';
