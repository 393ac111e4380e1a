import { PcaDetector } from './pca-detector.js';
import { RandomDetector } from './random-detector.js';
import { RobustZDetector } from './robust-z-detector.js';
import { detectorConformance } from './testing/conformance.js';

detectorConformance(() => new RobustZDetector(), { informative: true });
detectorConformance(() => new PcaDetector(), { informative: true });
detectorConformance(() => new RandomDetector(3), { informative: false });
