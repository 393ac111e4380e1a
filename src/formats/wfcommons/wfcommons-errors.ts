/**
 * Errors of the WfCommons importer: what is wrong in a WfFormat instance, where (line and column of
 * the JSON), and how to fix it.
 *
 * Positions are found lazily: the importer reads the instance with `JSON.parse` (fast, no
 * positions) and records each mistake with its JSON path; only when there is a mistake does it
 * parse the text again with the `yaml` package (slow, with positions) to turn paths into lines.
 * A valid 2.7 MB instance therefore never pays for positions.
 *
 * Every code here is stable and documented in docs/errors.md (section WFC_); a test checks both
 * directions.
 */
import { fieldPath, YamlSource } from '../../spec/yaml-source.js';
import type { YNode } from '../../spec/yaml-source.js';
import { SpecErrorCollector } from '../../spec/spec-errors.js';
import type { SourcePos, SpecError } from '../../spec/spec-errors.js';

/** Every code the WfCommons importer can emit. The single source of truth for docs/errors.md's WFC_ section. */
export const WFC_ERROR_CODES = [
  'WFC_NOT_JSON',
  'WFC_UNSUPPORTED_VERSION',
  'WFC_MISSING_FIELD',
  'WFC_WRONG_TYPE',
  'WFC_NO_TASKS',
  'WFC_DUPLICATE_TASK',
  'WFC_DUPLICATE_FILE',
  'WFC_UNKNOWN_PARENT',
  'WFC_UNKNOWN_FILE',
  'WFC_UNKNOWN_TASK',
  'WFC_CYCLE',
  'WFC_TOO_MANY_ERRORS',
] as const;

export type WfcErrorCode = (typeof WFC_ERROR_CODES)[number];

/** A JSON path: object keys and array indices, from the document's root. */
export type JsonPath = ReadonlyArray<string | number>;

/** `workflow.specification.tasks[3].parents[0]`, as in the Strata spec errors. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) out = typeof seg === 'number' ? `${out}[${seg}]` : fieldPath(out, seg);
  return out;
}

/** Past this many errors the importer stops collecting. */
export const MAX_WFC_ERRORS = 200;

interface PendingError {
  code: WfcErrorCode;
  path: JsonPath;
  message: string;
  hint: string;
}

/** Collects errors by JSON path; `finish` turns them into SpecErrors with lines and columns. */
export class WfcErrorCollector {
  private readonly pending: PendingError[] = [];
  private truncated = false;

  constructor(private readonly file: string) {}

  add(code: WfcErrorCode, path: JsonPath, message: string, hint: string): void {
    if (this.truncated) return;
    if (this.pending.length >= MAX_WFC_ERRORS) {
      this.truncated = true;
      return;
    }
    this.pending.push({ code, path: [...path], message, hint });
  }

  get count(): number {
    return this.pending.length;
  }

  /** The errors with positions, in the order found; `text` is the instance, parsed again for positions. */
  finish(text: string): SpecError[] {
    const positions = new JsonPositions(text, this.file);
    const out: SpecError[] = this.pending.map((e) => {
      const pos = positions.at(e.path);
      return {
        code: e.code,
        message: e.message,
        file: this.file,
        line: pos.line,
        column: pos.column,
        path: formatJsonPath(e.path),
        hint: e.hint,
      };
    });
    if (this.truncated) {
      out.push({
        code: 'WFC_TOO_MANY_ERRORS',
        message: `stopped after ${MAX_WFC_ERRORS} errors`,
        file: this.file,
        line: 1,
        column: 1,
        path: '',
        hint: 'fix the errors above and import again',
      });
    }
    return out;
  }
}

/** Finds where a JSON path is in the text: the deepest node of the path that exists. */
class JsonPositions {
  private readonly source: YamlSource | undefined;

  constructor(text: string, file: string) {
    // Syntax errors were reported already (WFC_NOT_JSON); this collector only satisfies load().
    this.source = YamlSource.load(text, new SpecErrorCollector(file));
  }

  at(path: JsonPath): SourcePos {
    const source = this.source;
    if (source === undefined) return { line: 1, column: 1 };
    let node: YNode | null = source.root;
    let pos = source.pos(node);
    for (const seg of path) {
      let next: YNode | null | undefined;
      if (typeof seg === 'number') {
        next = source.items(node)[seg];
        if (next !== undefined) pos = source.pos(next);
      } else {
        const entry = source.entries(node).find((e) => e.key === seg);
        next = entry?.value;
        // The value's position, or the key's when the value is null.
        if (entry !== undefined) pos = next === null ? source.pos(entry.keyNode) : source.pos(next);
      }
      if (next === undefined || next === null) break;
      node = next;
    }
    return pos;
  }
}

/**
 * Where a JSON syntax error is: V8's message carries `position N` (Node 20) or `line L column C`
 * (Node 22); else the first error the `yaml` parser finds; else the start.
 */
export function jsonSyntaxError(text: string, file: string, cause: unknown): SpecError {
  const raw = cause instanceof Error ? cause.message : String(cause);
  // V8 quotes the start of the text after a comma (`Unexpected token 'x', "{..." is not valid JSON`).
  const message = raw.replace(/, ".*$/s, '').replace(/ in JSON at position \d+.*$/s, '');
  let line = 1;
  let column = 1;
  const lc = /line (\d+) column (\d+)/.exec(raw);
  const at = /at position (\d+)/.exec(raw);
  if (lc !== null) {
    line = Number(lc[1]);
    column = Number(lc[2]);
  } else if (at !== null) {
    const offset = Math.min(Number(at[1]), text.length);
    const before = text.slice(0, offset);
    line = before.split('\n').length;
    column = offset - before.lastIndexOf('\n');
  } else {
    const errors = new SpecErrorCollector(file);
    YamlSource.load(text, errors);
    const first = errors.errors[0];
    if (first !== undefined) {
      line = first.line;
      column = first.column;
    }
  }
  const empty = text.trim() === '';
  return {
    code: 'WFC_NOT_JSON',
    message: empty ? 'the file is empty' : `not valid JSON: ${message}`,
    file,
    line,
    column,
    path: '',
    hint: empty
      ? 'a WfCommons instance is one JSON object with name, schemaVersion and workflow'
      : 'a WfCommons instance is a JSON file (WfFormat); check it is complete and not YAML or JSON Lines',
  };
}
