/**
 * schemas/workflow.schema.json and the parser describe one format. These tests keep them in step:
 * same fields everywhere, same patterns, and every example, fixture and documented spec accepted
 * by both. (The malformed-spec table checks that the schema rejects what it can see is wrong.)
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DURATION_PATTERN } from './durations.js';
import { formatSpecError, parseWorkflowSpec } from './index.js';
import { QUANTITY_PATTERN } from './quantities.js';
import { ENV_NAME_PATTERN, NAME_PATTERN, SPEC_FIELDS } from './workflow-schema.js';
import { readRepoDir, readRepoFile, workflowSchemaValidator } from './testing/repo-files.js';
import { openMappings } from './testing/open-mappings.js';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  pattern?: string;
  propertyNames?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
}

const schema = JSON.parse(readRepoFile('schemas/workflow.schema.json')) as SchemaNode;
const defs = schema.definitions ?? {};
const keys = (node: SchemaNode | undefined): string[] => Object.keys(node?.properties ?? {}).sort();
const objectForm = (node: SchemaNode | undefined): SchemaNode | undefined =>
  node?.anyOf?.find((n) => n.properties);

/** Glob results for specs that use `foreach: { glob }`. */
const listFiles = (): string[] => ['data/a.csv', 'data/b.csv'];

function expectValid(name: string, text: string): void {
  const result = parseWorkflowSpec(text, { file: name, listFiles });
  expect(result.ok ? [] : result.errors.map(formatSpecError), `parser on ${name}`).toEqual([]);
  const validate = workflowSchemaValidator();
  const valid = validate(parseYaml(text));
  expect(valid ? [] : validate.errors, `schema on ${name}`).toEqual([]);
}

describe('the JSON Schema and the parser', () => {
  it('allow the same fields in every mapping', () => {
    const fieldsOf = (context: keyof typeof SPEC_FIELDS): string[] => [...SPEC_FIELDS[context]].sort();
    const foreach = defs.foreach;
    expect(keys(schema)).toEqual(fieldsOf('top'));
    expect(keys(defs.defaults)).toEqual(fieldsOf('defaults'));
    expect(keys(defs.task)).toEqual(fieldsOf('task'));
    expect(keys(defs.resources)).toEqual(fieldsOf('resources'));
    expect(keys(objectForm(defs.retries))).toEqual(fieldsOf('retries'));
    expect(keys(defs.validate)).toEqual(fieldsOf('validate'));
    expect(keys(foreach)).toEqual(fieldsOf('foreach'));
    expect(keys(objectForm(foreach?.properties?.range))).toEqual(fieldsOf('range'));
  });

  it('closes every mapping (additionalProperties: false), so editors flag unknown fields', () => {
    expect(openMappings(schema)).toEqual([]);
  });

  it('use the same patterns for names, durations and quantities', () => {
    expect(defs.name?.pattern).toBe(NAME_PATTERN);
    expect(defs.env?.propertyNames?.pattern).toBe(ENV_NAME_PATTERN);
    expect(defs.duration?.anyOf?.[1]?.pattern).toBe(DURATION_PATTERN);
    expect(defs.positiveDuration?.anyOf?.[1]?.pattern).toBe(DURATION_PATTERN);
    expect(defs.quantity?.anyOf?.[1]?.pattern).toBe(QUANTITY_PATTERN);
  });

  const examples = readRepoDir('examples', ['.yaml', '.yml', '.json']);
  it('finds the examples', () => {
    expect(examples.map(([path]) => path)).toEqual(
      expect.arrayContaining(['examples/quickstart.yaml', 'examples/fan-out-in.yaml']),
    );
  });
  it.each(examples)('both accept %s', (path, text) => expectValid(path, text));

  it.each(readRepoDir('test/fixtures/specs/valid', ['.yaml', '.json']))('both accept %s', (path, text) =>
    expectValid(path, text),
  );

  const documented = [...readRepoFile('docs/workflow-format.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .filter((block) => block.startsWith('name:'));
  it('finds the complete specs in docs/workflow-format.md', () => {
    expect(documented.length).toBeGreaterThanOrEqual(5);
  });
  it.each(documented.map((block) => [block.split('\n', 1)[0] ?? '', block]))(
    'both accept the documented spec "%s"',
    (name, text) => expectValid(`docs/workflow-format.md (${name})`, text),
  );

  it.each([
    ['a task without command or shell', { name: 'w', tasks: [{ name: 'a' }] }],
    ['an unknown top-level field', { name: 'w', tasks: [{ name: 'a', shell: 'x' }], extra: 1 }],
    ['a foreach with no kind', { name: 'w', tasks: [{ name: 'a', shell: 'x', foreach: {} }] }],
    ['a negative duration', { name: 'w', tasks: [{ name: 'a', shell: 'x', timeout: -1 }] }],
    [
      'a duration with units out of order',
      { name: 'w', tasks: [{ name: 'a', shell: 'x', timeout: '1m1h' }] },
    ],
    ['fractional bytes', { name: 'w', tasks: [{ name: 'a', shell: 'x', resources: { memory: 1.5 } }] }],
    ['an env name with a dash', { name: 'w', tasks: [{ name: 'a', shell: 'x', env: { 'A-B': '1' } }] }],
    [
      'a validate with command and shell',
      { name: 'w', tasks: [{ name: 'a', shell: 'x', validate: { command: ['t'], shell: 't' } }] },
    ],
    ['a factor below 1', { name: 'w', tasks: [{ name: 'a', shell: 'x', retries: { factor: 0.5 } }] }],
  ])('both reject %s', (_title, doc) => {
    expect(workflowSchemaValidator()(doc)).toBe(false);
    expect(parseWorkflowSpec(JSON.stringify(doc), { file: 'x.json' }).ok).toBe(false);
  });
});
