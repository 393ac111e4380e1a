/**
 * User regular expressions (`validate.stdout`), compiled and run with RE2 semantics (the pure-JS port
 * `re2js`): matching takes time linear in the text, whatever the pattern, so that no pattern a user
 * sends can stall the process that checks an attempt (`^(a|a)*$` on `aaaa…b` backtracks for hours in
 * JavaScript's own engine). The price is RE2's syntax: no backreferences (`\1`) and no lookaround
 * (`(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`); such a pattern is refused when the spec is read.
 *
 * Never: run a user pattern with `RegExp`.
 *
 * @example
 * const compiled = compileUserRegex('total: \\d+$');
 * if (compiled.ok) console.log(compiled.regex.test('total: 42'));
 * else console.error(compiled.reason, compiled.hint);
 */
import { RE2JS } from 're2js';

/** A compiled user pattern; `^` and `$` match at line ends (multi-line), as the spec documents. */
export interface UserRegex {
  readonly source: string;
  /** Whether the pattern matches somewhere in `text`. Linear in `text`. */
  test(text: string): boolean;
}

export type CompiledUserRegex = { ok: true; regex: UserRegex } | { ok: false; reason: string; hint: string };

const HINT =
  'patterns use RE2 syntax (linear-time matching): escape special characters like ( [ { . * + ? with a backslash';
const NO_BACKREFERENCE =
  'backreferences (\\1, \\k<name>) cannot be matched in linear time and are not supported; match the text without them, or check it with validate.command';
const NO_LOOKAROUND =
  'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported; match the text itself, or check it with validate.command';

/** Compiles `pattern` with RE2 semantics, or says why it cannot be and how to fix it. */
export function compileUserRegex(pattern: string): CompiledUserRegex {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, RE2JS.MULTILINE);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // re2js quotes the pattern with the multi-line flag it was given as a prefix: show the user's own.
    const reason = message.replace(/^error parsing regexp: /, '').replace('`(?m)', '`');
    return { ok: false, reason, hint: hintFor(pattern) };
  }
  return {
    ok: true,
    regex: { source: pattern, test: (text: string) => compiled.matcher(text).find() },
  };
}

function hintFor(pattern: string): string {
  if (/\\[1-9]|\\k</.test(pattern)) return NO_BACKREFERENCE;
  if (/\(\?<?[=!]/.test(pattern)) return NO_LOOKAROUND;
  return HINT;
}
