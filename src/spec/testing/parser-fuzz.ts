/**
 * The parsers' fuzz suite, one for each parser (workflow, platform): property-based (fast-check,
 * fixed seed, bounded count; testing/fuzz-settings.ts for a longer run) on three kinds of input —
 * documents generated from the parser's JSON Schema with hostile values at every level (as YAML and
 * as JSON), hostile values put into the examples at random places, and random text edits of the
 * examples. The parser must never throw, and every error must be well formed (`parse` checks that).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { fuzzParameters } from './fuzz-settings.js';
import { hostileValue, junkValue, pointerResolver, type JsonSchema } from './schema-arbitrary.js';

export interface ParserUnderFuzz {
  /** The parser's JSON Schema (schemas/*.schema.json). */
  schema: JsonSchema;
  /** Valid documents' text. */
  examples: readonly string[];
  /** Parses, checks that the errors are well formed, and returns their codes ([] when accepted). */
  parse(text: string): readonly string[];
  /** How many cases each property runs in CI. */
  runs: number;
}

export function describeParserFuzz(name: string, p: ParserUnderFuzz): void {
  describe(`${name} fuzzing`, () => {
    it('takes documents generated from the schema, with hostile values, without throwing', () => {
      const codes = new Set<string>();
      fc.assert(
        fc.property(
          hostileValue(p.schema, { resolve: pointerResolver(p.schema) }),
          fc.boolean(),
          (doc, json) => {
            for (const code of p.parse(asText(doc, json))) codes.add(code);
          },
        ),
        fuzzParameters(p.runs),
      );
      // The documents get past the first checks: they reach many of the parser's refusals.
      expect(codes.size, [...codes].join(' ')).toBeGreaterThan(10);
    });

    it('takes hostile values put into the examples at random places without throwing', () => {
      const docs = p.examples.map((text) => parseYaml(text) as unknown);
      let accepted = 0;
      fc.assert(
        fc.property(
          fc.constantFrom(...docs),
          fc.array(fc.tuple(fc.nat(), junkValue), { maxLength: 2 }),
          (doc, changes) => {
            const copy = structuredClone(doc);
            for (const [at, value] of changes) replaceAt(copy, at, value);
            if (p.parse(asText(copy, false)).length === 0) accepted++;
          },
        ),
        fuzzParameters(p.runs),
      );
      // Unchanged and lightly changed examples are accepted: the property reaches past the parser.
      expect(accepted).toBeGreaterThan(0);
    });

    it('takes random edits of the examples without throwing', () => {
      fc.assert(
        fc.property(fc.constantFrom(...p.examples), edits, (base, list) => {
          p.parse(applyEdits(base, list));
        }),
        fuzzParameters(p.runs),
      );
    });
  });
}

/** A document as YAML or JSON text (yaml's stringify can refuse some values: then JSON). */
function asText(doc: unknown, json: boolean): string {
  if (json) return JSON.stringify(doc) ?? 'null';
  try {
    return stringify(doc, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(doc) ?? 'null';
  }
}

const edits = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('delete', 'insert', 'replace'),
    text: fc.string({ maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 8 },
);

function applyEdits(base: string, list: Array<{ at: number; kind: string; text: string }>): string {
  let s = base;
  for (const { at, kind, text } of list) {
    const i = at % (s.length + 1);
    if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
    else if (kind === 'insert') s = s.slice(0, i) + text + s.slice(i);
    else s = s.slice(0, i) + text + s.slice(i + text.length);
  }
  return s;
}

/** Replaces the `at`-th value (in a depth-first walk, modulo their count) of `doc` with `value`. */
function replaceAt(doc: unknown, at: number, value: unknown): void {
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      slots.push([node as Record<string, unknown>, Array.isArray(node) ? Number(k) : k]);
      walk(v);
    }
  };
  walk(doc);
  if (slots.length === 0) return;
  const [parent, key] = slots[at % slots.length]!;
  (parent as Record<string | number, unknown>)[key] = structuredClone(value);
}
