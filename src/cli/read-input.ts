/**
 * Reading a file a command names. Each command reports a file it cannot read with its own code (a
 * spec, a platform, a trace, a noise series); the reading and the catching are the same everywhere.
 */
import { readFileSync } from 'node:fs';

/**
 * The UTF-8 text of `path`; when it cannot be read (missing, a directory, no permission), throws
 * what `unreadable` makes of the reason.
 *
 * @example
 * const text = readInputText(file, () => new CliError('BAD_OPTION', `cannot read ${file}`, 'check the path'));
 */
export function readInputText(path: string, unreadable: (reason: unknown) => Error): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw unreadable(e);
  }
}
