/**
 * Errors the engine raises for requests a person made (cancel, retry, resume ...). Each carries a
 * stable code and the HTTP status the server answers with, so the CLI and the API say the same.
 */
import { StrataError } from '../model/index.js';
import type { ErrorKind } from '../model/index.js';

/** Every code an `EngineError` may carry; each is documented in docs/errors.md. */
export const ENGINE_ERROR_CODES = [
  'WORKFLOW_NOT_FOUND',
  'TASK_NOT_FOUND',
  'TASK_NOT_RETRYABLE',
  'WORKFLOW_NOT_RESUMABLE',
  'WORKFLOW_LEASED',
  'WORKFLOW_FINISHED',
  'ENGINE_FAILED',
  'SPEC_INVALID',
  'SPEC_FILE_UNREADABLE',
  'SUBMIT_TOO_LARGE',
  'SUBMIT_TOO_MANY_TASKS',
  'SUBMIT_TOO_MANY_GLOB_MATCHES',
  'SUBMIT_STORED_TOO_LARGE',
  'SUBMIT_TIMEOUT',
  'SUBMIT_DIR_NOT_ALLOWED',
  'SUBMIT_BUSY',
  'BAD_CURSOR',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

const ENGINE_CODES: ReadonlySet<string> = new Set(ENGINE_ERROR_CODES);

/** Whether `code` is one of the engine's (the HTTP client re-throws those as `EngineError`). */
export function isEngineErrorCode(code: string): code is EngineErrorCode {
  return ENGINE_CODES.has(code);
}

/** The HTTP status each code is answered with, and its kind: a spec that cannot run is the asker's to fix. */
const ANSWER: Record<EngineErrorCode, { httpStatus: number; kind: ErrorKind }> = {
  WORKFLOW_NOT_FOUND: { httpStatus: 404, kind: 'failure' },
  TASK_NOT_FOUND: { httpStatus: 404, kind: 'failure' },
  TASK_NOT_RETRYABLE: { httpStatus: 409, kind: 'failure' },
  WORKFLOW_NOT_RESUMABLE: { httpStatus: 409, kind: 'failure' },
  WORKFLOW_LEASED: { httpStatus: 409, kind: 'failure' },
  WORKFLOW_FINISHED: { httpStatus: 409, kind: 'failure' },
  ENGINE_FAILED: { httpStatus: 503, kind: 'failure' },
  SPEC_INVALID: { httpStatus: 400, kind: 'usage' },
  SPEC_FILE_UNREADABLE: { httpStatus: 400, kind: 'usage' },
  // The submit budgets (submit-budgets.ts): each names the budget and how to stay within it.
  SUBMIT_TOO_LARGE: { httpStatus: 413, kind: 'usage' },
  SUBMIT_TOO_MANY_TASKS: { httpStatus: 413, kind: 'usage' },
  SUBMIT_TOO_MANY_GLOB_MATCHES: { httpStatus: 413, kind: 'usage' },
  SUBMIT_STORED_TOO_LARGE: { httpStatus: 413, kind: 'usage' },
  SUBMIT_TIMEOUT: { httpStatus: 413, kind: 'usage' },
  SUBMIT_DIR_NOT_ALLOWED: { httpStatus: 403, kind: 'usage' },
  SUBMIT_BUSY: { httpStatus: 503, kind: 'failure' },
  BAD_CURSOR: { httpStatus: 400, kind: 'usage' },
};

export class EngineError extends StrataError<EngineErrorCode> {
  readonly httpStatus: number;
  constructor(
    code: EngineErrorCode,
    message: string,
    hint?: string,
    readonly details?: unknown,
  ) {
    super(code, message, { hint, kind: ANSWER[code].kind });
    this.name = 'EngineError';
    this.httpStatus = ANSWER[code].httpStatus;
  }
}
