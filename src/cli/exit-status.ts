/**
 * The exit statuses of `strata`, and the one table that decides which error exits with which. Errors
 * say what kind of mistake they are (`StrataError.kind`); only the CLI knows that a process ends with
 * a number, so only the CLI maps kinds to numbers.
 */
import { StrataError } from '../model/index.js';
import type { ErrorKind } from '../model/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** The status `strata` exits with for an error of each kind. */
export const EXIT_STATUS_OF_KIND = {
  usage: EXIT_USAGE,
  failure: EXIT_FAILED,
} as const satisfies Record<ErrorKind, number>;

/** The status to exit with after `error`: a StrataError's kind decides; anything else is a failure. */
export function exitStatusOf(error: unknown): number {
  return error instanceof StrataError ? EXIT_STATUS_OF_KIND[error.kind] : EXIT_FAILED;
}

/**
 * Marks an error a command raised about its own arguments (a library calls the same mistake a
 * failure when it meets it elsewhere) as a usage error. `exitCode` says what it will exit with,
 * for whoever catches it before the CLI does.
 *
 * @example
 * throw usageError(new PerfmodelError('PERFMODEL_NO_TRACES', 'no traces given', 'name them', '--traces'));
 */
export function usageError<E extends StrataError>(error: E): E & { readonly exitCode: number } {
  const kind: ErrorKind = 'usage';
  return Object.assign(error, { kind, exitCode: EXIT_STATUS_OF_KIND[kind] });
}
