/**
 * schemas/platform.schema.json and the platform parser describe one format. These tests keep them
 * in step: same fields in every mapping, same patterns, every example and fixture accepted by both,
 * and representative bad files rejected by both. (The malformed-file table in
 * parse-platform.test.ts checks the schema's verdict on each of its cases too.)
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DURATION_PATTERN } from '../spec/durations.js';
import { formatSpecError } from '../spec/index.js';
import { parsePlatform } from './index.js';
import { PLATFORM_FIELDS, SITE_KINDS } from './platform-schema.js';
import { BANDWIDTH_PATTERN, ENERGY_PATTERN, LATENCY_PATTERN, POWER_PATTERN } from './platform-units.js';
import { QUANTITY_PATTERN } from '../spec/quantities.js';
import { NAME_PATTERN } from '../spec/schema-field-reader.js';
import { readRepoDir, readRepoFile } from '../spec/testing/repo-files.js';
import { openMappings } from '../spec/testing/open-mappings.js';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  enum?: unknown[];
  pattern?: string;
  additionalProperties?: boolean | SchemaNode;
}

const schema = JSON.parse(readRepoFile('schemas/platform.schema.json')) as SchemaNode;
const defs = schema.definitions ?? {};
const keys = (node: SchemaNode | undefined): string[] => Object.keys(node?.properties ?? {}).sort();
const objectForm = (node: SchemaNode | undefined): SchemaNode | undefined =>
  node?.anyOf?.find((n) => n.properties);
const stringPattern = (node: SchemaNode | undefined): string | undefined =>
  node?.anyOf?.find((n) => n.pattern !== undefined)?.pattern;

// Strict, so that a mistake in the schema fails loudly (strictRequired is off: oneOf of `required`
// is the idiom for "exactly one of speed and gflops").
const validate = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
}).compile(schema);

function expectValid(name: string, text: string): void {
  const result = parsePlatform(text, { file: name });
  expect(result.ok ? [] : result.errors.map(formatSpecError), `parser on ${name}`).toEqual([]);
  const valid = validate(parseYaml(text));
  expect(valid ? [] : validate.errors, `schema on ${name}`).toEqual([]);
}

describe('the platform JSON Schema and the parser', () => {
  it('allow the same fields in every mapping', () => {
    const fieldsOf = (context: keyof typeof PLATFORM_FIELDS): string[] =>
      [...PLATFORM_FIELDS[context]].sort();
    expect(keys(schema)).toEqual(fieldsOf('top'));
    expect(keys(defs.site)).toEqual(fieldsOf('site'));
    expect(keys(defs.location)).toEqual(fieldsOf('location'));
    expect(keys(objectForm(defs.carbon))).toEqual(fieldsOf('carbon'));
    expect(keys(defs.nodeType)).toEqual(fieldsOf('nodeType'));
    expect(keys(defs.nodeType?.properties?.power)).toEqual(fieldsOf('power'));
    expect(keys(defs.nodeType?.properties?.power?.properties?.gpu)).toEqual(fieldsOf('gpuPower'));
    expect(keys(defs.link)).toEqual(fieldsOf('link'));
    expect(keys(defs.intraSite)).toEqual(fieldsOf('intraSite'));
    expect(defs.site?.properties?.kind?.enum).toEqual([...SITE_KINDS]);
  });

  it('closes every mapping (additionalProperties: false), so editors flag unknown fields', () => {
    expect(openMappings(schema)).toEqual([]);
  });

  it('use the same patterns as the parser', () => {
    expect(defs.name?.pattern).toBe(NAME_PATTERN);
    expect(stringPattern(defs.duration)).toBe(DURATION_PATTERN);
    expect(stringPattern(defs.quantity)).toBe(QUANTITY_PATTERN);
    expect(stringPattern(defs.bandwidth)).toBe(BANDWIDTH_PATTERN);
    expect(stringPattern(defs.latency)).toBe(LATENCY_PATTERN);
    expect(stringPattern(defs.power)).toBe(POWER_PATTERN);
    expect(stringPattern(defs.energy)).toBe(ENERGY_PATTERN);
  });

  it.each(readRepoDir('examples/platforms', ['.yaml']))('both accept %s', (path, text) =>
    expectValid(path, text),
  );

  it.each(readRepoDir('test/fixtures/platforms/valid', ['.yaml', '.json']))('both accept %s', (path, text) =>
    expectValid(path, text),
  );

  const documented = [...readRepoFile('docs/platform-format.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .filter((block) => block.startsWith('name:'));
  it('finds the complete platforms in docs/platform-format.md', () => {
    expect(documented.length).toBeGreaterThanOrEqual(2);
  });
  it.each(documented.map((block) => [block.split('\n', 1)[0] ?? '', block]))(
    'both accept the documented platform "%s"',
    (name, text) => expectValid(`docs/platform-format.md (${name})`, text),
  );

  const site = { id: 'a', kind: 'hpc', carbon: 1 };
  const node = {
    id: 'n',
    site: 'a',
    count: 1,
    cores: 1,
    speed: 1,
    memory: '1Gi',
    power: { idle: 1, max: 2 },
  };
  const link = { from: 'a', to: 'b', bandwidth: '1Gbps', latency: '1ms', energy: 0 };
  const two = [site, { id: 'b', kind: 'edge', carbon: 1 }];
  it.each([
    ['no sites', { name: 'p', sites: [], node_types: [node] }],
    ['no node types', { name: 'p', sites: [site], node_types: [] }],
    ['an unknown top-level field', { name: 'p', sites: [site], node_types: [node], nodes: [] }],
    ['a site kind that does not exist', { name: 'p', sites: [{ ...site, kind: 'fog' }], node_types: [node] }],
    ['a negative carbon intensity', { name: 'p', sites: [{ ...site, carbon: -1 }], node_types: [node] }],
    [
      'a carbon point that is not a pair',
      { name: 'p', sites: [{ ...site, carbon: { series: [[0]] } }], node_types: [node] },
    ],
    ['both speed and gflops', { name: 'p', sites: [site], node_types: [{ ...node, gflops: 10 }] }],
    ['fractional cores', { name: 'p', sites: [site], node_types: [{ ...node, cores: 1.5 }] }],
    ['memory in MB', { name: 'p', sites: [site], node_types: [{ ...node, memory: '512MB' }] }],
    [
      'power in lower case',
      { name: 'p', sites: [site], node_types: [{ ...node, power: { idle: '1w', max: 2 } }] },
    ],
    [
      'bandwidth with a space',
      { name: 'p', sites: two, node_types: [node], links: [{ ...link, bandwidth: '1 Gbps' }] },
    ],
    [
      'binary bits (Gibps)',
      { name: 'p', sites: two, node_types: [node], links: [{ ...link, bandwidth: '1Gibps' }] },
    ],
    ['energy per bit', { name: 'p', sites: two, node_types: [node], links: [{ ...link, energy: '2nJ/b' }] }],
    [
      'a link without latency',
      { name: 'p', sites: two, node_types: [node], links: [{ ...link, latency: undefined }] },
    ],
  ])('both reject %s', (_title, doc) => {
    const plain = JSON.parse(JSON.stringify(doc)) as unknown;
    expect(validate(plain)).toBe(false);
    expect(parsePlatform(JSON.stringify(plain), { file: 'x.json' }).ok).toBe(false);
  });
});
