/**
 * Power, energy and carbon models of nodes, transfers and sites. Pure: see docs/architecture.md.
 *
 * @example
 * import { meanIntensity } from '../energy/index.js';
 */
export * from './carbon-intensity.js';
export * from './carbon-intensity-integral.js';
export * from './node-power.js';
