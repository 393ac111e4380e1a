/** The CLI's own errors and exit codes (engine, store and server errors carry their own codes). */

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Codes the CLI itself reports; each is documented in docs/errors.md. */
export const CLI_ERROR_CODES = ['BAD_OPTION', 'NO_WORKFLOWS'] as const;

/** An error the CLI reports as `error CODE: message` with a hint, and an exit code. */
export class CliError extends Error {
  constructor(
    readonly code: (typeof CLI_ERROR_CODES)[number],
    message: string,
    readonly hint?: string,
    readonly exitCode = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
