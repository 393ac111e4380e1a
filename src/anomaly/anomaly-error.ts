/**
 * Errors of the anomaly layer: bad metric files, labels, interpretations, NAB folders and model
 * artefacts. Each carries a stable code documented in docs/errors.md, a message that says what and
 * where (file:line, column), and a hint that says how to fix it.
 */
import { StrataError } from '../model/index.js';

/** Every code an `AnomalyError` may carry. */
export const ANOMALY_ERROR_CODES = [
  'ANOMALY_FILE_UNREADABLE',
  'ANOMALY_EMPTY',
  'ANOMALY_RAGGED_ROW',
  'ANOMALY_BAD_VALUE',
  'ANOMALY_COLUMN_MISMATCH',
  'ANOMALY_TOO_SHORT',
  'ANOMALY_BAD_LABEL',
  'ANOMALY_LABEL_LENGTH',
  'ANOMALY_BAD_INTERPRETATION',
  'ANOMALY_BAD_NAB',
  'ANOMALY_UNKNOWN_MODEL',
  'ANOMALY_BAD_ARTEFACT',
] as const;
export type AnomalyErrorCode = (typeof ANOMALY_ERROR_CODES)[number];

/** Always about the input given (a file, a label, a model name): a `usage` error, as spec errors are. */
export class AnomalyError extends StrataError<AnomalyErrorCode> {
  constructor(code: AnomalyErrorCode, message: string, hint?: string) {
    super(code, message, { hint, kind: 'usage' });
    this.name = 'AnomalyError';
  }
}
