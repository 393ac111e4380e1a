/**
 * The one place that turns anything thrown while answering a request into the API's error body:
 *
 *   { "error": { "code": "WORKFLOW_NOT_FOUND", "message": "...", "hint": "...", "details": ... } }
 *
 * - `EngineError` (and `ApiError`) keep their code, HTTP status, hint and details: the CLI prints the
 *   same thing in embedded and remote mode.
 * - Fastify's request validation errors become 400 BAD_REQUEST naming the field and what was wrong.
 * - Other 4xx errors Fastify raises itself (bad JSON, body too large ...) keep their status.
 * - Anything else is a bug: 500 INTERNAL with the request's id (body `error.requestId` and the
 *   `x-request-id` header), logged with its stack under that id; the body carries nothing of the error
 *   itself (no message, stack, SQL or path).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineError } from '../engine/errors.js';
import { specTooLarge } from '../engine/submit-budgets.js';
import { redactSecrets, StrataError } from '../model/index.js';
import type { EngineErrorCode } from '../engine/errors.js';

/** Codes the server itself answers with, besides every `EngineErrorCode`. Each is documented in docs/api.md. */
export const SERVER_ERROR_CODES = [
  'BAD_REQUEST',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_REQUESTS',
  'HOST_NOT_ALLOWED',
  'ORIGIN_NOT_ALLOWED',
  'TOKEN_NOT_FOUND',
  'INTERNAL',
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: string; message: string; hint?: string; details?: unknown; requestId?: string };
}

/**
 * An error the HTTP layer raises (a check a JSON Schema cannot express, or an auth hook refusing a
 * request). Engine rules stay in `EngineError`.
 *
 * @example
 * throw new ApiError(400, 'BAD_REQUEST', 'body.baseDir must be an absolute path', 'send path.resolve(dir)');
 */
export class ApiError extends StrataError<ServerErrorCode> {
  constructor(
    readonly httpStatus: number,
    code: ServerErrorCode,
    message: string,
    hint?: string,
    readonly details?: unknown,
  ) {
    super(code, message, { hint });
    this.name = 'ApiError';
  }
}

const STATUS_CODES: Readonly<Record<number, ServerErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export function errorBody(
  code: EngineErrorCode | ServerErrorCode,
  message: string,
  hint?: string,
  details?: unknown,
): ErrorBody {
  return {
    error: {
      code,
      // Credentials never leave in an answer (model/redact.ts).
      message: redactSecrets(message),
      ...(hint !== undefined ? { hint: redactSecrets(hint) } : {}),
      ...(details !== undefined ? { details } : {}),
    },
  };
}

/** Where a 500's error goes: the request logger when logging is on, stderr when it is off. */
export type InternalErrorReporter = (error: unknown, request: FastifyRequest) => void;

/** Writes a failure of the server to stderr, stack included (the answer never carries it). */
export const reportToStderr: InternalErrorReporter = (error, request) => {
  const detail = redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.stderr.write(
    `strata server: ${request.method} ${request.url} failed (request ${request.id}): ${detail}\n`,
  );
};

/**
 * Installs the error handler and the 404 handler on `app` (the root instance, so that both apply
 * everywhere). `report` receives every error answered with a 500.
 */
export function installErrorHandling(app: FastifyInstance, report: InternalErrorReporter): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorAnswer(error, request.id);
    if (status >= 500) report(error, request);
    return reply.status(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply
      .status(404)
      .send(
        errorBody(
          'NOT_FOUND',
          `no route ${request.method} ${path}`,
          'the routes are listed at GET /openapi.json and in docs/api.md',
        ),
      );
  });
}

/** The status and body answering `error` (`requestId` names a 500 in the log). Exported for tests. */
export function toErrorAnswer(error: unknown, requestId?: string): { status: number; body: ErrorBody } {
  if (error instanceof EngineError) {
    return {
      status: error.httpStatus,
      body: errorBody(error.code, error.message, error.hint, error.details),
    };
  }
  if (error instanceof ApiError) {
    return {
      status: error.httpStatus,
      body: errorBody(error.code, error.message, error.hint, error.details),
    };
  }
  const fastifyError = error as Partial<FastifyError> | null;
  if (fastifyError && Array.isArray(fastifyError.validation)) {
    return {
      status: 400,
      body: errorBody(
        'BAD_REQUEST',
        describeValidation(fastifyError.validation, fastifyError.validationContext ?? 'request'),
        'the request formats are described at GET /openapi.json and in docs/api.md',
      ),
    };
  }
  if (fastifyError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // Only a submit carries a large body: answer with the budget's own code.
    const tooLarge = specTooLarge(undefined, undefined);
    return { status: 413, body: errorBody(tooLarge.code, tooLarge.message, tooLarge.hint) };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own client errors (malformed JSON, wrong content type, body too large ...): their
    // messages are written for API users and carry no internals.
    const message = typeof fastifyError?.message === 'string' ? fastifyError.message : 'bad request';
    return { status, body: errorBody(STATUS_CODES[status] ?? 'BAD_REQUEST', message) };
  }
  const body = errorBody(
    'INTERNAL',
    `internal error` + (requestId ? ` (request ${requestId})` : ''),
    "the server's log has the details under this request id",
  );
  if (requestId) body.error.requestId = requestId;
  return { status: 500, body };
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * One sentence per problem, each naming the field: `querystring.limit must be <= 1000`,
 * `body.baseDir is required`, `body has unknown field "basedir"`.
 */
export function describeValidation(issues: readonly ValidationIssue[], context: string): string {
  const sentences = issues.map((issue) => {
    const where = context + issue.instancePath.replace(/\//g, '.');
    switch (issue.keyword) {
      case 'required':
        return `${where}.${String(issue.params.missingProperty)} is required`;
      case 'additionalProperties':
        return `${where} has unknown field ${JSON.stringify(issue.params.additionalProperty)}`;
      case 'enum': {
        const allowed = issue.params.allowedValues;
        return Array.isArray(allowed)
          ? `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
          : `${where} ${issue.message ?? 'is not allowed'}`;
      }
      default:
        return `${where} ${issue.message ?? 'is invalid'}`;
    }
  });
  return [...new Set(sentences)].join('; ');
}
