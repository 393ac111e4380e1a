/**
 * The start of reading a workflow or platform file, the same for both: the document must be a
 * mapping, it is checked against its format's schema once, and its `$schema`, `version` and `name`
 * are read. What differs (codes, words, the version this Strata reads) comes in as a DocumentFormat.
 */
import type { FormatSchema } from './schema-validation.js';
import {
  describe,
  SchemaFieldReader,
  type DocumentContext,
  type Field,
  type FieldDialect,
} from './schema-field-reader.js';
import type { SpecErrorCollector } from './spec-errors.js';
import type { YamlSource } from './yaml-source.js';

export interface DocumentFormat<Code extends string> {
  readonly schema: FormatSchema;
  readonly dialect: FieldDialect<Code>;
  /** Said when the document is not a mapping, as `${message}, got a list`. */
  readonly notAMapping: { message: string; hint: string };
  /** The format version this Strata reads. */
  readonly version: number;
  /** The error for another version (`written` as in the file, `value` as a number). */
  unsupportedVersion(written: string, value: number): { message: string; hint: string };
  /** What the document's `name` is in messages: "workflow name". */
  readonly nameWhat: string;
}

/** A document whose root is a mapping: its fields, itself as a field, and its name if valid. */
export interface DocumentRoot<Code extends string> {
  readonly context: DocumentContext<Code>;
  readonly fields: Map<string, Field>;
  readonly root: Field;
  readonly name: string | undefined;
}

/** Reads the root of a document, or undefined (reported) when it is not a mapping. */
export function readDocumentRoot<Code extends string>(
  src: YamlSource,
  errors: SpecErrorCollector<Code>,
  format: DocumentFormat<Code>,
): DocumentRoot<Code> | undefined {
  const node = src.root;
  const kind = src.kind(node);
  if (node === null || kind !== 'mapping') {
    const got = kind === 'null' ? 'an empty document' : describe(src, node);
    const { message, hint } = format.notAMapping;
    errors.add(format.dialect.codes.notAMapping, src.pos(node), '', `${message}, got ${got}`, hint);
    return undefined;
  }
  const context: DocumentContext<Code> = {
    src,
    errors,
    issues: format.schema.check(src.toPlain()),
    schema: format.schema.map,
    dialect: format.dialect,
    suggested: new Set(),
  };
  return new RootReader(context, format).read(node);
}

class RootReader<Code extends string> extends SchemaFieldReader<Code> {
  constructor(
    context: DocumentContext<Code>,
    private readonly format: DocumentFormat<Code>,
  ) {
    super(context);
  }

  read(node: NonNullable<YamlSource['root']>): DocumentRoot<Code> {
    const pos = this.src.pos(node);
    const root: Field = { key: '', node, pos, keyPos: pos, path: '' };
    const fields = this.fields(node, '');
    const schemaRef = fields.get('$schema');
    if (schemaRef) this.check(schemaRef);
    const version = fields.get('version');
    if (version) this.readVersion(version);
    const nameField = this.required(fields, 'name', root);
    const name = nameField ? this.name(nameField, this.format.nameWhat) : undefined;
    return { context: this.doc, fields, root, name };
  }

  private readVersion(field: Field): void {
    const value = this.number(field);
    if (value === undefined || value === this.format.version) return;
    const { message, hint } = this.format.unsupportedVersion(this.src.scalarText(field.node) ?? '', value);
    this.errors.add(this.doc.dialect.codes.unsupportedVersion, field.pos, field.path, message, hint);
  }
}
