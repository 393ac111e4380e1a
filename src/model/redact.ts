/**
 * Credentials out of text: every message, log line and error Strata prints about a store, a server
 * or a command line goes through `redactSecrets` first. It masks, with `***`:
 *
 * - the password of a URL: `postgres://u:pw@h/db` → `postgres://u:***@h/db` (percent-encoded or
 *   holding `/`, `:` or `@`: everything up to the last `@` of the word);
 * - a `user:password@host` without a scheme: `alice:top/secret@h` → `alice:***@h`;
 * - the value of a password-like parameter in a query string, a libpq keyword string or an
 *   assignment: `?password=x`, `&sslpassword=x`, `password='x y'`, `PGPASSWORD=x`, `token=x`,
 *   `"password": "x"` (names: see `SECRET_NAME`).
 *
 * It errs on the side of masking: a `host:port/path@x` word loses its port. Pure.
 *
 * @example
 * redactSecrets('cannot reach postgres://strata@db/s?password=x') // 'cannot reach postgres://strata@db/s?password=***'
 */

export const REDACTED = '***';

/** Parameter and variable names whose value is a secret (`PGPASSWORD`, `api_key`, `sslpassword`...). */
const SECRET_NAME =
  '[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|apikey|api_key|access_key|private_key)[A-Za-z0-9_.-]*|pass|pwd|key|sslkey|auth|credentials?';

/** A character that can end a word holding a URL or assignment (quotes and brackets around it). */
const WORD = `[^\\s"'<>\`]`;

const RULES: ReadonlyArray<[RegExp, string]> = [
  // scheme://user:password@host — the password runs to the last `@` of the word.
  [new RegExp(`\\b([a-z][a-z0-9+.-]*://[^\\s"'<>\`:@/?#[\\]]*:)${WORD}*@`, 'gi'), `$1${REDACTED}@`],
  // user:password@host without a scheme (not `scheme://`, not an already masked one).
  [
    new RegExp(`(^|[\\s"'(<=,;\\[])([A-Za-z0-9._%+-]+:)(?!//)(?!\\*\\*\\*@)${WORD}+@(?=[A-Za-z0-9\\[])`, 'g'),
    `$1$2${REDACTED}@`,
  ],
  // "password": "x" (JSON)
  [new RegExp(`("(?:${SECRET_NAME})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // name=value in a query string, a libpq keyword string, an environment assignment
  [
    new RegExp(
      `((?:^|[\\s?&;,("'])(?:${SECRET_NAME})=)(?:'[^']*'|"[^"]*"|[^\\s&;#,"')]*[^\\s&;#,"'):])`,
      'gim',
    ),
    `$1${REDACTED}`,
  ],
];

/** `text` with every credential it holds masked (see the module's comment for the forms). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A URL (a store's, a server's) safe to print.
 *
 * @example
 * redactUrl('postgres://strata:s3cret@db/strata') // 'postgres://strata:***@db/strata'
 */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** An error's message and stack with credentials masked (the error itself is left as it is). */
export function redactError(error: Error): { message: string; stack: string | undefined } {
  return {
    message: redactSecrets(error.message),
    stack: error.stack === undefined ? undefined : redactSecrets(error.stack),
  };
}
