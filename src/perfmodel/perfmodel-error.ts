/**
 * The performance model's errors: a stable code (documented in docs/errors.md), what was wrong,
 * where (file, field or argument) and how to fix it.
 */
import { StrataError } from '../model/index.js';
import type { ErrorLocation } from '../model/index.js';

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

export class PerfmodelError extends StrataError<PerfmodelErrorCode> {
  /** How to fix it: every performance model error has one. */
  declare readonly hint: string;

  constructor(
    code: PerfmodelErrorCode,
    message: string,
    hint: string,
    /** Where: `file:line`, a file, a field path or an argument; the message starts with it. */
    where?: string,
  ) {
    super(code, where === undefined ? message : `${where}: ${message}`, {
      hint,
      location: where === undefined ? undefined : locationOf(where),
    });
    this.name = 'PerfmodelError';
  }
}

/** `noise.csv:12` is a file and a line; anything else names the field, argument or thing at fault. */
function locationOf(where: string): ErrorLocation {
  const m = /^(.+):(\d+)$/.exec(where);
  return m ? { file: m[1], line: Number(m[2]) } : { field: where };
}
