/**
 * Errors of the workflow spec parser: what a user wrote wrong, where, and how to fix it.
 *
 * Every code here is stable (scripts and the HTTP API match on it) and documented in
 * docs/errors.md; a test checks both directions. Adding a code means documenting it there.
 */

/** Every code the parser can emit. The single source of truth for docs/errors.md's SPEC_ section. */
export const SPEC_ERROR_CODES = [
  'SPEC_YAML_SYNTAX',
  'SPEC_DUPLICATE_KEY',
  'SPEC_NOT_A_MAPPING',
  'SPEC_UNSUPPORTED_VERSION',
  'SPEC_UNKNOWN_FIELD',
  'SPEC_WRONG_TYPE',
  'SPEC_MISSING_FIELD',
  'SPEC_INVALID_NAME',
  'SPEC_INVALID_CHOICE',
  'SPEC_NO_TASKS',
  'SPEC_COMMAND_AND_SHELL',
  'SPEC_NO_COMMAND',
  'SPEC_EMPTY_COMMAND',
  'SPEC_BAD_DURATION',
  'SPEC_BAD_QUANTITY',
  'SPEC_BAD_CPUS',
  'SPEC_BAD_GPUS',
  'SPEC_BAD_RETRIES',
  'SPEC_BAD_REGEX',
  'SPEC_BAD_PATH',
  'SPEC_BAD_FOREACH',
  'SPEC_GLOB_UNAVAILABLE',
  'SPEC_GLOB_FAILED',
  'SPEC_GLOB_NO_MATCH',
  'SPEC_TOO_MANY_TASKS',
  'SPEC_UNKNOWN_PLACEHOLDER',
  'SPEC_DUPLICATE_TASK',
  'SPEC_UNKNOWN_DEPENDENCY',
  'SPEC_SELF_DEPENDENCY',
  'SPEC_TOO_MANY_DEPENDENCIES',
  'SPEC_CYCLE',
  'SPEC_OUTPUT_CONFLICT',
  'SPEC_TOO_MANY_ERRORS',
] as const;

export type SpecErrorCode = (typeof SPEC_ERROR_CODES)[number];

/** One mistake in a workflow spec. `line` and `column` are 1-based; `path` is like `tasks[3].resources.memory`. */
export interface SpecError {
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  /** The field the error is about, `''` for the document as a whole. */
  path: string;
  /** How to fix it; `''` only when there is nothing useful to add. */
  hint: string;
}

/**
 * One error as a compiler would print it, with the hint on a second line.
 *
 * @example
 * formatSpecError({ code: 'SPEC_UNKNOWN_FIELD', message: 'unknown field "comand"', file: 'wf.yaml',
 *   line: 12, column: 7, path: 'tasks[2].comand', hint: 'did you mean "command"?' })
 * // 'wf.yaml:12:7 error SPEC_UNKNOWN_FIELD at tasks[2].comand: unknown field "comand"\n  hint: did you mean "command"?'
 */
export function formatSpecError(e: SpecError): string {
  const where = e.path === '' ? '' : ` at ${e.path}`;
  const head = `${e.file}:${e.line}:${e.column} error ${e.code}${where}: ${e.message}`;
  return e.hint === '' ? head : `${head}\n  hint: ${e.hint}`;
}

/** A position in the spec text (1-based). */
export interface SourcePos {
  line: number;
  column: number;
}

/**
 * Past this many errors the parser stops collecting: a generated spec that is wrong everywhere
 * should not produce a million-line report.
 */
export const MAX_SPEC_ERRORS = 500;

/**
 * Collects errors for one parse; drops exact duplicates and stops at MAX_SPEC_ERRORS. `Code` is the
 * family of codes it takes (the platform parser has its own, PLATFORM_*), `tooManyCode` the code of
 * the error that says it stopped.
 */
export class SpecErrorCollector<Code extends string = SpecErrorCode> {
  readonly errors: SpecError[] = [];
  private readonly seen = new Set<string>();
  private truncated = false;

  constructor(
    private readonly file: string,
    private readonly tooManyCode: string = 'SPEC_TOO_MANY_ERRORS',
  ) {}

  add(code: Code, pos: SourcePos, path: string, message: string, hint: string): void {
    if (this.truncated) return;
    const key = `${code}\u0000${pos.line}:${pos.column}\u0000${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.errors.length >= MAX_SPEC_ERRORS) {
      this.truncated = true;
      this.errors.push({
        code: this.tooManyCode,
        message: `stopped after ${MAX_SPEC_ERRORS} errors`,
        file: this.file,
        line: pos.line,
        column: pos.column,
        path: '',
        hint: 'fix the errors above and parse again',
      });
      return;
    }
    this.errors.push({ code, message, file: this.file, line: pos.line, column: pos.column, path, hint });
  }

  get count(): number {
    return this.errors.length;
  }

  /** Errors sorted by position (stable, so that errors at one place keep the order they were found in). */
  sorted(): SpecError[] {
    const capped = this.truncated ? this.errors.slice(0, -1) : this.errors.slice();
    capped.sort((a, b) => a.line - b.line || a.column - b.column);
    return this.truncated ? [...capped, ...this.errors.slice(-1)] : capped;
  }
}
