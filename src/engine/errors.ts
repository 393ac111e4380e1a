/**
 * Errors the engine raises for requests a person made (cancel, retry, resume ...). Each carries a
 * stable code and the HTTP status the server answers with, so the CLI and the API say the same.
 */

/** Every code an `EngineError` may carry; each is documented in docs/errors.md. */
export const ENGINE_ERROR_CODES = [
  'WORKFLOW_NOT_FOUND',
  'TASK_NOT_FOUND',
  'TASK_NOT_RETRYABLE',
  'WORKFLOW_NOT_RESUMABLE',
  'WORKFLOW_LEASED',
  'WORKFLOW_FINISHED',
  'SPEC_INVALID',
  'SPEC_FILE_UNREADABLE',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

const HTTP_STATUS: Record<EngineErrorCode, number> = {
  WORKFLOW_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  TASK_NOT_RETRYABLE: 409,
  WORKFLOW_NOT_RESUMABLE: 409,
  WORKFLOW_LEASED: 409,
  WORKFLOW_FINISHED: 409,
  SPEC_INVALID: 400,
  SPEC_FILE_UNREADABLE: 400,
};

export class EngineError extends Error {
  readonly httpStatus: number;
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly hint?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EngineError';
    this.httpStatus = HTTP_STATUS[code];
  }
}

/** Turns anything caught into an Error, so that `catch (e)` sites never handle `unknown`. */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}
