/** Predictors by name, and back from their saved JSON state. */
import { BASELINE_NAMES, BaselinePredictor } from './baseline-predictors.js';
import type { BaselineName } from './baseline-predictors.js';
import { EnsemblePredictor } from './ensemble-predictor.js';
import { LotaruPredictor } from './lotaru-predictor.js';
import { PerfmodelError } from './perfmodel-error.js';
import { TaskHistory } from './task-history.js';
import type { Predictor, PredictorState } from './types.js';

export const MODEL_NAMES = [...BASELINE_NAMES, 'lotaru', 'ensemble'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

function unknownModel(name: string, where: string): PerfmodelError {
  return new PerfmodelError(
    'PERFMODEL_UNKNOWN_MODEL',
    `there is no performance model called ${JSON.stringify(name)}`,
    `models: ${MODEL_NAMES.join(', ')}`,
    where,
  );
}

/**
 * A fresh predictor.
 *
 * @example
 * const p = createPredictor('ensemble');
 */
export function createPredictor(name: string, history?: TaskHistory): Predictor {
  if (!isModelName(name)) throw unknownModel(name, 'model');
  if ((BASELINE_NAMES as readonly string[]).includes(name))
    return new BaselinePredictor(name as BaselineName, history);
  if (name === 'lotaru') return new LotaruPredictor(history);
  return new EnsemblePredictor(history);
}

/**
 * A predictor from `saveState()` output (e.g. read back from a JSON file or a store column).
 *
 * @example
 * const copy = restorePredictor(JSON.parse(JSON.stringify(p.saveState())));
 */
export function restorePredictor(state: unknown): Predictor {
  const bad = (what: string): PerfmodelError =>
    new PerfmodelError(
      'PERFMODEL_BAD_STATE',
      `this is not a saved predictor state: ${what}`,
      'pass what Predictor.saveState() returned ({ format: "strata-perfmodel", version: 1, model, data })',
      'state',
    );
  if (typeof state !== 'object' || state === null) throw bad('not an object');
  const s = state as Partial<PredictorState>;
  if (s.format !== 'strata-perfmodel') throw bad(`"format" is ${JSON.stringify(s.format)}`);
  if (s.version !== 1)
    throw bad(`"version" ${JSON.stringify(s.version)} is not 1 (written by a newer Strata?)`);
  if (typeof s.model !== 'string' || !isModelName(s.model))
    throw unknownModel(String(s.model), 'state.model');
  const data = s.data as { history?: unknown; model?: unknown } | undefined;
  if (typeof data !== 'object' || data === null) throw bad('"data" is missing');
  const history = TaskHistory.restore(data.history, 'state.data.history');
  if (s.model === 'ensemble') return new EnsemblePredictor(history, data.model);
  return createPredictor(s.model, history);
}
