/**
 * An hpc site of the platform model can name a Slurm executor: the parser and the JSON Schema agree
 * on the block's fields, a valid block becomes the options of a SlurmExecutor, and the CLI refuses
 * what it cannot use with BAD_OPTION. (Malformed blocks and their PLATFORM_* errors are in the
 * malformed-file table of src/platform/parse-platform.test.ts; runs on real Slurm in slurm.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { executorFromFlags } from '../src/cli/executor-option.js';
import { SlurmExecutor, slurmOptionsFromSite } from '../src/executors/slurm/index.js';
import { parsePlatform } from '../src/platform/index.js';
import { PLATFORM_FIELDS } from '../src/platform/platform-schema.js';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
}
const schemaText = readFileSync(join(import.meta.dirname, '..', 'schemas', 'platform.schema.json'), 'utf8');
const schema = JSON.parse(schemaText) as SchemaNode;
const validate = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
}).compile(JSON.parse(schemaText) as Record<string, unknown>);

const PLATFORM = [
  'name: p',
  'sites:',
  '  - id: cluster',
  '    kind: hpc',
  '    carbon: 50',
  '    executor:',
  '      kind: slurm',
  '      partition: gpu',
  '      account: proj42',
  '      qos: high',
  '      poll_interval: 500ms',
  '      gnu_time: /opt/bin/time',
  '      ssh: { host: login1.example.org, user: alice, port: 2222, identity: /keys/id, options: [ControlMaster=auto] }',
  '  - { id: edge, kind: edge, carbon: 300, executor: local }',
  'node_types:',
  '  - { id: n, site: cluster, count: 2, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
  '',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'strata-slurm-platform-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Slurm executor on an hpc site', () => {
  it('has the same fields in the parser and in the JSON Schema', () => {
    const keys = (node: SchemaNode | undefined) => Object.keys(node?.properties ?? {}).sort();
    expect(keys(schema.definitions?.executor)).toEqual([...PLATFORM_FIELDS.executor].sort());
    expect(keys(schema.definitions?.ssh)).toEqual([...PLATFORM_FIELDS.ssh].sort());
  });

  it('is accepted by both, and becomes the options of a SlurmExecutor', () => {
    const result = parsePlatform(PLATFORM, { file: 'p.yaml' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(validate(parseYaml(PLATFORM))).toBe(true);
    const [cluster, edge] = result.platform.sites;
    expect(cluster?.executor).toBe('slurm:gpu');
    expect(edge?.executor).toBe('local');
    expect(slurmOptionsFromSite(cluster!)).toEqual({
      nodeId: 'cluster:slurm',
      partition: 'gpu',
      account: 'proj42',
      qos: 'high',
      pollIntervalMs: 500,
      gnuTime: '/opt/bin/time',
      ssh: {
        host: 'login1.example.org',
        user: 'alice',
        port: 2222,
        identity: '/keys/id',
        options: ['ControlMaster=auto'],
      },
    });
    expect(slurmOptionsFromSite(edge!)).toMatch(/no Slurm executor block/);
    const short = { id: 's', kind: 'hpc' as const, carbon: { kind: 'constant' as const, gPerKWh: 1 } };
    expect(slurmOptionsFromSite({ ...short, executor: 'slurm:batch' })).toEqual({
      nodeId: 's:slurm',
      partition: 'batch',
    });
    expect(slurmOptionsFromSite({ ...short, executor: 'slurm' })).toEqual({ nodeId: 's:slurm' });
    const bareText = PLATFORM.replace('gnu_time: /opt/bin/time', 'gnu_time: false');
    const bare = parsePlatform(bareText, { file: 'p.yaml' });
    if (!bare.ok) throw new Error(JSON.stringify(bare.errors));
    expect(validate(parseYaml(bareText))).toBe(true);
    expect(slurmOptionsFromSite(bare.platform.sites[0]!)).toMatchObject({ gnuTime: null });
  });

  it('is what `--platform FILE --site ID` runs on, and the command line wins', async () => {
    const file = join(dir, 'p.yaml');
    writeFileSync(file, PLATFORM);
    const executor = executorFromFlags({ platform: file, site: 'cluster', partition: 'debug' });
    expect(executor).toBeInstanceOf(SlurmExecutor);
    const [node] = await executor!.nodes();
    expect(node?.labels).toEqual({ runner: 'ssh alice@login1.example.org', partition: 'debug' });
    await executor!.close();
  });

  it.each([
    [{ executor: 'k8s' }, /--executor must be local or slurm/],
    [{ partition: 'debug' }, /--partition needs --executor slurm/],
    [{ executor: 'slurm', qos: 'a b' }, /not a Slurm qos name/],
    [{ platform: 'p.yaml' }, /--platform and --site go together/],
    [{ platform: join(dir, 'missing.yaml'), site: 'x' }, /cannot read platform file/],
  ])('refuses %j with BAD_OPTION', (flags, message) => {
    expect(() => executorFromFlags(flags)).toThrow(message);
    try {
      executorFromFlags(flags);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('BAD_OPTION');
    }
  });

  it('is not used unless asked for', () => {
    expect(executorFromFlags({})).toBeUndefined();
    expect(executorFromFlags({ executor: 'local' })).toBeUndefined();
  });
});
