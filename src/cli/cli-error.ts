/** The CLI's own errors (engine, store and server errors carry their own codes). */
import { StrataError } from '../model/index.js';
import { EXIT_STATUS_OF_KIND, EXIT_USAGE } from './exit-status.js';

export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './exit-status.js';

/** Codes the CLI itself reports; each is documented in docs/errors.md. */
export const CLI_ERROR_CODES = ['BAD_OPTION', 'NO_WORKFLOWS'] as const;

/** An error the CLI reports as `error CODE: message` with a hint; a usage error unless said otherwise. */
export class CliError extends StrataError<(typeof CLI_ERROR_CODES)[number]> {
  constructor(
    code: (typeof CLI_ERROR_CODES)[number],
    message: string,
    hint?: string,
    /** The status to exit with, as `EXIT_STATUS_OF_KIND` gives it for `usage` or `failure`. */
    exitStatus: (typeof EXIT_STATUS_OF_KIND)[keyof typeof EXIT_STATUS_OF_KIND] = EXIT_USAGE,
  ) {
    super(code, message, {
      hint,
      kind: exitStatus === EXIT_STATUS_OF_KIND.failure ? 'failure' : 'usage',
    });
    this.name = 'CliError';
  }
}
