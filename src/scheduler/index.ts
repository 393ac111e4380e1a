/**
 * Placement of ready tasks on nodes. Pure: see scheduler.ts.
 *
 * @example
 * import { FirstFitPolicy } from '../scheduler/index.js';
 */
export * from './scheduler.js';
export * from './first-fit-policy.js';
export * from './list-scheduling.js';
export * from './upward-rank.js';
export * from './platform-costs.js';
export * from './node-index.js';
export * from './heft-policy.js';
export * from './min-min-policy.js';
export * from './energy-heft-policy.js';
export * from './policy-registry.js';
export * from './carbon-aware-policy.js';
export * from './locality-policy.js';
export * from './multi-objective-policy.js';
export * from './indexed-first-fit-policy.js';
export * from './free-overlay.js';
export * from './plan-guided-policy.js';
export * from './transfer-energy.js';
