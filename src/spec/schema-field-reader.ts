/**
 * The field reading shared by the workflow reader and the platform reader. The JSON Schema (through
 * Ajv) decides what is wrong; this tells it, when the reader comes to the field, in the words the
 * formats have always used: unknown fields with a did-you-mean, wrong types with the field's own
 * hint, missing fields, choices. Telling mistakes in reading order, and only where the reader looks,
 * keeps their order and keeps quiet about fields a bigger mistake makes moot (a task with both
 * `command` and `shell` is told that, not also what is wrong inside each).
 */
import type { SchemaMap, SchemaNode } from './schema-notes.js';
import type { SchemaIssues } from './schema-validation.js';
import type { SourcePos, SpecErrorCollector } from './spec-errors.js';
import { closestMatch, quoteList } from './suggest.js';
import { fieldPath, type YamlSource, type YNode } from './yaml-source.js';

export interface Field {
  key: string;
  node: YNode | null;
  /** Where the value is (or the key, when the value is empty). */
  pos: SourcePos;
  keyPos: SourcePos;
  path: string;
}

/** What one file format reports, and its hints that do not belong to one field. */
export interface FieldDialect<Code extends string> {
  readonly codes: {
    readonly notAMapping: Code;
    readonly unknownField: Code;
    readonly wrongType: Code;
    readonly missingField: Code;
    readonly invalidChoice: Code;
    readonly invalidName: Code;
    readonly unsupportedVersion: Code;
    readonly badDuration: Code;
  };
  /** Words people bring from other tools, per mapping (`context` from its schema's notes), and what this format calls them. */
  readonly synonyms: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The hint for a YAML merge key (`<<`), which the readers do not take. */
  readonly mergeKeyHint: string;
  /**
   * The hint for an unknown field of mapping `context` that belongs in another mapping (and the
   * field it was probably meant to be); undefined when it belongs nowhere else.
   */
  misplacedFieldHint(context: string, key: string): { hint: string; suggestion?: string } | undefined;
  /** The hint for a mapping key that is not a plain string. */
  readonly keyHint: string;
  /** The hint for a wrong-type empty value when the field's notes give none. */
  readonly emptyValueHint: string;
  /** A name as quoted in "invalid … name": `"a b"`. */
  quoteName(name: string): string;
}

/** What the readers of one document share. */
export interface DocumentContext<Code extends string> {
  readonly src: YamlSource;
  readonly errors: SpecErrorCollector<Code>;
  /** What the schema found wrong, by field. */
  readonly issues: SchemaIssues;
  readonly schema: SchemaMap;
  readonly dialect: FieldDialect<Code>;
  /** Paths of fields an unknown field was taken to be a typo of (`tasks[2].command`). */
  readonly suggested: Set<string>;
}

/** Workflow, task, site and node type names: no spaces, slashes or brackets (`name[i]` names array members). */
export const NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';
const NAME_RE = new RegExp(NAME_PATTERN);
export const NAME_HINT =
  'use letters, digits, ".", "_" and "-", starting with a letter, digit or "_" (at most 128 characters)';

export class SchemaFieldReader<Code extends string> {
  protected readonly src: YamlSource;
  protected readonly errors: SpecErrorCollector<Code>;

  constructor(protected readonly doc: DocumentContext<Code>) {
    this.src = doc.src;
    this.errors = doc.errors;
  }

  /** The fields of a mapping; unknown fields (with a suggestion) and keys that are not text are reported. */
  protected fields(node: YNode | null, path: string): Map<string, Field> {
    const out = new Map<string, Field>();
    const unknown = this.doc.issues.empty ? undefined : this.doc.issues.at(path)?.unknown;
    for (const entry of this.src.entries(node)) {
      const keyPos = this.src.pos(entry.keyNode);
      if (entry.key === undefined) {
        const keyNode = this.src.resolve(entry.keyNode);
        this.wrongType(keyPos, path, 'a field name', keyNode, this.doc.dialect.keyHint);
        continue;
      }
      const childPath = fieldPath(path, entry.key);
      if (unknown?.has(entry.key)) {
        this.unknownField(path, entry.key, keyPos);
        continue;
      }
      if (out.has(entry.key)) continue; // reported by the YAML layer as a duplicate key
      const pos = this.valuePos(entry.value, keyPos);
      out.set(entry.key, { key: entry.key, node: entry.value, pos, keyPos, path: childPath });
    }
    return out;
  }

  /**
   * Two fields of which at most one may be given: when both are, reports `code` at the later one
   * and returns true.
   */
  protected bothGiven(
    a: Field | undefined,
    b: Field | undefined,
    code: Code,
    message: string,
    hint: string,
  ): boolean {
    if (a === undefined || b === undefined) return false;
    const later = comparePos(a.keyPos, b.keyPos) > 0 ? a : b;
    this.errors.add(code, later.keyPos, later.path, message, hint);
    return true;
  }

  protected itemField(list: Field, node: YNode | null, i: number): Field {
    const pos = this.valuePos(node, list.pos);
    return { key: String(i), node, pos, keyPos: pos, path: `${list.path}[${i}]` };
  }

  protected valuePos(node: YNode | null, fallback: SourcePos): SourcePos {
    if (node === null || this.src.kind(node) === 'null') return fallback;
    return this.src.pos(node);
  }

  /**
   * Whether the field's value is of a kind the reader takes (reported as a wrong type if not) and,
   * for a choice, one of the choices (reported with a did-you-mean if not). Other refusals of the
   * schema (patterns, ranges) are left to the reader, which has a message of its own for each.
   * `schema` is the one to check against when it is not the field's own (one branch of an anyOf).
   */
  protected check(field: Field, schema?: SchemaNode): boolean {
    if (this.doc.issues.empty) return true; // the common case: nothing to look up
    const issues = this.doc.issues.at(field.path);
    if (issues === undefined || !issues.value) return true;
    const map = this.doc.schema;
    const node = schema ?? map.at(issues.segments);
    if (node === undefined) return true;
    const kind = this.src.kind(field.node);
    const value = this.src.scalarValue(field.node);
    const choices = map.choices(node);
    if (!map.admits(node, kind, value)) {
      const notes = map.notes(node);
      const written = this.src.scalarText(field.node);
      const hint =
        typeof notes.hint === 'function'
          ? notes.hint(written, kind)
          : (notes.hint ?? (choices !== undefined ? `write one of ${quoteList(choices)}` : ''));
      this.wrongType(field.pos, field.path, map.what(node), field.node, hint);
      return false;
    }
    if (choices !== undefined && typeof value === 'string' && !choices.includes(value)) {
      const close = closestMatch(value, choices);
      this.errors.add(
        this.doc.dialect.codes.invalidChoice,
        field.pos,
        field.path,
        `${JSON.stringify(value)} is not one of ${quoteList(choices)}`,
        close !== undefined ? `did you mean ${JSON.stringify(close)}?` : `write one of ${quoteList(choices)}`,
      );
      return false;
    }
    return true;
  }

  /** The field `key` of a mapping, or undefined (reported when the schema requires it). */
  protected required(f: Map<string, Field>, key: string, owner: Field): Field | undefined {
    const field = f.get(key);
    if (field !== undefined) return field;
    const issues = this.doc.issues.at(owner.path);
    const path = fieldPath(owner.path, key);
    // A typo of a required field is reported once, as the typo, not again as a missing field.
    if (issues === undefined || !issues.missing.has(key) || this.doc.suggested.has(path)) return undefined;
    const node = this.doc.schema.at([...issues.segments, key]);
    const hint = node === undefined ? '' : (this.doc.schema.notes(node).missing ?? '');
    this.errors.add(
      this.doc.dialect.codes.missingField,
      owner.pos,
      path,
      `missing required field "${key}"`,
      hint,
    );
    return undefined;
  }

  protected string(field: Field): string | undefined {
    return this.check(field) ? (this.src.scalarText(field.node) ?? '') : undefined;
  }

  protected number(field: Field): number | undefined {
    return this.check(field) ? Number(this.src.scalarValue(field.node)) : undefined;
  }

  protected choice<T extends string>(field: Field): T | undefined {
    return this.check(field) ? (this.src.scalarText(field.node) as T) : undefined;
  }

  /** A name (`what`: "task name", "site id"), or undefined when it is not one (reported). */
  protected name(field: Field, what: string): string | undefined {
    const name = this.string(field);
    return name === undefined ? undefined : this.validName(field, name, what);
  }

  protected validName(field: Field, name: string, what: string): string | undefined {
    if (NAME_RE.test(name)) return name;
    const dialect = this.doc.dialect;
    this.errors.add(
      dialect.codes.invalidName,
      field.pos,
      field.path,
      `invalid ${what} ${dialect.quoteName(name)}`,
      NAME_HINT,
    );
    return undefined;
  }

  /** A number or a duration string, converted by `parse` (undefined when it cannot: reported with `hint`). */
  protected duration(
    field: Field,
    hint: string,
    parse: (value: string | number) => number | undefined,
  ): number | undefined {
    if (!this.check(field)) return undefined;
    const value = parse(this.src.scalarValue(field.node) as string | number);
    if (value === undefined) {
      this.errors.add(
        this.doc.dialect.codes.badDuration,
        field.pos,
        field.path,
        `invalid duration "${this.src.scalarText(field.node) ?? ''}"`,
        hint,
      );
    }
    return value;
  }

  protected wrongType(pos: SourcePos, path: string, what: string, node: YNode | null, hint: string): void {
    const empty = this.src.kind(node) === 'null';
    this.errors.add(
      this.doc.dialect.codes.wrongType,
      pos,
      path,
      `expected ${what}, got ${describe(this.src, node)}`,
      hint !== '' ? hint : empty ? this.doc.dialect.emptyValueHint : '',
    );
  }

  private unknownField(path: string, key: string, keyPos: SourcePos): void {
    const map = this.doc.schema;
    const issues = this.doc.issues.at(path);
    const owner = issues === undefined ? undefined : map.at(issues.segments);
    const object = owner === undefined ? undefined : map.objectForm(owner);
    const allowed = Object.keys((object?.properties as Record<string, unknown> | undefined) ?? {});
    const context = object === undefined ? '' : (map.notes(object).context ?? '');
    const { hint, suggestion } = unknownFieldHint(this.doc.dialect, context, key, allowed);
    const message = `unknown field ${JSON.stringify(key)}`;
    this.errors.add(this.doc.dialect.codes.unknownField, keyPos, fieldPath(path, key), message, hint);
    if (suggestion !== undefined) this.doc.suggested.add(fieldPath(path, suggestion));
  }
}

/**
 * The hint for an unknown field: a YAML merge key, a field that belongs in another mapping, a word
 * from another tool, a typo, or else the list of the fields allowed here.
 */
function unknownFieldHint<Code extends string>(
  dialect: FieldDialect<Code>,
  context: string,
  key: string,
  allowed: readonly string[],
): { hint: string; suggestion?: string } {
  if (key === '<<') return { hint: dialect.mergeKeyHint };
  return (
    dialect.misplacedFieldHint(context, key) ??
    didYouMean(key, allowed, dialect.synonyms[context] ?? {}) ?? {
      hint: `allowed fields here: ${allowed.join(', ')}`,
    }
  );
}

/**
 * The did-you-mean for an unknown field: a synonym from another tool, else the closest allowed
 * field; undefined when there is neither.
 */
function didYouMean(
  key: string,
  allowed: readonly string[],
  synonyms: Readonly<Record<string, string>>,
): { hint: string; suggestion: string } | undefined {
  const suggestion = synonyms[key.toLowerCase()] ?? closestMatch(key, allowed);
  if (suggestion === undefined) return undefined;
  return { hint: `did you mean ${JSON.stringify(suggestion)}?`, suggestion };
}

export function comparePos(a: SourcePos, b: SourcePos): number {
  return a.line - b.line || a.column - b.column;
}

/** "a list", "the string \"abc\"", "an empty value" … for wrong-type messages. */
export function describe(src: YamlSource, node: YNode | null): string {
  const kind = src.kind(node);
  switch (kind) {
    case 'mapping':
      return 'a mapping';
    case 'list':
      return 'a list';
    case 'null':
      return 'an empty value';
    case 'string': {
      const text = src.scalarText(node) ?? '';
      return `the string ${JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text)}`;
    }
    default:
      return `the ${kind} ${src.scalarText(node) ?? ''}`;
  }
}
