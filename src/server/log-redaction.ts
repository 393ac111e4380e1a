/**
 * The server's logger (pino, through Fastify) with credentials masked (model/redact.ts): an error's
 * message, stack and string fields (a `pg` error's, a URL parse error's `input`...), its cause, and
 * the request URL (a `?token=` in a query string).
 */
import type { FastifyRequest } from 'fastify';
import { redactSecrets } from '../model/index.js';

export interface LoggedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** An error as a log record: what pino's own serializer keeps, every string masked. */
export function redactedError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error))
    return { type: typeof error, message: redactSecrets(String(error)), stack: '' };
  const out: LoggedError = {
    type: error.name,
    message: redactSecrets(error.message),
    stack: redactSecrets(error.stack ?? ''),
  };
  for (const [key, value] of Object.entries(error)) {
    if (key in out) continue;
    out[key] = redactedValue(value);
  }
  if (error.cause !== undefined && depth < 5) out.cause = redactedError(error.cause, depth + 1);
  return out;
}

function redactedValue(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  try {
    return redactSecrets(JSON.stringify(value));
  } catch {
    return '[unserialisable]';
  }
}

/** Fastify's `logger` option: pino with the serializers above. */
export const REDACTING_LOGGER = {
  serializers: {
    err: (error: unknown) => redactedError(error),
    req: (request: FastifyRequest) => ({
      method: request.method,
      url: redactSecrets(request.url),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    }),
  },
};
