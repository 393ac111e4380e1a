/**
 * The node types of the platform format: counts, cores, speed, memory, GPUs, and power with its
 * DVFS levels. Part of the platform schema (platform-schema.ts), apart only for its size.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { NAME_HINT } from '../spec/schema-field-reader.js';
import { definitionRef as ref, noted } from '../spec/schema-notes.js';
import {
  DVFS_HINT,
  GFLOPS_HINT,
  GPU_POWER_HINT,
  GPU_SPEED_HINT,
  MEMORY_HINT,
  NODE_HINT,
  NODE_POWER_HINT,
  SITE_REF_HINT,
  SPEED_HINT,
  wholeNumberHint,
} from './platform-hints.js';
import { REFERENCE_CORE_GFLOPS } from './platform-units.js';

/** A site id (`site`, `from`, `to`). */
export function siteRef(key: string): TSchema {
  return ref('name', {
    what: 'a site id',
    hint: SITE_REF_HINT,
    missing: `name the site, e.g. "${key}: hpc"`,
  });
}

/** A whole number of at least `min` (`key`: the field, for the missing-field hint). */
function wholeNumber(key: string, min: number, what: string, meaning: string, description: string): TSchema {
  return noted(Type.Integer({ minimum: min, description }), {
    what,
    hint: wholeNumberHint(min, meaning),
    missing: `add "${key}:" (${meaning})`,
  });
}

function positive(what: string, hint: string, description: string): TSchema {
  return noted(Type.Number({ exclusiveMinimum: 0, description }), { what, hint });
}

/** `power.gpu`: one GPU's idle and max power. */
export const GPU_POWER = noted(
  Type.Object(
    {
      idle: ref('power', { missing: GPU_POWER_HINT }),
      max: ref('power', { missing: GPU_POWER_HINT }),
    },
    {
      additionalProperties: false,
      description: "Power of ONE GPU at idle and at full load, when given apart from the host's.",
    },
  ),
  { what: 'a mapping with idle and max watts', hint: GPU_POWER_HINT, context: 'gpuPower' },
);

/** An item of `power.dvfs`. */
export const DVFS_LEVEL = noted(
  Type.Object(
    {
      frequency: ref('frequency', { missing: DVFS_HINT }),
      max: ref('power', { missing: DVFS_HINT }),
    },
    { additionalProperties: false },
  ),
  { what: 'a DVFS level (a mapping with frequency and max)', hint: DVFS_HINT, context: 'dvfsLevel' },
);

/** A node type's `power`: the host's (or whole node's) idle and max, each GPU's apart, DVFS levels. */
export const NODE_POWER = noted(
  Type.Object(
    {
      idle: ref('power', { missing: NODE_POWER_HINT }),
      max: ref('power', { missing: NODE_POWER_HINT }),
      gpu: Type.Optional(GPU_POWER),
      dvfs: Type.Optional(
        noted(
          Type.Array(DVFS_LEVEL, {
            description:
              "Lower CPU frequencies tasks may run at (below the node type's frequency, each once, any order), with the host's power at full load at each (between idle and max, not increasing as the frequency goes down).",
          }),
          { what: 'a list of DVFS levels', hint: DVFS_HINT },
        ),
      ),
    },
    {
      additionalProperties: false,
      description: "Power at idle and at full load: the whole node's, or with `gpu` the host's alone.",
    },
  ),
  {
    what: 'a mapping with idle and max watts',
    hint: NODE_POWER_HINT,
    missing: 'add the node\'s power at idle and full load, e.g. "power: { idle: 100W, max: 400W }"',
    context: 'power',
  },
);

/** An item of `node_types`. */
export const NODE_TYPE = noted(
  Type.Object(
    {
      id: ref('name', { what: 'a node type id', hint: NAME_HINT, missing: 'add "id: <node-type-id>"' }),
      site: siteRef('site'),
      count: wholeNumber(
        'count',
        0,
        'a node count',
        'how many nodes of this type',
        'How many identical nodes.',
      ),
      cores: wholeNumber('cores', 1, 'a number of cores', 'cores per node', 'Cores per node.'),
      speed: Type.Optional(
        positive(
          'a relative core speed',
          SPEED_HINT,
          `Relative speed of one core (1 = the reference core, ${REFERENCE_CORE_GFLOPS} GFLOPS).`,
        ),
      ),
      gflops: Type.Optional(
        positive(
          'GFLOPS per core',
          GFLOPS_HINT,
          `GFLOPS of one core; speed = gflops / ${REFERENCE_CORE_GFLOPS}.`,
        ),
      ),
      frequency: Type.Optional(ref('frequency')),
      memory: ref('quantity', {
        what: 'a memory quantity',
        hint: MEMORY_HINT,
        missing: 'add the memory per node, e.g. "memory: 256Gi"',
      }),
      gpus: Type.Optional(
        noted(Type.Integer({ minimum: 0, description: 'GPUs per node (default 0).' }), {
          what: 'a number of GPUs',
          hint: wholeNumberHint(0, 'GPUs per node'),
        }),
      ),
      gpu_speed: Type.Optional(
        positive(
          'a relative GPU speed',
          GPU_SPEED_HINT,
          'Relative speed of one GPU (1 = the reference GPU; default 1). Only with gpus.',
        ),
      ),
      power: NODE_POWER,
    },
    { additionalProperties: false, oneOf: [{ required: ['speed'] }, { required: ['gflops'] }] },
  ),
  { what: 'a node type (a mapping with id, site, count, ...)', hint: NODE_HINT, context: 'nodeType' },
);
