/**
 * Restoring fitted detectors from their JSON artefacts, and the edge bundle: a detector plus the
 * calibration scores its threshold starts from — everything an edge node needs, nothing more.
 */
import { AnomalyError } from './anomaly-error.js';
import type { DetectorArtefact, FittedDetector } from './detector.js';
import { DETECTOR_ARTEFACT_FORMAT, isModelName } from './detector.js';
import { decodeFloat32, encodeFloat32 } from './float-codec.js';
import { FittedPca } from './pca-detector.js';
import { FittedRandom } from './random-detector.js';
import { FittedRobustZ } from './robust-z-detector.js';
import { FittedVae } from './vae-detector.js';

export const EDGE_BUNDLE_FORMAT = 'strata-anomaly-edge/1';

export interface EdgeBundle {
  format: typeof EDGE_BUNDLE_FORMAT;
  detector: DetectorArtefact;
  /** Calibration scores (base64 float32), the threshold's starting history. */
  calibration: string;
}

function bad(where: string, what: string): AnomalyError {
  return new AnomalyError(
    'ANOMALY_BAD_ARTEFACT',
    `${where}: ${what}`,
    'write the artefact again with `strata anomaly eval … --save-model FILE` (same Strata version)',
  );
}

/** A fitted detector from its artefact (e.g. parsed JSON); `where` names it in errors. */
export function restoreDetector(a: unknown, where = 'artefact'): FittedDetector {
  const art = a as Partial<DetectorArtefact> | null;
  if (!art || typeof art !== 'object' || art.format !== DETECTOR_ARTEFACT_FORMAT) {
    throw bad(where, `not a ${DETECTOR_ARTEFACT_FORMAT} artefact`);
  }
  if (typeof art.model !== 'string' || !isModelName(art.model))
    throw bad(where, `unknown model ${JSON.stringify(art.model)}`);
  if (
    !Number.isInteger(art.cols) ||
    !Number.isInteger(art.window) ||
    typeof art.weights !== 'object' ||
    typeof art.params !== 'object'
  ) {
    throw bad(where, 'cols, window, params or weights missing');
  }
  const full = art as DetectorArtefact;
  const restored =
    full.model === 'vae'
      ? FittedVae.fromArtefact(full)
      : full.model === 'pca'
        ? FittedPca.fromArtefact(full)
        : full.model === 'robust-z'
          ? FittedRobustZ.fromArtefact(full)
          : new FittedRandom(full.cols, full.params.seed ?? 1);
  if (!restored) throw bad(where, `the ${full.model} weights do not match its shapes`);
  return restored;
}

export function edgeBundle(d: FittedDetector, calibration: Float32Array): EdgeBundle {
  return { format: EDGE_BUNDLE_FORMAT, detector: d.artefact(), calibration: encodeFloat32(calibration) };
}

export function restoreEdgeBundle(
  b: unknown,
  where = 'bundle',
): { detector: FittedDetector; calibration: Float32Array } {
  const bundle = b as Partial<EdgeBundle> | null;
  if (!bundle || bundle.format !== EDGE_BUNDLE_FORMAT) throw bad(where, `not a ${EDGE_BUNDLE_FORMAT} bundle`);
  const calibration = decodeFloat32(bundle.calibration ?? '');
  if (!calibration) throw bad(where, 'calibration scores are not base64 float32');
  return { detector: restoreDetector(bundle.detector, where), calibration };
}
