/**
 * The platform parser: malformed files, each with the exact errors it gets (code, position, field
 * path, message, hint) and whether the JSON Schema rejects it too; the example platforms with the
 * node counts they claim; unit conversions; and the error codes against docs/errors.md.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { platformNodeCount, type Platform } from '../model/platform.js';
import { formatSpecError } from '../spec/index.js';
import { parsePlatform, PLATFORM_ERROR_CODES } from './index.js';
import { PLATFORM_FIELDS } from './platform-schema.js';
import { FREQUENCY_PATTERN } from './platform-units.js';
import { Ajv } from 'ajv';
import { readRepoDir, readRepoFile } from '../spec/testing/repo-files.js';
import type { ExpectedError } from '../spec/testing/expected-error.js';

/** schemas/platform.schema.json, compiled as workflowSchemaValidator compiles the workflow schema. */
const platformSchemaValidator = (() => {
  const validate = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  }).compile(JSON.parse(readRepoFile('schemas/platform.schema.json')) as Record<string, unknown>);
  return () => validate;
})();

type Expected = ExpectedError & { hint: string };

interface Case {
  title: string;
  yaml: string;
  errors: Expected[];
  /** Whether the JSON Schema rejects the document too (it cannot see cross-references). */
  schema: 'rejects' | 'accepts' | 'n/a';
}

/** Joins lines, so that line numbers in the expectations can be counted. */
const y = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** A platform of one node type whose `frequency` and `power` are the lines given, from line 11 on. */
const cpuType = (...lines: string[]): string =>
  y(
    'name: p',
    'sites:',
    '  - { id: hpc, kind: hpc, carbon: 50 }',
    'node_types:',
    '  - id: cpu',
    '    site: hpc',
    '    count: 4',
    '    cores: 8',
    '    speed: 1',
    '    memory: 16Gi',
    ...lines,
  );
const FREQUENCY_HINT = 'write e.g. frequency: 2.45GHz (units Hz, kHz, MHz, GHz; a unit is required)';

const cases: Case[] = [
  {
    title: 'YAML syntax error: a quote not closed',
    yaml: y('name: "p', 'sites: []'),
    schema: 'n/a',
    errors: [
      {
        code: 'PLATFORM_YAML_SYNTAX',
        line: 3,
        column: 1,
        path: '',
        message: 'invalid YAML: Missing closing "quote',
        hint: 'a quoted string is not closed: add the closing quote',
      },
    ],
  },
  {
    title: 'top level is a list',
    yaml: y('- name: p'),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_NOT_A_MAPPING',
        line: 1,
        column: 1,
        path: '',
        message: 'a platform must be a mapping with "name", "sites" and "node_types", got a list',
        hint: 'start the file with "name: my-platform" followed by "sites:" and "node_types:" lists',
      },
    ],
  },
  {
    title: 'a misspelt field gets a did-you-mean, and no missing-field error',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - id: cpu',
      '    site: hpc',
      '    count: 4',
      '    cores: 8',
      '    speed: 1',
      '    memroy: 16Gi',
      '    power: { idle: 50W, max: 200W }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_UNKNOWN_FIELD',
        line: 10,
        column: 5,
        path: 'node_types[0].memroy',
        message: 'unknown field "memroy"',
        hint: 'did you mean "memory"?',
      },
    ],
  },
  {
    title: 'a number written as a string',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: "8", speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_WRONG_TYPE',
        line: 5,
        column: 44,
        path: 'node_types[0].cores',
        message: 'expected a number of cores, got the string "8"',
        hint: 'write a whole number, 1 or more (cores per node)',
      },
    ],
  },
  {
    title: 'a site without carbon',
    yaml: y(
      'name: p',
      'sites:',
      '  - id: hpc',
      '    kind: hpc',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_MISSING_FIELD',
        line: 3,
        column: 5,
        path: 'sites[0].carbon',
        message: 'missing required field "carbon"',
        hint: 'add the grid carbon intensity in gCO2e/kWh, e.g. "carbon: 300", or a daily series',
      },
    ],
  },
  {
    title: 'a node type on a site that does not exist',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hcp, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_UNKNOWN_SITE',
        line: 5,
        column: 22,
        path: 'node_types[0].site',
        message: 'unknown site "hcp"',
        hint: 'did you mean "hpc"?',
      },
    ],
  },
  {
    title: 'two node types with one id',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_DUPLICATE_ID',
        line: 6,
        column: 11,
        path: 'node_types[1].id',
        message: 'node type id "cpu" is already used (line 5)',
        hint: 'give each node type its own id',
      },
    ],
  },
  {
    title: 'memory in MB (ambiguous)',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 512GB, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_QUANTITY',
        line: 5,
        column: 65,
        path: 'node_types[0].memory',
        message: 'invalid memory quantity "512GB"',
        hint: 'did you mean 512Gi (binary) or 512G (decimal)?',
      },
    ],
  },
  {
    title: 'a bandwidth with a space before the unit',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      '  - { id: cloud, kind: cloud, carbon: 300 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
      'links:',
      '  - { from: hpc, to: cloud, bandwidth: 10 Gbps, latency: 5ms, energy: 2nJ/B }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_QUANTITY',
        line: 8,
        column: 40,
        path: 'links[0].bandwidth',
        message: 'invalid bandwidth "10 Gbps"',
        hint: 'did you mean 10Gbps?',
      },
    ],
  },
  {
    title: 'a carbon series out of order',
    yaml: y(
      'name: p',
      'sites:',
      '  - id: hpc',
      '    kind: hpc',
      '    carbon:',
      '      series: [[0, 300], [2h, 200], [1h, 250]]',
      '      period: 24h',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_BAD_CARBON',
        line: 6,
        column: 38,
        path: 'sites[0].carbon.series[2][0]',
        message: 'the series is not sorted: 3600 s comes after 7200 s',
        hint: 'list the points in increasing time order, each time once',
      },
    ],
  },
  {
    title: 'a negative carbon intensity',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: -20 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_CARBON',
        line: 3,
        column: 35,
        path: 'sites[0].carbon',
        message: 'carbon intensity -20 is negative',
        hint: 'write gCO2e per kWh, 0 or more (e.g. 50 for a hydro/nuclear grid, 400 for a gas-heavy one)',
      },
    ],
  },
  {
    title: 'idle power above max power',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 300W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_POWER_ORDER',
        line: 5,
        column: 97,
        path: 'node_types[0].power.max',
        message: 'the power at idle (300 W) is more than at full load (200 W)',
        hint: 'idle is the power of a node doing nothing, max at 100 % load; idle <= max, max > 0',
      },
    ],
  },
  {
    title: 'every count 0',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 0, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_NO_NODES',
        line: 5,
        column: 3,
        path: 'node_types',
        message: 'the platform has no nodes (every count is 0)',
        hint: 'add a node type with a count of at least 1',
      },
    ],
  },
  {
    title: 'a link from a site to itself',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
      'links:',
      '  - { from: hpc, to: hpc, bandwidth: 10Gbps, latency: 5ms, energy: 2nJ/B }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_SELF_LINK',
        line: 7,
        column: 22,
        path: 'links[0].to',
        message: 'the link goes from site "hpc" to itself',
        hint: 'links join two different sites; transfers inside a site use "intra_site"',
      },
    ],
  },
  {
    title: 'the same link twice, once each way',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      '  - { id: cloud, kind: cloud, carbon: 300 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
      'links:',
      '  - { from: hpc, to: cloud, bandwidth: 10Gbps, latency: 5ms, energy: 2nJ/B }',
      '  - { from: cloud, to: hpc, bandwidth: 1Gbps, latency: 5ms, energy: 2nJ/B }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_DUPLICATE_LINK',
        line: 9,
        column: 5,
        path: 'links[1]',
        message: 'sites "cloud" and "hpc" are already linked (line 8); links go both ways',
        hint: 'keep one link per pair of sites',
      },
    ],
  },
  {
    title: 'both speed and gflops',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, gflops: 10, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_SPEED_AND_GFLOPS',
        line: 5,
        column: 57,
        path: 'node_types[0].gflops',
        message: 'the node type has both "speed" and "gflops"',
        hint: 'keep one: speed is relative to the reference core, gflops per core is divided by 10',
      },
    ],
  },
  {
    title: 'a site kind in capitals',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: HPC, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_INVALID_CHOICE',
        line: 3,
        column: 22,
        path: 'sites[0].kind',
        message: '"HPC" is not one of "hpc", "cloud", "edge" or "device"',
        hint: 'did you mean "hpc"?',
      },
    ],
  },
  {
    title: 'a key twice (YAML level)',
    yaml: y(
      'name: p',
      'name: q',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'n/a',
    errors: [
      {
        code: 'PLATFORM_DUPLICATE_KEY',
        line: 2,
        column: 1,
        path: 'name',
        message: 'field "name" appears twice in the same mapping',
        hint: 'keep one of them; the first one is used so far',
      },
    ],
  },
  {
    title: 'an unknown format version',
    yaml: y(
      'version: 2',
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_UNSUPPORTED_VERSION',
        line: 1,
        column: 10,
        path: 'version',
        message: 'platform format version 2 is not supported (this Strata reads version 1)',
        hint: 'write version: 1, or remove the field',
      },
    ],
  },
  {
    title: 'gpu_speed without gpus',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, gpu_speed: 1.5, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_GPU_SPEED_WITHOUT_GPUS',
        line: 5,
        column: 71,
        path: 'node_types[0].gpu_speed',
        message: 'the node type has "gpu_speed" but no GPUs',
        hint: 'add "gpus: N", or remove gpu_speed',
      },
    ],
  },
  {
    title: 'GPU power without gpus',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W, gpu: { idle: 10W, max: 70W } } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_GPU_POWER_WITHOUT_GPUS',
        line: 5,
        column: 102,
        path: 'node_types[0].power.gpu',
        message: 'the node type gives GPU power ("power.gpu") but has no GPUs',
        hint: 'add "gpus: N", or remove power.gpu',
      },
    ],
  },
  {
    title: 'a CPU frequency without a unit',
    yaml: cpuType('    frequency: 2.45', '    power: { idle: 50W, max: 200W }'),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_FREQUENCY',
        line: 11,
        column: 16,
        path: 'node_types[0].frequency',
        message: 'frequency 2.45 has no unit',
        hint: FREQUENCY_HINT,
      },
    ],
  },
  {
    title: 'a DVFS level with a lower-case unit and no max',
    yaml: cpuType(
      '    frequency: 2.45GHz',
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      dvfs:',
      '        - { frequency: 2ghz }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_MISSING_FIELD',
        line: 16,
        column: 11,
        path: 'node_types[0].power.dvfs[0].max',
        message: 'missing required field "max"',
        hint: 'write each level as { frequency, max }, e.g. dvfs: [{ frequency: 2.0GHz, max: 300W }, { frequency: 1.5GHz, max: 210W }]',
      },
      {
        code: 'PLATFORM_BAD_FREQUENCY',
        line: 16,
        column: 24,
        path: 'node_types[0].power.dvfs[0].frequency',
        message: 'invalid frequency "2ghz"',
        hint: 'did you mean 2GHz?',
      },
    ],
  },
  {
    title: 'DVFS levels without the nominal frequency',
    yaml: cpuType(
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      dvfs:',
      '        - { frequency: 2.0GHz, max: 300W }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_DVFS_WITHOUT_FREQUENCY',
        line: 14,
        column: 7,
        path: 'node_types[0].power.dvfs',
        message: 'the node type has DVFS levels ("power.dvfs") but no nominal "frequency"',
        hint: 'add the CPU frequency that speed and power.max are given at, e.g. "frequency: 2.45GHz", or remove power.dvfs',
      },
    ],
  },
  {
    title: 'a DVFS level at the nominal frequency, and one frequency twice in other units',
    yaml: cpuType(
      '    frequency: 2.45GHz',
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      dvfs:',
      '        - { frequency: 2450MHz, max: 400W }',
      '        - { frequency: 2GHz, max: 300W }',
      '        - { frequency: 2000MHz, max: 300W }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_DVFS_FREQUENCY',
        line: 16,
        column: 24,
        path: 'node_types[0].power.dvfs[0].frequency',
        message: 'level frequency 2450MHz is not below the nominal frequency (2.45GHz)',
        hint: 'list only frequencies lower than the node type\'s "frequency:" (that one is the nominal level already)',
      },
      {
        code: 'PLATFORM_DVFS_FREQUENCY',
        line: 18,
        column: 24,
        path: 'node_types[0].power.dvfs[2].frequency',
        message: 'frequency 2000MHz is listed twice (first on line 17)',
        hint: 'give each level its own frequency; keep one entry',
      },
    ],
  },
  {
    title: 'DVFS level power below idle and above the nominal max',
    yaml: cpuType(
      '    frequency: 2.45GHz',
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      dvfs:',
      '        - { frequency: 2.2GHz, max: 0.45kW }',
      '        - { frequency: 1.2GHz, max: 90W }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_DVFS_POWER',
        line: 16,
        column: 37,
        path: 'node_types[0].power.dvfs[0].max',
        message: 'the full-load power at 2.2GHz (450 W) is more than at the nominal frequency (408 W)',
        hint: 'a lower frequency draws less: write the full-load power measured at that frequency, at most power.max',
      },
      {
        code: 'PLATFORM_DVFS_POWER',
        line: 17,
        column: 37,
        path: 'node_types[0].power.dvfs[1].max',
        message: 'the full-load power at 1.2GHz (90 W) is less than the idle power (94.6 W)',
        hint: 'idle power does not change with the frequency: write the power with every core busy at that frequency, between power.idle and power.max',
      },
    ],
  },
  {
    title: 'DVFS level power rising as the frequency goes down (levels in any order)',
    yaml: cpuType(
      '    frequency: 2.45GHz',
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      dvfs:',
      '        - { frequency: 1.5GHz, max: 320W }',
      '        - { frequency: 2.0GHz, max: 300W }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_DVFS_POWER',
        line: 16,
        column: 37,
        path: 'node_types[0].power.dvfs[0].max',
        message: 'the full-load power at 1.5GHz (320 W) is more than at 2.0GHz (300 W)',
        hint: 'power at full load must not increase as the frequency goes down; check the two figures',
      },
    ],
  },
  {
    title: 'DVFS levels under the GPU power',
    yaml: cpuType(
      '    gpus: 2',
      '    frequency: 2.45GHz',
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      gpu: { idle: 50W, max: 400W, dvfs: [{ frequency: 1GHz, max: 200W }] }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_UNKNOWN_FIELD',
        line: 16,
        column: 36,
        path: 'node_types[0].power.gpu.dvfs',
        message: 'unknown field "dvfs"',
        hint: '"dvfs" is a field of a node type\'s power (GPU power does not change with the CPU frequency), not of this mapping',
      },
    ],
  },
  {
    title: 'a latency with a space before the unit',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'intra_site: { bandwidth: 100Gbps, latency: 2 us }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_DURATION',
        line: 4,
        column: 44,
        path: 'intra_site.latency',
        message: 'invalid latency "2 us"',
        hint: 'write a duration like 5ms, 0.2ms, 20us or 1s (a plain number is seconds)',
      },
    ],
  },
  {
    title: 'a carbon period shorter than the series',
    yaml: y(
      'name: p',
      'sites:',
      '  - id: hpc',
      '    kind: hpc',
      '    carbon: { series: [[0, 300], [12h, 200]], period: 6h }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_BAD_CARBON',
        line: 5,
        column: 55,
        path: 'sites[0].carbon.period',
        message: 'the period (21600 s) must be longer than the time of the last point (43200 s)',
        hint: 'make the period the length of the whole profile, e.g. 24h for a daily one',
      },
    ],
  },
  {
    title: 'a carbon series not starting at 0',
    yaml: y(
      'name: p',
      'sites:',
      '  - id: hpc',
      '    kind: hpc',
      '    carbon: { series: [[1h, 300]] }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_BAD_CARBON',
        line: 5,
        column: 25,
        path: 'sites[0].carbon.series[0][0]',
        message: 'the series starts at 3600 s, not at 0',
        hint: 'start the series with a point at time 0 (the value until the second point)',
      },
    ],
  },
  {
    title: 'a data file on a misspelt site',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
      'data:',
      '  input.csv: hpcc',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_UNKNOWN_SITE',
        line: 7,
        column: 14,
        path: 'data["input.csv"]',
        message: 'unknown site "hpcc"',
        hint: 'did you mean "hpc"?',
      },
    ],
  },
  {
    title: 'neither speed nor gflops',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_NO_SPEED',
        line: 5,
        column: 5,
        path: 'node_types[0]',
        message: 'the node type has neither "speed" nor "gflops"',
        hint: 'add speed: 1 for a reference core, or gflops: N per core (10 GFLOPS = speed 1)',
      },
    ],
  },
  {
    title: 'a site id with a space',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: "my site", kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_INVALID_NAME',
        line: 3,
        column: 11,
        path: 'sites[0].id',
        message: 'invalid site id "my site"',
        hint: 'use letters, digits, ".", "_" and "-", starting with a letter, digit or "_" (at most 128 characters)',
      },
      {
        code: 'PLATFORM_UNKNOWN_SITE',
        line: 5,
        column: 22,
        path: 'node_types[0].site',
        message: 'unknown site "hpc"',
        hint: 'define it under "sites:", or use one of "my site"',
      },
    ],
  },
  {
    title: 'an empty site list',
    yaml: y(
      'name: p',
      'sites: []',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_NO_SITES',
        line: 2,
        column: 8,
        path: 'sites',
        message: 'the platform has no sites',
        hint: 'add at least one site, e.g. "- { id: hpc, kind: hpc, carbon: 50 }"',
      },
    ],
  },
  {
    title: 'more nodes than the limit',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50 }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 2000000, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'PLATFORM_TOO_MANY_NODES',
        line: 5,
        column: 3,
        path: 'node_types',
        message: 'the platform has 2000000 nodes, more than 1000000',
        hint: 'check the counts; a platform this large is not supported',
      },
    ],
  },
  {
    title: 'a latitude out of range, and a node type with no cores',
    yaml: y(
      'name: p',
      'sites:',
      '  - { id: hpc, kind: hpc, carbon: 50, location: { lat: 95, lon: 6 } }',
      'node_types:',
      '  - { id: cpu, site: hpc, count: 4, cores: 0, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_NUMBER',
        line: 3,
        column: 56,
        path: 'sites[0].location.lat',
        message: 'lat 95 is out of range (-90 to 90)',
        hint: 'write e.g. location: { lat: 46.2, lon: 6.1, region: CH }',
      },
      {
        code: 'PLATFORM_BAD_NUMBER',
        line: 5,
        column: 44,
        path: 'node_types[0].cores',
        message: 'cores must be a whole number, 1 or more, got 0',
        hint: 'write a whole number, 1 or more (cores per node)',
      },
    ],
  },
  {
    title: 'a Slurm executor block on a cloud site, with a partition that is not a Slurm name',
    yaml: y(
      'name: p',
      'sites:',
      '  - id: c',
      '    kind: cloud',
      '    carbon: 50',
      '    executor: { kind: slurm, partition: "batch;rm", gnu_time: time }',
      'node_types:',
      '  - { id: cpu, site: c, count: 1, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_EXECUTOR',
        line: 6,
        column: 15,
        path: 'sites[0].executor',
        message: 'a Slurm executor needs a site of kind "hpc", this site is "cloud"',
        hint: 'set "kind: hpc" on the site, or remove its executor block',
      },
      {
        code: 'PLATFORM_BAD_EXECUTOR',
        line: 6,
        column: 41,
        path: 'sites[0].executor.partition',
        message: '"batch;rm" is not a Slurm partition name',
        hint: 'use letters, digits, "_", "-", "." and "+" (as `sinfo`/`sacctmgr` show them)',
      },
      {
        code: 'PLATFORM_BAD_EXECUTOR',
        line: 6,
        column: 63,
        path: 'sites[0].executor.gnu_time',
        message: 'gnu_time must be an absolute path on the compute nodes, got "time"',
        hint: 'write gnu_time: false (no CPU time or peak memory), or its path, e.g. /usr/bin/time',
      },
    ],
  },
  {
    title: 'an ssh block whose host would be an ssh option, with a bad port and option',
    yaml: y(
      'name: p',
      'sites:',
      '  - id: h',
      '    kind: hpc',
      '    carbon: 50',
      '    executor:',
      '      kind: slurm',
      '      ssh: { host: -oProxyCommand=touch, port: 70000, options: [-x] }',
      'node_types:',
      '  - { id: cpu, site: h, count: 1, cores: 8, speed: 1, memory: 16Gi, power: { idle: 50W, max: 200W } }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'PLATFORM_BAD_SSH',
        line: 8,
        column: 20,
        path: 'sites[0].executor.ssh.host',
        message: '"-oProxyCommand=touch" is not a host name or address',
        hint: 'write a name like login1.example.org (not starting with "-")',
      },
      {
        code: 'PLATFORM_BAD_SSH',
        line: 8,
        column: 48,
        path: 'sites[0].executor.ssh.port',
        message: 'port 70000 is not a TCP port',
        hint: 'write a port from 1 to 65535',
      },
      {
        code: 'PLATFORM_BAD_SSH',
        line: 8,
        column: 65,
        path: 'sites[0].executor.ssh.options[0]',
        message: '"-x" is not an ssh option of the form Name=value',
        hint: 'write ssh -o options, e.g. options: [ControlMaster=auto, ControlPersist=60]',
      },
    ],
  },
];

describe('parsePlatform on malformed files', () => {
  it('has at least a dozen cases and covers most codes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    const covered = new Set(cases.flatMap((c) => c.errors.map((e) => e.code)));
    const uncovered = PLATFORM_ERROR_CODES.filter((code) => !covered.has(code));
    // Only the cap on errors is not worth a table entry; it has its own test below.
    expect(uncovered).toEqual(['PLATFORM_TOO_MANY_ERRORS']);
  });

  it.each(cases)('$title', ({ yaml, errors, schema }) => {
    const result = parsePlatform(yaml, { file: 'p.yaml' });
    expect(result.ok).toBe(false);
    const got = result.ok ? [] : result.errors;
    expect(
      got.map(({ code, line, column, path, message, hint }) => ({ code, line, column, path, message, hint })),
    ).toEqual(errors);
    for (const e of got) expect(e.file).toBe('p.yaml');
    if (schema !== 'n/a')
      expect(platformSchemaValidator()(parseYaml(yaml)), 'schema verdict').toBe(schema === 'accepts');
  });

  it('stops after 500 errors with PLATFORM_TOO_MANY_ERRORS', () => {
    const types = Array.from(
      { length: 600 },
      (_, i) =>
        `  - { id: t${i}, site: hpc, count: 1, cores: 0, speed: 1, memory: 1Gi, power: { idle: 1, max: 2 } }`,
    );
    const result = parsePlatform(
      y('name: p', 'sites:', '  - { id: hpc, kind: hpc, carbon: 1 }', 'node_types:', ...types),
      {
        file: 'big.yaml',
      },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(501);
    expect(result.errors[500]?.code).toBe('PLATFORM_TOO_MANY_ERRORS');
    expect(result.errors[0]?.code).toBe('PLATFORM_BAD_NUMBER');
  });

  it('never throws, whatever the text', () => {
    const texts = [
      '',
      '~',
      '42',
      '"x"',
      '[]',
      '{}',
      'name: [',
      'sites: 3',
      'node_types: {a: 1}',
      '\u0000\u0001',
      '&a [*a]',
    ];
    for (const text of texts) {
      const result = parsePlatform(text, { file: 'x.yaml' });
      expect(result.ok, JSON.stringify(text)).toBe(false);
    }
    expect(parsePlatform(42 as unknown as string, { file: 'x' }).ok).toBe(false);
  });

  it('formats errors like workflow spec errors', () => {
    const result = parsePlatform(
      y('name: p', 'sites:', '  - { id: hpc, kind: hpc, carbn: 50 }', 'node_types: []'),
      {
        file: 'p.yaml',
      },
    );
    expect(result.ok ? [] : result.errors.map(formatSpecError)).toEqual([
      'p.yaml:3:27 error PLATFORM_UNKNOWN_FIELD at sites[0].carbn: unknown field "carbn"\n  hint: did you mean "carbon"?',
      'p.yaml:4:13 error PLATFORM_NO_NODES at node_types: the platform has no node types\n  hint: add a node type with a count of at least 1',
    ]);
  });
});

/** Parses a repository file that must be valid. */
function parseValid(path: string): Platform {
  const result = parsePlatform(readRepoFile(path), { file: path });
  expect(result.ok ? [] : result.errors.map(formatSpecError), path).toEqual([]);
  if (!result.ok) throw new Error(`${path} does not parse`);
  return result.platform;
}

describe('the example platforms', () => {
  it('are all valid', () => {
    const examples = readRepoDir('examples/platforms', ['.yaml']);
    expect(examples.map(([p]) => p)).toEqual([
      'examples/platforms/alibaba-pai-1897.yaml',
      'examples/platforms/continuum-10k.yaml',
      'examples/platforms/continuum.yaml',
    ]);
    for (const [path] of examples) parseValid(path);
  });

  it('continuum.yaml: an HPC, cloud, edge and device continuum of 120 nodes', () => {
    const p = parseValid('examples/platforms/continuum.yaml');
    expect(p.sites.map((s) => [s.id, s.kind])).toEqual([
      ['hpc', 'hpc'],
      ['cloud', 'cloud'],
      ['edge', 'edge'],
      ['devices', 'device'],
    ]);
    expect(platformNodeCount(p)).toBe(120);
    const perSite = (site: string): number =>
      p.nodeTypes.filter((t) => t.site === site).reduce((n, t) => n + t.count, 0);
    expect([perSite('hpc'), perSite('cloud'), perSite('edge'), perSite('devices')]).toEqual([32, 64, 16, 8]);
    expect(p.sites[0]?.carbon).toEqual({ kind: 'constant', gPerKWh: 380 });
    expect(p.sites[1]?.carbon).toEqual({ kind: 'constant', gPerKWh: 40 });
    const edge = p.sites[2]?.carbon;
    expect(edge?.kind === 'series' && edge.periodS).toBe(86_400);
    const values = edge?.kind === 'series' ? edge.points.map((pt) => pt.gPerKWh) : [];
    expect(Math.min(...values)).toBe(200);
    expect(Math.max(...values)).toBe(360);
    // gflops 20 per core = speed 2 (10 GFLOPS per reference core).
    expect(p.nodeTypes.find((t) => t.id === 'hpc-cpu')).toMatchObject({ speed: 2, idleW: 94.6, maxW: 408 });
    expect(p.links).toHaveLength(4);
    expect(p.intraSite).toEqual({ bandwidthBps: 12.5e9, latencyS: 2e-6 });
    expect(p.data['reference-genome.fa']).toBe('hpc');
  });

  it('continuum-10k.yaml: the same shape, exactly 10,000 nodes', () => {
    const small = parseValid('examples/platforms/continuum.yaml');
    const big = parseValid('examples/platforms/continuum-10k.yaml');
    expect(platformNodeCount(big)).toBe(10_000);
    expect(big.sites).toEqual(small.sites);
    const shape = (p: Platform): unknown => p.nodeTypes.map(({ count: _count, ...rest }) => rest);
    expect(shape(big)).toEqual(shape(small));
    expect(big.links.map((l) => [l.from, l.to])).toEqual(small.links.map((l) => [l.from, l.to]));
  });

  it('alibaba-pai-1897.yaml: the 1,897 machines of the trace, by shape', () => {
    const p = parseValid('examples/platforms/alibaba-pai-1897.yaml');
    expect(platformNodeCount(p)).toBe(1897);
    expect(p.sites).toHaveLength(1);
    const byShape = p.nodeTypes.map((t) => [t.count, t.cores, t.memoryBytes / 2 ** 30, t.gpus]);
    // The counts of the trace's README: 798 P100, 497 T4, 280 MISC, 135 V100M32, 104 V100, 83 CPU.
    expect(byShape).toEqual([
      [798, 64, 512, 2],
      [497, 96, 512, 2],
      [280, 96, 512, 8],
      [135, 96, 384, 8],
      [83, 96, 512, 0],
      [59, 96, 512, 8],
      [45, 96, 384, 8],
    ]);
    for (const t of p.nodeTypes) {
      expect(t.idleW).toBeLessThan(t.maxW);
      expect(t.gpuSpeed > 0).toBe(t.gpus > 0);
    }
  });

  it.each(readRepoDir('test/fixtures/platforms/valid', ['.yaml', '.json']))('fixture %s is valid', (path) => {
    parseValid(path);
  });
});

describe('units', () => {
  const platformWith = (link: string, nodeExtra = ''): Platform => {
    const text = y(
      'name: units',
      'sites:',
      '  - { id: a, kind: hpc, carbon: 0 }',
      '  - { id: b, kind: cloud, carbon: { series: [[0, 100], [30m, 200], [3600, 300]], period: 1d } }',
      'node_types:',
      `  - { id: n, site: a, count: 1, cores: 2, gflops: 25, memory: 512Gi, power: { idle: 0.35kW, max: 1.2kW }${nodeExtra} }`,
      'links:',
      `  - { from: a, to: b, ${link} }`,
    );
    const result = parsePlatform(text, { file: 'units.yaml' });
    if (!result.ok) throw new Error(result.errors.map(formatSpecError).join('\n'));
    return result.platform;
  };
  const link = (fields: string) => platformWith(fields).links[0];

  it('converts 10Gbps, 5ms and 2nJ/B to bytes per second, seconds and joules per byte', () => {
    expect(link('bandwidth: 10Gbps, latency: 5ms, energy: 2nJ/B')).toEqual({
      from: 'a',
      to: 'b',
      bandwidthBps: 1.25e9,
      latencyS: 0.005,
      energyJPerByte: 2e-9,
    });
  });

  it.each([
    ['10Gbps', 1.25e9],
    ['10Gb/s', 1.25e9],
    ['1.25GB/s', 1.25e9],
    ['100Mbps', 12.5e6],
    ['800kbps', 1e5],
    ['1Tbps', 1.25e11],
    ['100MiB/s', 100 * 2 ** 20],
    ['1000', 1000],
  ])('bandwidth %s = %d B/s', (text, bps) => {
    expect(link(`bandwidth: ${text}, latency: 0, energy: 0`)?.bandwidthBps).toBe(bps);
  });

  it.each([
    ['5ms', 0.005],
    ['0.2ms', 0.0002],
    ['20us', 0.00002],
    ['2µs', 0.000002],
    ['1.5s', 1.5],
    ['0.03', 0.03],
    ['1m', 60],
  ])('latency %s = %d s', (text, s) => {
    expect(link(`bandwidth: 1, latency: ${text}, energy: 0`)?.latencyS).toBe(s);
  });

  it.each([
    ['2nJ/B', 2e-9],
    ['6nJ/B', 6e-9],
    ['500pJ/B', 5e-10],
    ['1uJ/B', 1e-6],
    ['0.06kWh/GB', 2.16e-4],
    ['60Wh/GB', 2.16e-4],
    ['1e-9', 1e-9],
  ])('energy %s = %d J/B', (text, j) => {
    expect(link(`bandwidth: 1, latency: 0, energy: ${text}`)?.energyJPerByte).toBeCloseTo(j, 20);
  });

  it('converts node quantities: gflops to speed, memory, kW', () => {
    const t = platformWith('bandwidth: 1, latency: 0, energy: 0').nodeTypes[0];
    expect(t).toEqual({
      id: 'n',
      site: 'a',
      count: 1,
      cores: 2,
      speed: 2.5,
      memoryBytes: 512 * 2 ** 30,
      gpus: 0,
      gpuSpeed: 0,
      idleW: 350,
      maxW: 1200,
    });
    const gpu = platformWith('bandwidth: 1, latency: 0, energy: 0', ', gpus: 2').nodeTypes[0];
    expect([gpu?.gpus, gpu?.gpuSpeed, gpu?.gpuPower]).toEqual([2, 1, undefined]);
  });

  it('reads the power of each GPU apart from the host when given', () => {
    const r = parsePlatform(
      y(
        'name: p',
        'sites: [{ id: a, kind: hpc, carbon: 0 }]',
        'node_types:',
        '  - { id: g, site: a, count: 1, cores: 64, speed: 2, memory: 512Gi, gpus: 4,',
        '      power: { idle: 56.8W, max: 268W, gpu: { idle: 50W, max: 0.4kW } } }',
      ),
      { file: 'p.yaml' },
    );
    expect(r.ok ? r.platform.nodeTypes[0] : r.errors).toMatchObject({
      idleW: 56.8,
      maxW: 268,
      gpus: 4,
      gpuPower: { idleW: 50, maxW: 400 },
    });
  });

  it('reads a carbon series with durations or seconds, and its period', () => {
    expect(platformWith('bandwidth: 1, latency: 0, energy: 0').sites[1]?.carbon).toEqual({
      kind: 'series',
      points: [
        { atS: 0, gPerKWh: 100 },
        { atS: 1800, gPerKWh: 200 },
        { atS: 3600, gPerKWh: 300 },
      ],
      periodS: 86_400,
    });
  });

  it('reads JSON as well as YAML', () => {
    const json = JSON.stringify({
      name: 'j',
      sites: [{ id: 'a', kind: 'edge', carbon: 10 }],
      node_types: [
        { id: 'n', site: 'a', count: 3, cores: 4, speed: 0.5, memory: '8Gi', power: { idle: 5, max: 20 } },
      ],
    });
    const result = parsePlatform(json, { file: 'p.json' });
    expect(result.ok && platformNodeCount(result.platform)).toBe(3);
    expect(result.ok && result.platform.links).toEqual([]);
    expect(result.ok && result.platform.data).toEqual({});
  });
});

describe('DVFS levels', () => {
  const nodeType = (...lines: string[]) => {
    const result = parsePlatform(cpuType(...lines), { file: 'p.yaml' });
    if (!result.ok) throw new Error(result.errors.map(formatSpecError).join('\n'));
    return result.platform.nodeTypes[0];
  };

  it('reads the nominal frequency and the levels, sorted fastest first, with their speed factors', () => {
    const text = cpuType(
      '    frequency: 2.45GHz',
      '    power:',
      '      idle: 94.6W',
      '      max: 408W',
      '      dvfs:',
      '        - { frequency: 1.5GHz, max: 210W }',
      '        - { frequency: 2000MHz, max: 300W }',
      '        - { frequency: 1.8GHz, max: 0.3kW }',
    );
    const result = parsePlatform(text, { file: 'p.yaml' });
    expect(result.ok ? result.platform.nodeTypes[0] : result.errors.map(formatSpecError)).toEqual({
      id: 'cpu',
      site: 'hpc',
      count: 4,
      cores: 8,
      speed: 1,
      memoryBytes: 16 * 2 ** 30,
      gpus: 0,
      gpuSpeed: 0,
      idleW: 94.6,
      maxW: 408,
      cpuFrequencyHz: 2_450_000_000,
      dvfs: [
        { frequencyHz: 2_000_000_000, speedFactor: 2e9 / 2.45e9, maxW: 300 },
        { frequencyHz: 1_800_000_000, speedFactor: 1.8e9 / 2.45e9, maxW: 300 },
        { frequencyHz: 1_500_000_000, speedFactor: 1.5e9 / 2.45e9, maxW: 210 },
      ],
    });
    expect(platformSchemaValidator()(parseYaml(text)), 'schema verdict').toBe(true);
  });

  it.each([
    ['2.45GHz', 2.45e9],
    ['800MHz', 8e8],
    ['1200000kHz', 1.2e9],
    ['3000000000Hz', 3e9],
  ])('frequency %s = %d Hz', (text, hz) => {
    expect(nodeType(`    frequency: ${text}`, '    power: { idle: 50W, max: 200W }')?.cpuFrequencyHz).toBe(
      hz,
    );
  });

  it('takes an empty list of levels as none, with or without a nominal frequency', () => {
    const without = nodeType('    power: { idle: 50W, max: 200W, dvfs: [] }');
    const with_ = nodeType('    frequency: 2GHz', '    power: { idle: 50W, max: 200W, dvfs: [] }');
    expect([without && 'dvfs' in without, without?.cpuFrequencyHz]).toEqual([false, undefined]);
    expect([with_ && 'dvfs' in with_, with_?.cpuFrequencyHz]).toEqual([false, 2e9]);
  });

  it('checks level power against the host power when GPU power is given apart', () => {
    const t = nodeType(
      '    gpus: 4',
      '    frequency: 2.45GHz',
      '    power: { idle: 56.8W, max: 268W, gpu: { idle: 50W, max: 400W }, dvfs: [{ frequency: 1.5GHz, max: 150W }] }',
    );
    expect([t?.gpuPower, t?.dvfs]).toEqual([
      { idleW: 50, maxW: 400 },
      [{ frequencyHz: 1.5e9, speedFactor: 1.5e9 / 2.45e9, maxW: 150 }],
    ]);
  });

  it('has the same frequency pattern and level fields as the JSON Schema', () => {
    const schema = JSON.parse(readRepoFile('schemas/platform.schema.json')) as {
      definitions: Record<string, { pattern?: string; properties?: Record<string, unknown> }>;
    };
    expect(schema.definitions.frequency?.pattern).toBe(FREQUENCY_PATTERN);
    const power = schema.definitions.nodeType?.properties?.power as {
      properties: { dvfs: { items: { properties: Record<string, unknown> } } };
    };
    expect(Object.keys(power.properties.dvfs.items.properties).sort()).toEqual(
      [...PLATFORM_FIELDS.dvfsLevel].sort(),
    );
  });
});

describe('PLATFORM_ERROR_CODES and docs/errors.md', () => {
  const doc = readRepoFile('docs/errors.md');
  const section = doc.slice(doc.indexOf('## Platform errors (PLATFORM_*)'));
  const documented = [...section.matchAll(/^### (PLATFORM_[A-Z_]+)\s*$/gm)].map((m) => m[1]);

  it('has the section', () => {
    expect(doc).toContain('## Platform errors (PLATFORM_*)');
  });
  it('documents every code the parser emits', () => {
    expect(PLATFORM_ERROR_CODES.filter((c) => !documented.includes(c))).toEqual([]);
  });
  it('documents no code the parser does not emit', () => {
    expect(documented.filter((c) => !(PLATFORM_ERROR_CODES as readonly string[]).includes(c ?? ''))).toEqual(
      [],
    );
  });
  it('lists each code once', () => {
    expect(new Set(PLATFORM_ERROR_CODES).size).toBe(PLATFORM_ERROR_CODES.length);
    expect(new Set(documented).size).toBe(documented.length);
  });
});
