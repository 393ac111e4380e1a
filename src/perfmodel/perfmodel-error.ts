/**
 * The performance model's errors: a stable code (documented in docs/errors.md), what was wrong,
 * where (file, field or argument) and how to fix it.
 */

export const PERFMODEL_ERROR_CODES = [
  'PERFMODEL_UNKNOWN_MODEL',
  'PERFMODEL_BAD_STATE',
  'PERFMODEL_BAD_OBSERVATION',
  'PERFMODEL_BAD_NODE_TYPE',
  'PERFMODEL_NO_TRACES',
  'PERFMODEL_NO_RUNTIMES',
  'PERFMODEL_BAD_NOISE_CSV',
  'PERFMODEL_NO_CPUFREQ',
  'PERFMODEL_NO_RAPL',
  'PERFMODEL_NOT_PERMITTED',
  'PERFMODEL_BAD_POWER',
] as const;

export type PerfmodelErrorCode = (typeof PERFMODEL_ERROR_CODES)[number];

export class PerfmodelError extends Error {
  constructor(
    readonly code: PerfmodelErrorCode,
    message: string,
    /** How to fix it. */
    readonly hint: string,
    /** Where: a file, a field path or an argument. */
    readonly where?: string,
  ) {
    super(where === undefined ? message : `${where}: ${message}`);
    this.name = 'PerfmodelError';
  }
}
