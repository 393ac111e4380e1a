/**
 * The one base of every error Strata raises on purpose. Each area (engine, store, simulator, anomaly
 * detection, performance model, server, client, CLI) keeps its own class and codes, but all of them
 * carry the same fields, so that whoever reports an error (the CLI, the HTTP API, a test) reads any
 * area's error the same way: a stable code (docs/errors.md), a message, a hint, where the mistake is
 * when that is known, and what caused it.
 *
 * An error also says what kind of mistake it is (`kind`), never what to do about it: the CLI alone
 * turns kinds into exit statuses (src/cli/exit-status.ts), the server into HTTP statuses.
 *
 * @example
 * throw new StrataError('SIM_BAD_PLATFORM', 'node type big has 0 cores', {
 *   hint: 'give it cores ≥ 1',
 *   location: { file: 'platform.yaml', line: 12, column: 5, field: 'nodeTypes[0].cores' },
 * });
 */

/** Where a mistake is, as much of it as is known. `line` and `column` are 1-based. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** The field (`tasks[3].resources.memory`), the option (`--traces`) or the thing at fault. */
  field?: string;
}

/**
 * What kind of mistake an error is:
 * - `usage`: what was asked cannot be done as written (a bad command line, spec, URL or input file):
 *   the person must change what they asked;
 * - `failure`: a well-formed request that could not be carried out (nothing of that name, another
 *   writer got there first, the server is unreachable, the input could not be used).
 */
export type ErrorKind = 'usage' | 'failure';

export interface StrataErrorOptions {
  /** How to fix it. */
  hint?: string | undefined;
  location?: ErrorLocation | undefined;
  /** `failure` when not given. */
  kind?: ErrorKind | undefined;
  /** The error this one explains (a failed read, a driver's error), kept as the standard `cause`. */
  cause?: unknown;
}

export class StrataError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly hint?: string;
  readonly location?: ErrorLocation;
  readonly kind: ErrorKind;

  constructor(code: Code, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.kind = options.kind ?? 'failure';
  }
}

/** Turns anything caught into an Error, so that `catch (e)` sites never handle `unknown`. */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}
