/**
 * Quoting for POSIX shells: the one place where Strata turns data into shell text. Used for the
 * batch scripts it hands to `sbatch` and for the command line `ssh` passes to the remote shell.
 *
 * Every value goes inside single quotes, where a POSIX shell interprets nothing at all (no `$`, no
 * backquote, no backslash, no newline); a single quote itself is written `'\''`. It must never be
 * bypassed by building a command line from pieces of user data without it.
 *
 * @example
 * shellQuote("it's $(here)"); // => 'it'\''s $(here)'
 */
import { StrataError } from '../../model/index.js';

/**
 * Thrown for a value no shell word can carry (a NUL byte ends a C string). The executor reports its
 * message on the attempt; the code is for code that catches it.
 */
export class UnquotableError extends StrataError<'SHELL_UNQUOTABLE'> {
  constructor(message: string) {
    super('SHELL_UNQUOTABLE', message);
    this.name = 'UnquotableError';
  }
}

export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new UnquotableError('a NUL byte cannot be passed to a shell');
  // Words made only of these characters mean the same quoted or not: leave them readable.
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A command line for a POSIX shell that runs exactly `argv`, each argument one word. */
export function shellCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** Whether `name` can be an environment variable name in a POSIX shell. */
export function isShellVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
