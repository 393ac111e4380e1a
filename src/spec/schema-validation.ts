/**
 * Checking a document against its format's JSON Schema with Ajv, compiled once per process, and
 * sorting what Ajv found by the field it is about, so that the reader can tell each mistake, in
 * the words of the existing messages, when it comes to that field. Ajv says *that* something is
 * wrong where; the schema's notes (schema-notes.ts) and the reader say *how* to tell it.
 */
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SchemaMap } from './schema-notes.js';
import { fieldPath } from './yaml-source.js';

/** What Ajv found at one place of the document. */
export interface FieldIssues {
  /** The place as keys and indices, for finding its schema. */
  readonly segments: ReadonlyArray<string | number>;
  /** The value itself is refused (a type, a pattern, a range, ...). */
  value: boolean;
  /** Fields of this mapping the schema does not allow. */
  readonly unknown: Set<string>;
  /** Required fields this mapping lacks. */
  readonly missing: Set<string>;
}

/** Ajv's findings for one document, by field path (`tasks[2].resources`, '' for the root). */
export class SchemaIssues {
  static readonly none = new SchemaIssues(new Map());

  private constructor(private readonly byPath: ReadonlyMap<string, FieldIssues>) {}

  get empty(): boolean {
    return this.byPath.size === 0;
  }

  at(path: string): FieldIssues | undefined {
    return this.byPath.get(path);
  }

  static of(errors: readonly ErrorObject[], data: unknown): SchemaIssues {
    const byPath = new Map<string, FieldIssues>();
    for (const error of errors) {
      const { path, segments } = locate(error.instancePath, data);
      let issues = byPath.get(path);
      if (issues === undefined) {
        issues = { segments, value: false, unknown: new Set(), missing: new Set() };
        byPath.set(path, issues);
      }
      const params = error.params as { additionalProperty?: string; missingProperty?: string };
      if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
        issues.unknown.add(params.additionalProperty);
      } else if (error.keyword === 'required' && params.missingProperty !== undefined) {
        issues.missing.add(params.missingProperty);
      } else {
        issues.value = true;
      }
    }
    return new SchemaIssues(byPath);
  }
}

/** A format's schema: the map of its notes, and its validator, compiled on first use. */
export class FormatSchema {
  readonly map: SchemaMap;
  private validate: ValidateFunction | undefined;

  constructor(readonly schema: TSchema) {
    this.map = new SchemaMap(schema);
  }

  check(data: unknown): SchemaIssues {
    // Strict, so that a mistake in a definition fails loudly; `oneOf` of `required` is how the
    // formats say "exactly one of", hence strictRequired off.
    this.validate ??= new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    }).compile(this.schema);
    return this.validate(data) ? SchemaIssues.none : SchemaIssues.of(this.validate.errors ?? [], data);
  }
}

/** A JSON pointer as the reader's field path and as keys and indices (an index where the data is a list). */
function locate(pointer: string, data: unknown): { path: string; segments: Array<string | number> } {
  let path = '';
  const segments: Array<string | number> = [];
  let current = data;
  if (pointer === '') return { path, segments };
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(key);
      segments.push(index);
      path = `${path}[${index}]`;
      current = current[index];
    } else {
      segments.push(key);
      path = fieldPath(path, key);
      current = (current as Record<string, unknown> | null | undefined)?.[key];
    }
  }
  return { path, segments };
}
