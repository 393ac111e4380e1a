/**
 * fast-check arbitraries generated from a JSON Schema (the subset Strata's schemas and its OpenAPI
 * document use: type, properties, required, additionalProperties, items, enum, const, pattern,
 * minLength, minimum/maximum, anyOf/oneOf, $ref). Two flavours:
 *
 * - `schemaValue`: values the schema mostly admits — deep enough to get past the first check and
 *   reach the code behind it;
 * - `hostileValue`: the same, with a share of each level replaced by what an attacker sends instead:
 *   wrong types, dropped required fields, extra fields (`__proto__`, `constructor`), huge and odd
 *   strings, deep nesting, numbers at the edges.
 *
 * Used by the fuzz suites of the parsers and of the HTTP API (fixed seed, bounded runs in CI).
 */
import fc from 'fast-check';

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface SchemaArbitraryOptions {
  /** Resolves a `$ref` ("#/definitions/x", "#/components/schemas/X") to its schema. */
  resolve(ref: string): JsonSchema | undefined;
  /** How deep objects and arrays nest before a leaf is forced. Default 6. */
  maxDepth?: number;
}

/** A resolver for refs into `root` by JSON pointer ("#/a/b"), the form both our schemas use. */
export function pointerResolver(root: JsonSchema): (ref: string) => JsonSchema | undefined {
  return (ref) => {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node !== null && typeof node === 'object' ? (node as JsonSchema) : undefined;
  };
}

/** What hostile clients send in place of a well-formed value. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\uFFFE',
    '{{item}}',
    '${HOME}',
    "'; DROP TABLE tasks; --",
    '^(a|a)*$',
    '**/*',
    '-1',
    'NaN',
    '1e309',
    'x'.repeat(10_000),
  ),
  fc.constantFrom(-1, 0, 1.5, -0, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, 1e-320, true, false, null),
  fc.constant({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
  fc.constant(deepArray(200)),
);

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Values of `schema` (mostly admitted by it). */
export function schemaValue(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  return build(schema, options, 0, 0);
}

/** Values of `schema` with hostile replacements at every level (`hostility` of them, 0–1). */
export function hostileValue(
  schema: JsonSchema,
  options: SchemaArbitraryOptions,
  hostility = 0.15,
): fc.Arbitrary<unknown> {
  return build(schema, options, 0, hostility);
}

function build(
  schema: JsonSchema,
  o: SchemaArbitraryOptions,
  depth: number,
  hostility: number,
): fc.Arbitrary<unknown> {
  const honest = honestValue(schema, o, depth, hostility);
  if (hostility <= 0) return honest;
  const junkWeight = Math.max(1, Math.round(hostility * 100));
  return fc.oneof(
    { arbitrary: honest, weight: 100 - junkWeight },
    { arbitrary: junkValue, weight: junkWeight },
  );
}

function honestValue(
  s: JsonSchema,
  o: SchemaArbitraryOptions,
  depth: number,
  hostility: number,
): fc.Arbitrary<unknown> {
  const maxDepth = o.maxDepth ?? 6;
  if (typeof s.$ref === 'string') {
    const target = o.resolve(s.$ref);
    if (target === undefined) throw new Error(`schema-arbitrary: cannot resolve ${s.$ref}`);
    return depth > maxDepth ? leaf(target) : honestValue(target, o, depth + 1, hostility);
  }
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    // `{ type: object, properties, oneOf: [{ required: [a] }, { required: [b] }] }`: one of the
    // variants' required fields, and not the others'.
    if (alternatives.every((a) => a.type === undefined && Array.isArray(a.required)))
      return fc.oneof(
        ...alternatives.map((a) => honestValue(requiring(s, a, alternatives), o, depth, hostility)),
      );
    return fc.oneof(...alternatives.map((a) => build(a, o, depth + 1, hostility)));
  }
  const type = Array.isArray(s.type) ? (s.type as string[])[0] : (s.type as string | undefined);
  if (depth > maxDepth) return leaf(s);
  switch (type) {
    case 'object':
      return objectValue(s, o, depth, hostility);
    case 'array': {
      const items = (s.items ?? {}) as JsonSchema | JsonSchema[];
      if (Array.isArray(items)) return fc.tuple(...items.map((i) => build(i, o, depth + 1, hostility)));
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = typeof s.maxItems === 'number' ? s.maxItems : minLength + 4;
      return fc.array(build(items, o, depth + 1, hostility), { minLength, maxLength });
    }
    default:
      return leaf(s);
  }
}

function objectValue(
  s: JsonSchema,
  o: SchemaArbitraryOptions,
  depth: number,
  hostility: number,
): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(properties)) model[key] = build(sub, o, depth + 1, hostility);
  const requiredKeys = Object.keys(properties).filter((k) => required.has(k));
  const fixed = fc.record(model, { requiredKeys });
  const more = s.additionalProperties;
  const names = {
    type: 'string',
    minLength: 1,
    maxLength: 12,
    ...(s.propertyNames as JsonSchema | undefined),
  };
  const record =
    more !== null && typeof more === 'object'
      ? fc
          .tuple(
            fixed,
            fc.dictionary(
              leaf(names) as fc.Arbitrary<string>,
              build(more as JsonSchema, o, depth + 1, hostility),
              { maxKeys: 4 },
            ),
          )
          .map(([a, b]) => ({ ...b, ...(a as object) }))
      : fixed;
  if (hostility <= 0) return record;
  // Now and then a required field goes missing, or an extra one comes along.
  return fc
    .tuple(
      record,
      fc.option(fc.constantFrom(...requiredKeys, 'name'), { freq: 8 }),
      fc.option(extraField, { freq: 8 }),
    )
    .map(([value, drop, extra]) => {
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      if (drop !== null) delete out[drop];
      if (extra !== null) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true });
      return out;
    });
}

/** `s` without the `anyOf`/`oneOf`, requiring `chosen`'s fields and leaving out the other variants'. */
function requiring(s: JsonSchema, chosen: JsonSchema, all: readonly JsonSchema[]): JsonSchema {
  const need = chosen.required as string[];
  const others = new Set(all.flatMap((a) => (a === chosen ? [] : (a.required as string[]))));
  const properties = Object.fromEntries(
    Object.entries((s.properties ?? {}) as Record<string, JsonSchema>).filter(
      ([k]) => !others.has(k) || need.includes(k),
    ),
  );
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = s;
  return { ...rest, properties, required: [...((s.required ?? []) as string[]), ...need] };
}

const extraField = fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'x', ''), junkValue);

function leaf(s: JsonSchema): fc.Arbitrary<unknown> {
  const type = Array.isArray(s.type) ? (s.type as string[])[0] : (s.type as string | undefined);
  switch (type) {
    case 'string': {
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Math.max(minLength, 24);
      if (typeof s.pattern === 'string') {
        const matching = stringMatching(s.pattern);
        if (matching !== undefined)
          return fc.oneof(
            { arbitrary: matching, weight: 4 },
            { arbitrary: fc.string({ minLength, maxLength }), weight: 1 },
          );
      }
      return fc.string({ minLength, maxLength });
    }
    case 'integer':
      return fc.integer({ min: bound(s, 'minimum', -1e6), max: bound(s, 'maximum', 1e6) });
    case 'number':
      return fc.double({
        min: bound(s, 'minimum', -1e6),
        max: bound(s, 'maximum', 1e6),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'object':
      return fc.constant({});
    case 'array':
      return fc.constant([]);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings matching `pattern`, or undefined where fast-check cannot generate them (lookaround). */
function stringMatching(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern, 'u'));
  } catch {
    return undefined;
  }
}

function bound(s: JsonSchema, key: 'minimum' | 'maximum', fallback: number): number {
  const v = s[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
