/**
 * The words a JSON Schema has no place for, kept next to the schema they belong to: how a field is
 * named in a wrong-type message, the hint that goes with it, the hint for a missing field, which
 * did-you-mean table a mapping's unknown fields are looked up in. They ride on the TypeBox
 * definitions under a symbol, so the published schema (JSON.stringify drops symbols) and Ajv never
 * see them; SchemaMap finds them again for the field an error is about.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { quoteList } from './suggest.js';
import type { NodeKind } from './yaml-source.js';

export const NOTES: unique symbol = Symbol('strata.schema-notes');

/** What the reader says about a field whose value is wrong or missing. */
export interface FieldNotes {
  /** The field's value in "expected …, got …": `a list of sites`. */
  what?: string;
  /** The hint of a wrong-type error; a function gets the value as written (undefined for a collection or an empty value) and its kind. */
  hint?: string | ((written: string | undefined, kind: NodeKind) => string);
  /** The hint when the field is required and missing. */
  missing?: string;
  /** For a mapping: the table its unknown fields' hints are looked up in. */
  context?: string;
  /**
   * The kinds of value the reader takes and checks itself, with its own messages, when they are
   * wider than the schema's types: a frequency written as a number is "a frequency without a
   * unit", not "not a string"; a duration of .inf is "an invalid duration".
   */
  kinds?: readonly NodeKind[];
}

/** A schema node as the navigation below sees it. */
export interface SchemaNode {
  readonly [key: string]: unknown;
  [NOTES]?: FieldNotes;
}

/** `schema` with `notes` attached (the schema itself, changed: give each use its own schema). */
export function noted<T extends TSchema>(schema: T, notes: FieldNotes): T {
  return Object.assign(schema, { [NOTES]: notes });
}

/** A reference to the definition `name` (under `definitions`), with the notes of this use. */
export function definitionRef(name: string, notes: FieldNotes = {}, description?: string): TSchema {
  const options = description === undefined ? {} : { description };
  return noted(Type.Ref(`#/definitions/${name}`, options), notes);
}

/**
 * The schema as published in schemas/: plain JSON (the notes and TypeBox's own symbols left out),
 * each schema's keys in the order a reader expects (`$schema`, title, description, type first;
 * properties, then definitions, last).
 */
export function publishedSchema(schema: TSchema): Record<string, unknown> {
  return ordered(JSON.parse(JSON.stringify(schema))) as Record<string, unknown>;
}

const FIRST = ['$schema', 'title', 'description', 'type'];
const LAST = ['properties', 'items', 'definitions'];
/** Keys whose value maps names to schemas: their own keys (field names) keep their order. */
const SCHEMA_MAPS = new Set(['properties', 'definitions']);

function ordered(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(ordered);
  if (node === null || typeof node !== 'object') return node;
  const rank = (key: string): number =>
    FIRST.includes(key) ? FIRST.indexOf(key) - FIRST.length : LAST.includes(key) ? LAST.indexOf(key) + 1 : 0;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b));
  for (const key of keys) {
    const value = (node as Record<string, unknown>)[key];
    out[key] = SCHEMA_MAPS.has(key)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, ordered(v)]))
      : ordered(value);
  }
  return out;
}

/** The fields a mapping schema allows, in the schema's order (of its object form, for an anyOf). */
export function fieldsOf(schema: TSchema): string[] {
  const node = schema as SchemaNode;
  const branches = [node, ...((node.anyOf as SchemaNode[] | undefined) ?? [])];
  const object = branches.find((b) => b.properties !== undefined);
  return Object.keys((object?.properties as Record<string, unknown> | undefined) ?? {});
}

const TYPE_OF_KIND: Readonly<Record<NodeKind, string>> = {
  mapping: 'object',
  list: 'array',
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  null: 'null',
};

/** Finds the schema of a field by its place in the document, following $refs and anyOf branches. */
export class SchemaMap {
  constructor(private readonly root: SchemaNode) {}

  /** The schema at a path of keys and indices, or undefined where the schema does not go. */
  at(segments: ReadonlyArray<string | number>): SchemaNode | undefined {
    let node: SchemaNode | undefined = this.root;
    for (const segment of segments) {
      if (node === undefined) return undefined;
      node = this.child(node, segment);
    }
    return node;
  }

  /** A field's notes: those written where it is used over those of the definition it refers to. */
  notes(node: SchemaNode): FieldNotes {
    const target = this.target(node);
    return target === node ? (node[NOTES] ?? {}) : { ...this.notes(target), ...node[NOTES] };
  }

  /** The mapping form of a schema: itself, or the anyOf branch with properties. */
  objectForm(node: SchemaNode): SchemaNode | undefined {
    return this.branches(node).find((b) => b.properties !== undefined);
  }

  /** The choices of an enum schema, if it is one. */
  choices(node: SchemaNode): readonly string[] | undefined {
    const values = this.target(node).enum;
    return Array.isArray(values) ? (values as string[]) : undefined;
  }

  /**
   * Whether a value of this kind is one the schema (or, for values the reader checks itself, the
   * reader) takes: a value that is not is reported as of the wrong type. Numbers that are not
   * finite are numbers only to readers that take them (JSON has none).
   */
  admits(node: SchemaNode, kind: NodeKind, value: unknown): boolean {
    const kinds = this.notes(node).kinds;
    if (kinds !== undefined) return kinds.includes(kind);
    if (kind === 'number' && !Number.isFinite(Number(value))) return false;
    return this.admitsKind(this.target(node), kind, value);
  }

  /** `expected …` of a field: its notes' word, or the choices of an enum. */
  what(node: SchemaNode): string {
    const what = this.notes(node).what;
    if (what !== undefined) return what;
    const choices = this.choices(node);
    return choices !== undefined ? `one of ${quoteList(choices)}` : 'another kind of value';
  }

  private admitsKind(node: SchemaNode, kind: NodeKind, value: unknown): boolean {
    const type = node.type;
    if (type !== undefined) {
      const types = Array.isArray(type) ? (type as string[]) : [type as string];
      const wanted = TYPE_OF_KIND[kind];
      return types.includes(wanted) || (wanted === 'number' && types.includes('integer'));
    }
    const anyOf = node.anyOf as SchemaNode[] | undefined;
    if (anyOf !== undefined) return anyOf.some((b) => this.admitsKind(this.target(b), kind, value));
    if ('const' in node) {
      // `false` alone is not every boolean: `gnu_time: true` is of the wrong type.
      return typeof node.const === 'boolean' ? node.const === value : kindOfValue(node.const) === kind;
    }
    if (Array.isArray(node.enum)) return node.enum.some((v) => kindOfValue(v) === kind);
    return true;
  }

  private child(node: SchemaNode, segment: string | number): SchemaNode | undefined {
    for (const branch of this.branches(node)) {
      if (typeof segment === 'number') {
        const items = branch.items as SchemaNode | SchemaNode[] | undefined;
        const item = Array.isArray(items) ? items[segment] : items;
        if (item !== undefined) return item;
      } else {
        const properties = branch.properties as Record<string, SchemaNode> | undefined;
        const property = properties?.[segment];
        if (property !== undefined) return property;
        const rest = branch.additionalProperties;
        if (typeof rest === 'object' && rest !== null) return rest as SchemaNode;
      }
    }
    return undefined;
  }

  /** The schema itself (past its $ref) and its anyOf branches (past theirs). */
  private branches(node: SchemaNode): SchemaNode[] {
    const target = this.target(node);
    const anyOf = (target.anyOf as SchemaNode[] | undefined) ?? [];
    return [target, ...anyOf.map((b) => this.target(b))];
  }

  private target(node: SchemaNode): SchemaNode {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    const name = ref.replace(/^#\/definitions\//, '');
    const found = (this.root.definitions as Record<string, SchemaNode> | undefined)?.[name];
    return found === undefined ? node : this.target(found);
  }
}

function kindOfValue(value: unknown): NodeKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value as NodeKind;
}
