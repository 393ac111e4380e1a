/** Why `strata server` refuses to start (a setting that would be unsafe, a file it cannot read). */
import { StrataError } from '../model/index.js';

/** Codes `startServer` refuses to start with; each is documented in docs/errors.md. */
export const SERVER_START_ERROR_CODES = ['INSECURE_BIND', 'TLS_FILE_UNREADABLE'] as const;

export class ServerStartError extends StrataError<(typeof SERVER_START_ERROR_CODES)[number]> {
  constructor(code: (typeof SERVER_START_ERROR_CODES)[number], message: string, hint: string) {
    super(code, message, { hint, kind: 'usage' });
    this.name = 'ServerStartError';
  }
}
