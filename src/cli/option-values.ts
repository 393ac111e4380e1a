/** Numbers given as option values, checked the same way by every command (CliError BAD_OPTION). */
import { CliError } from './cli-error.js';

export function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError('BAD_OPTION', `${what} must be a positive integer, got ${text}`);
  return n;
}

export function portNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CliError('BAD_OPTION', `--port must be a port number (0 picks a free one), got ${text}`);
  }
  return n;
}
