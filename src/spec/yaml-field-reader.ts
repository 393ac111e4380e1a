/**
 * The field-reading machinery shared by the workflow reader and the platform reader: the fields
 * of a mapping (unknown fields with a did-you-mean, non-string keys), list items, positions,
 * wrong-type and missing-field reports, and the plain string, number and choice readers. What
 * differs between the two file formats (their error codes, allowed fields and hints) comes in as
 * a FieldDialect; every message is the same for both.
 */
import type { SourcePos, SpecErrorCollector } from './spec-errors.js';
import { closestMatch, quoteList } from './suggest.js';
import { fieldPath, type NodeKind, type YamlSource, type YNode } from './yaml-source.js';

export interface Field {
  key: string;
  node: YNode | null;
  /** Where the value is (or the key, when the value is empty). */
  pos: SourcePos;
  keyPos: SourcePos;
  path: string;
}

/** What one file format's reader reports and accepts. */
export interface FieldDialect<Code extends string, Context extends string> {
  readonly codes: {
    readonly notAMapping: Code;
    readonly unknownField: Code;
    readonly wrongType: Code;
    readonly missingField: Code;
    readonly invalidChoice: Code;
    readonly badDuration: Code;
  };
  /** The allowed fields of each kind of mapping. */
  readonly fields: Readonly<Record<Context, readonly string[]>>;
  /** A hint for an unknown field, and the field it was probably meant to be. */
  unknownFieldHint(context: Context, key: string): { hint: string; suggestion?: string };
  /** The hint for a mapping key that is not a plain string. */
  readonly keyHint: string;
  /** The hint for a wrong-type empty value when the caller gave none. */
  readonly emptyValueHint: string;
}

export class YamlFieldReader<Code extends string, Context extends string> {
  /** Paths of fields an unknown field was taken to be a typo of (`tasks[2].command`). */
  protected readonly suggested = new Set<string>();

  constructor(
    protected readonly src: YamlSource,
    protected readonly errors: SpecErrorCollector<Code>,
    private readonly dialect: FieldDialect<Code, Context>,
  ) {}

  /**
   * The fields of the document's root mapping, read as `context`, or undefined (reported as
   * `expected, got …`) when the document is not a mapping.
   */
  protected rootFields(context: Context, expected: string, hint: string): Map<string, Field> | undefined {
    const root = this.src.root;
    const rootKind = this.src.kind(root);
    if (root === null || rootKind !== 'mapping') {
      const got = rootKind === 'null' ? 'an empty document' : describe(this.src, root);
      this.errors.add(
        this.dialect.codes.notAMapping,
        this.src.pos(root),
        '',
        `${expected}, got ${got}`,
        hint,
      );
      return undefined;
    }
    return this.fields(root, '', context);
  }

  /** Checks the `$schema` field (a string naming the schema file) if it is there. */
  protected readSchemaRef(field: Field | undefined, schemaFile: string): void {
    if (field) {
      this.readString(
        field,
        'the path or URL of a JSON Schema',
        `write e.g. "$schema": "${schemaFile}", or remove it`,
      );
    }
  }

  /** The fields of a mapping, reporting unknown ones (with a suggestion) and non-string keys. */
  protected fields(node: YNode | null, path: string, context: Context): Map<string, Field> {
    const out = new Map<string, Field>();
    const allowed = this.dialect.fields[context];
    for (const entry of this.src.entries(node)) {
      const keyPos = this.src.pos(entry.keyNode);
      if (entry.key === undefined) {
        this.wrongType(keyPos, path, 'a field name', this.src.resolve(entry.keyNode), this.dialect.keyHint);
        continue;
      }
      const childPath = fieldPath(path, entry.key);
      if (!allowed.includes(entry.key)) {
        const { hint, suggestion } = this.dialect.unknownFieldHint(context, entry.key);
        this.errors.add(
          this.dialect.codes.unknownField,
          keyPos,
          childPath,
          `unknown field ${JSON.stringify(entry.key)}`,
          hint,
        );
        // A typo of a required field is reported once, as the typo, not again as a missing field.
        if (suggestion !== undefined) this.suggested.add(fieldPath(path, suggestion));
        continue;
      }
      if (out.has(entry.key)) continue; // reported by the YAML layer as a duplicate key
      out.set(entry.key, {
        key: entry.key,
        node: entry.value,
        pos: this.valuePos(entry.value, keyPos),
        keyPos,
        path: childPath,
      });
    }
    return out;
  }

  protected itemField(list: Field, node: YNode | null, i: number): Field {
    const pos = this.valuePos(node, list.pos);
    return { key: String(i), node, pos, keyPos: pos, path: `${list.path}[${i}]` };
  }

  protected valuePos(node: YNode | null, fallback: SourcePos): SourcePos {
    if (node === null || this.src.kind(node) === 'null') return fallback;
    return this.src.pos(node);
  }

  protected expectKind(field: Field, kinds: readonly NodeKind[], what: string, hint: string): boolean {
    if (kinds.includes(this.src.kind(field.node))) return true;
    this.wrongType(field.pos, field.path, what, field.node, hint);
    return false;
  }

  protected wrongType(pos: SourcePos, path: string, what: string, node: YNode | null, hint: string): void {
    const empty = this.src.kind(node) === 'null';
    this.errors.add(
      this.dialect.codes.wrongType,
      pos,
      path,
      `expected ${what}, got ${describe(this.src, node)}`,
      hint !== '' ? hint : empty ? this.dialect.emptyValueHint : '',
    );
  }

  protected missing(pos: SourcePos, path: string, hint: string): void {
    if (this.suggested.has(path)) return;
    const key = path.slice(path.lastIndexOf('.') + 1);
    this.errors.add(this.dialect.codes.missingField, pos, path, `missing required field "${key}"`, hint);
  }

  protected readChoice<T extends string>(field: Field, choices: readonly T[]): T | undefined {
    const value = this.readString(
      field,
      `one of ${quoteList(choices)}`,
      `write one of ${quoteList(choices)}`,
    );
    if (value === undefined) return undefined;
    if ((choices as readonly string[]).includes(value)) return value as T;
    const close = closestMatch(value, choices);
    this.errors.add(
      this.dialect.codes.invalidChoice,
      field.pos,
      field.path,
      `${JSON.stringify(value)} is not one of ${quoteList(choices)}`,
      close !== undefined ? `did you mean ${JSON.stringify(close)}?` : `write one of ${quoteList(choices)}`,
    );
    return undefined;
  }

  /** A number or a duration string, converted by `parse` (undefined when it cannot). */
  protected readDurationWith(
    field: Field,
    hint: string,
    parse: (value: string | number) => number | undefined,
  ): number | undefined {
    const kind = this.src.kind(field.node);
    if (kind !== 'number' && kind !== 'string') {
      this.wrongType(field.pos, field.path, 'a duration', field.node, hint);
      return undefined;
    }
    const value = parse(this.src.scalarValue(field.node) as string | number);
    if (value === undefined) {
      this.errors.add(
        this.dialect.codes.badDuration,
        field.pos,
        field.path,
        `invalid duration "${this.src.scalarText(field.node) ?? ''}"`,
        hint,
      );
    }
    return value;
  }

  protected readNumber(field: Field, what: string, hint: string): number | undefined {
    const v = this.src.scalarValue(field.node);
    if (this.src.kind(field.node) !== 'number' || !Number.isFinite(Number(v))) {
      this.wrongType(field.pos, field.path, what, field.node, hint);
      return undefined;
    }
    return Number(v);
  }

  protected readString(field: Field, what: string, hint: string): string | undefined {
    if (this.src.kind(field.node) !== 'string') {
      this.wrongType(field.pos, field.path, what, field.node, hint);
      return undefined;
    }
    return this.src.scalarText(field.node) ?? '';
  }
}

/**
 * The did-you-mean for an unknown field: a synonym from another tool, else the closest allowed
 * field; undefined when there is neither.
 */
export function didYouMean(
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
