/**
 * Placement of ready tasks on nodes. Pure: see scheduler.ts.
 *
 * @example
 * import { FirstFitPolicy } from '../scheduler/index.js';
 */
export * from './scheduler.js';
export * from './first-fit-policy.js';
