/**
 * Energy and carbon models of nodes and sites. Pure: see docs/architecture.md.
 *
 * @example
 * import { meanIntensity } from '../energy/index.js';
 */
export * from './carbon-intensity.js';
