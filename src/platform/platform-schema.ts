/**
 * The platform format, defined once: the fields of every mapping, their types, patterns and ranges
 * and what each is for (schemas/platform.schema.json is generated from this, `npm run schemas`),
 * and, in each field's notes, how the reader names it in an error and the hint it gives. The
 * reader (platform-reader.ts) checks documents against this with Ajv and keeps only what a schema
 * cannot say: units, cross-references, the checks between fields.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { SiteKind } from '../model/platform.js';
import { DURATION_PATTERN } from '../spec/durations.js';
import { QUANTITY_PATTERN } from '../spec/quantities.js';
import { NAME_HINT, NAME_PATTERN } from '../spec/schema-field-reader.js';
import { definitionRef as ref, fieldsOf, noted, type FieldNotes } from '../spec/schema-notes.js';
import { FormatSchema } from '../spec/schema-validation.js';
import { quoteList } from '../spec/suggest.js';
import {
  BANDWIDTH_PATTERN,
  ENERGY_PATTERN,
  FREQUENCY_PATTERN,
  LATENCY_PATTERN,
  POWER_PATTERN,
} from './platform-units.js';
import { DVFS_LEVEL, GPU_POWER, NODE_POWER, NODE_TYPE, siteRef } from './node-type-schema.js';
import {
  BANDWIDTH_HINT,
  CARBON_HINT,
  DATA_HINT,
  ENERGY_HINT,
  FREQUENCY_HINT,
  GNU_TIME_HINT,
  LATENCY_HINT,
  LINK_HINT,
  LOCATION_HINT,
  MEMORY_HINT,
  PAIR_HINT,
  PERIOD_HINT,
  POINT_TIME_HINT,
  POLL_HINT,
  POWER_HINT,
  SITE_HINT,
  SSH_HINT,
  SSH_OPTIONS_HINT,
  wholeNumberHint,
} from './platform-hints.js';

export const PLATFORM_FORMAT_VERSION = 1;
export const SITE_KINDS: readonly SiteKind[] = ['hpc', 'cloud', 'edge', 'device'];

/** Slurm partition, account and QoS names. */
export const SLURM_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$';
/** Never starting with '-': ssh would read it as an option (`-oProxyCommand=...`). */
export const SSH_HOST_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._:-]*$';
export const SSH_USER_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]*$';
export const SSH_OPTION_PATTERN = '^[A-Za-z]+[ =][^\\n]*$';

/** A number or a string with a unit, the reader converting and checking it. */
function unitValue(description: string, pattern: string, number: TSchema, notes: FieldNotes): TSchema {
  const kinds = ['number', 'string'] as const;
  return noted(Type.Union([number, Type.String({ pattern })], { description }), { kinds, ...notes });
}

const slurmName = (field: string): TSchema =>
  noted(Type.String({ pattern: SLURM_NAME_PATTERN }), {
    what: `a Slurm ${field} name`,
    hint: `write e.g. ${field}: batch`,
  });

const definitions = {
  name: noted(
    Type.String({
      pattern: NAME_PATTERN,
      description:
        "Letters, digits, '.', '_' and '-', starting with a letter, digit or '_'; at most 128 characters.",
    }),
    { what: 'a name', hint: NAME_HINT },
  ),
  site: noted(
    Type.Object(
      {
        id: ref('name', { what: 'a site id', hint: NAME_HINT, missing: 'add "id: <site-id>"' }),
        kind: noted(Type.Unsafe<SiteKind>({ enum: [...SITE_KINDS] }), {
          missing: `add "kind:" with one of ${quoteList(SITE_KINDS)}`,
        }),
        location: Type.Optional(ref('location')),
        carbon: ref('carbon', {
          missing: 'add the grid carbon intensity in gCO2e/kWh, e.g. "carbon: 300", or a daily series',
        }),
        executor: Type.Optional(
          noted(
            Type.Union([Type.String(), ref('executor')], {
              description:
                "The executor that runs this site's nodes for real: a name (local, slurm:NAME, ...) or an executor block (Slurm, on hpc sites).",
            }),
            {
              what: 'an executor name or an executor block',
              hint: 'write e.g. executor: local, or executor: { kind: slurm, partition: batch }',
            },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    { what: 'a site (a mapping with id, kind and carbon)', hint: SITE_HINT, context: 'site' },
  ),
  location: noted(
    Type.Object(
      {
        lat: noted(Type.Number({ minimum: -90, maximum: 90 }), {
          what: 'a latitude in degrees',
          hint: LOCATION_HINT,
          missing: LOCATION_HINT,
        }),
        lon: noted(Type.Number({ minimum: -180, maximum: 180 }), {
          what: 'a longitude in degrees',
          hint: LOCATION_HINT,
          missing: LOCATION_HINT,
        }),
        region: Type.Optional(
          noted(Type.String(), { what: 'a region name', hint: 'write e.g. region: eu-west-1' }),
        ),
      },
      { additionalProperties: false },
    ),
    { what: 'a location (lat, lon, region)', hint: LOCATION_HINT, context: 'location' },
  ),
  carbon: noted(
    Type.Union(
      [
        Type.Number({ minimum: 0 }),
        noted(
          Type.Object(
            {
              series: noted(
                Type.Array(
                  noted(
                    Type.Tuple([
                      ref('duration', { what: 'a duration', hint: POINT_TIME_HINT }),
                      noted(Type.Number({ minimum: 0 }), {
                        what: 'a carbon intensity in gCO2e/kWh',
                        hint: PAIR_HINT,
                      }),
                    ]),
                    { what: 'a [time, gCO2e/kWh] pair', hint: PAIR_HINT },
                  ),
                  { minItems: 1 },
                ),
                { what: 'a list of [time, gCO2e/kWh] pairs', hint: CARBON_HINT, missing: CARBON_HINT },
              ),
              period: Type.Optional(ref('duration', { what: 'a duration', hint: PERIOD_HINT })),
            },
            { additionalProperties: false },
          ),
          { context: 'carbon' },
        ),
      ],
      {
        description:
          'Grid carbon intensity in gCO2e/kWh: a number, or a series of [time, value] points (sorted, starting at 0) repeating with a period.',
      },
    ),
    { what: 'a carbon intensity', hint: CARBON_HINT },
  ),
  nodeType: NODE_TYPE,
  link: noted(
    Type.Object(
      {
        from: siteRef('from'),
        to: siteRef('to'),
        bandwidth: ref('bandwidth', { missing: `add "bandwidth:"; ${BANDWIDTH_HINT}` }),
        latency: ref('latency', { missing: `add "latency:"; ${LATENCY_HINT}` }),
        energy: ref('energy', {
          missing: 'add the energy per byte moved, e.g. "energy: 6nJ/B" (0 to ignore it)',
        }),
      },
      { additionalProperties: false },
    ),
    { what: 'a link (a mapping with from, to, bandwidth, ...)', hint: LINK_HINT, context: 'link' },
  ),
  intraSite: noted(
    Type.Object(
      {
        bandwidth: ref('bandwidth', { missing: `add "bandwidth:"; ${BANDWIDTH_HINT}` }),
        latency: ref('latency', { missing: `add "latency:"; ${LATENCY_HINT}` }),
      },
      { additionalProperties: false },
    ),
    {
      what: 'a mapping with bandwidth and latency',
      hint: 'write e.g. intra_site: { bandwidth: 100Gbps, latency: 2us }',
      context: 'intraSite',
    },
  ),
  duration: unitValue(
    'A number of seconds, or a duration like 500ms, 30s, 10m, 2h, 1d, 1h30m.',
    DURATION_PATTERN,
    Type.Number({ minimum: 0 }),
    { what: 'a duration' },
  ),
  quantity: unitValue(
    'Bytes as a whole number, or with a suffix: Ki, Mi, Gi, Ti, Pi (binary) or k, M, G, T, P (decimal), e.g. 256Gi.',
    QUANTITY_PATTERN,
    Type.Integer({ minimum: 1 }),
    { what: 'a memory quantity', hint: MEMORY_HINT },
  ),
  bandwidth: unitValue(
    'Bytes per second as a number, or bits or bytes per second with a unit: 10Gbps, 100Mbps, 1.25GB/s, 100MiB/s.',
    BANDWIDTH_PATTERN,
    Type.Number({ exclusiveMinimum: 0 }),
    { what: 'a bandwidth', hint: BANDWIDTH_HINT },
  ),
  latency: unitValue(
    'Seconds as a number, or a duration (5ms, 0.2ms, 1s) or microseconds (2us).',
    LATENCY_PATTERN,
    Type.Number({ minimum: 0 }),
    { what: 'a latency', hint: LATENCY_HINT },
  ),
  power: unitValue('Watts as a number, or 350W, 1.2kW.', POWER_PATTERN, Type.Number({ minimum: 0 }), {
    what: 'a power',
    hint: POWER_HINT,
  }),
  frequency: noted(
    Type.String({
      pattern: FREQUENCY_PATTERN,
      description:
        'A CPU frequency with its unit (a plain number is refused), e.g. 2.45GHz, 800MHz. On a node type: the nominal clock speed and power.max are at; needed with power.dvfs.',
    }),
    { what: 'a frequency', hint: FREQUENCY_HINT, kinds: ['number', 'string'] },
  ),
  energy: unitValue(
    'Joules per byte moved as a number, or 2nJ/B, 500pJ/B, 0.004kWh/GB.',
    ENERGY_PATTERN,
    Type.Number({ minimum: 0 }),
    { what: 'an energy per byte', hint: ENERGY_HINT },
  ),
  executor: noted(
    Type.Object(
      {
        kind: noted(Type.Unsafe<'slurm'>({ enum: ['slurm'] }), {
          missing: 'add "kind: slurm" (the only executor block so far)',
        }),
        partition: Type.Optional(slurmName('partition')),
        account: Type.Optional(slurmName('account')),
        qos: Type.Optional(slurmName('qos')),
        ssh: Type.Optional(ref('ssh')),
        poll_interval: Type.Optional(
          noted(
            Type.Unsafe<string | number>({
              description: 'A duration from 100ms to 1h.',
              type: ['string', 'number'],
            }),
            {
              what: 'a duration',
              hint: POLL_HINT,
              kinds: ['number', 'string'],
            },
          ),
        ),
        gnu_time: Type.Optional(
          noted(
            Type.Union([Type.Unsafe<false>({ const: false }), Type.String({ pattern: '^/' })], {
              description:
                'GNU time on the compute nodes (absolute path; default /usr/bin/time where it exists), or false to run commands bare (no CPU time or peak memory).',
            }),
            { what: 'false or an absolute path', hint: GNU_TIME_HINT },
          ),
        ),
      },
      {
        additionalProperties: false,
        description:
          "How to run the site's work on a Slurm cluster. See docs/platform-format.md#slurm-executor.",
      },
    ),
    { context: 'executor' },
  ),
  ssh: noted(
    Type.Object(
      {
        host: noted(Type.String({ pattern: SSH_HOST_PATTERN }), {
          what: 'a host name',
          hint: SSH_HINT,
          missing: 'add "host:" with the login node, e.g. host: login1',
        }),
        user: Type.Optional(
          noted(Type.String({ pattern: SSH_USER_PATTERN }), { what: 'a user name', hint: SSH_HINT }),
        ),
        port: Type.Optional(
          noted(Type.Integer({ minimum: 1, maximum: 65535 }), {
            what: 'a TCP port',
            hint: wholeNumberHint(1, 'the SSH port, usually 22'),
          }),
        ),
        identity: Type.Optional(
          noted(Type.String(), { what: 'a key file path', hint: 'write e.g. identity: ~/.ssh/id_ed25519' }),
        ),
        options: Type.Optional(
          noted(
            Type.Array(
              noted(Type.String({ pattern: SSH_OPTION_PATTERN }), {
                what: 'an ssh option (Name=value)',
                hint: SSH_OPTIONS_HINT,
              }),
            ),
            { what: 'a list of ssh options', hint: SSH_OPTIONS_HINT },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    { what: 'an ssh block (host, user, port, identity, options)', hint: SSH_HINT, context: 'ssh' },
  ),
};

/** The platform format's schema, as published in schemas/platform.schema.json. */
export const PLATFORM_SCHEMA = noted(
  Type.Object(
    {
      $schema: Type.Optional(
        noted(Type.String({ description: 'The schema of this file, for editors; ignored by Strata.' }), {
          what: 'the path or URL of a JSON Schema',
          hint: 'write e.g. "$schema": "schemas/platform.schema.json", or remove it',
        }),
      ),
      version: Type.Optional(
        noted(
          Type.Unsafe<number>({
            const: PLATFORM_FORMAT_VERSION,
            description: 'The format version (optional; 1).',
          }),
          {
            what: 'a format version number',
            hint: `write version: ${PLATFORM_FORMAT_VERSION}, or remove the field`,
          },
        ),
      ),
      name: ref('name', {
        what: 'a platform name',
        hint: NAME_HINT,
        missing: 'add a line like "name: my-platform" at the top',
      }),
      sites: noted(Type.Array(ref('site'), { minItems: 1 }), {
        what: 'a list of sites',
        hint: 'write each site as an item "- id: ..."',
        missing: 'add a "sites:" list, e.g. "- { id: hpc, kind: hpc, carbon: 50 }"',
      }),
      node_types: noted(Type.Array(ref('nodeType'), { minItems: 1 }), {
        what: 'a list of node types',
        hint: 'write each node type as an item "- id: ..."',
        missing: 'add a "node_types:" list, e.g. "- { id: cpu, site: hpc, count: 32, cores: 64, ... }"',
      }),
      links: Type.Optional(noted(Type.Array(ref('link')), { what: 'a list of links', hint: LINK_HINT })),
      intra_site: Type.Optional(ref('intraSite')),
      data: Type.Optional(
        noted(
          Type.Unsafe<Record<string, string>>({
            type: 'object',
            description: 'Where files are before a workflow starts: file name -> site id.',
            additionalProperties: ref('name', { what: 'a site id', hint: DATA_HINT }),
          }),
          { what: 'a mapping of file names to site ids', hint: DATA_HINT },
        ),
      ),
    },
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Strata platform',
      description:
        'A Strata platform file (YAML or JSON): sites, node types, links and where data starts. See docs/platform-format.md.',
      additionalProperties: false,
      definitions,
    },
  ),
  { context: 'top' },
);

export const PLATFORM_FORMAT = new FormatSchema(PLATFORM_SCHEMA);

/** The fields allowed in each mapping of the format. */
export const PLATFORM_FIELDS = {
  top: fieldsOf(PLATFORM_SCHEMA),
  site: fieldsOf(definitions.site),
  executor: fieldsOf(definitions.executor),
  ssh: fieldsOf(definitions.ssh),
  location: fieldsOf(definitions.location),
  carbon: fieldsOf(definitions.carbon),
  nodeType: fieldsOf(definitions.nodeType),
  power: fieldsOf(NODE_POWER),
  gpuPower: fieldsOf(GPU_POWER),
  dvfsLevel: fieldsOf(DVFS_LEVEL),
  link: fieldsOf(definitions.link),
  intraSite: fieldsOf(definitions.intraSite),
} as const satisfies Record<string, readonly string[]>;
