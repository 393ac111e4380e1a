/**
 * Fitting detectors by name: the pure baselines of src/anomaly and the VAE trained here with tfjs.
 *
 * @example
 * import { createDetector } from '../anomaly-train/index.js';
 * const fitted = await createDetector('vae', { seed: 1 }).fit(train);
 */
import type { Detector, ModelName } from '../anomaly/index.js';
import { PcaDetector, RandomDetector, RobustZDetector } from '../anomaly/index.js';
import { VaeDetector } from './vae-trainer.js';
import type { VaeTrainOptions } from './vae-trainer.js';

export { VaeDetector, VAE_DEFAULTS, useWasmBackend } from './vae-trainer.js';
export type { VaeTrainOptions } from './vae-trainer.js';

export function createDetector(
  model: ModelName,
  options: { seed?: number; vae?: VaeTrainOptions } = {},
): Detector {
  const seed = options.seed ?? 1;
  switch (model) {
    case 'vae':
      return new VaeDetector({ seed, ...options.vae });
    case 'pca':
      return new PcaDetector();
    case 'robust-z':
      return new RobustZDetector();
    case 'random':
      return new RandomDetector(seed);
  }
}
