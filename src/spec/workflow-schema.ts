/**
 * The workflow format, defined once: the fields of every mapping, their types, patterns and ranges
 * and what each is for (schemas/workflow.schema.json is generated from this, `npm run schemas`),
 * and, in each field's notes, how the reader names it in an error and the hint it gives. The
 * reader (read-workflow-document.ts) checks documents against this with Ajv and keeps only what a
 * schema cannot say: durations and quantities, placeholders, command or shell, the range of a foreach.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { DURATION_PATTERN } from './durations.js';
import { QUANTITY_PATTERN } from './quantities.js';
import { NAME_HINT, NAME_PATTERN } from './schema-field-reader.js';
import { definitionRef as ref, fieldsOf, noted, type FieldNotes } from './schema-notes.js';
import { FormatSchema } from './schema-validation.js';
import { ENV_INHERIT_KEY, ENV_INHERIT_PATTERN } from '../model/index.js';

export { NAME_PATTERN, NAME_HINT };
export const FORMAT_VERSION = 1;
export const MAX_RETRIES = 100;
export const MAX_BACKOFF_FACTOR = 100;
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const DURATION_HINT = 'write a number of seconds, or a duration like 500ms, 30s, 10m, 2h or 1h30m';
export const AFTER_HINT = 'write a task name like prepare, or work[0] for one member of an array';
export const FOREACH_HINT = 'write foreach: { list: [a, b] }, { range: [0, 10] } or { glob: "data/*.csv" }';
export const RANGE_HINT = 'write range: [from, to] (to excluded) or range: { from: 0, to: 10, step: 1 }';
export const BOUND_HINT = 'range bounds and steps are whole numbers';
export const GLOB_HINT = 'write e.g. glob: "data/*.csv"';
const FLEXIBLE_HINT =
  'write flexible: true (a carbon-aware plan may delay the task or move it to a greener site), or remove it';

/** The hint for a name of the wrong type: quoted, if it was a number or `true`. */
function nameHint(example: string): FieldNotes['hint'] {
  return (written) =>
    written !== undefined
      ? `quote it to make it a string: name: "${written}"`
      : `write e.g. name: ${example}`;
}

/** The hint for an argv that is not a list: the same words as a list, if it was a command line. */
function argvHint(written: string | undefined, kind: string): string {
  if (kind === 'string') {
    const words = (written ?? '').trim().split(/\s+/).join(', ');
    return `write the program and its arguments as a list, e.g. [${words}], or use shell: instead for a shell command line`;
  }
  return 'write the program and its arguments as a list, e.g. [echo, hello]';
}

/** `inputs` or `outputs`: a list of paths. */
function pathList(what: 'input' | 'output', description: string): TSchema {
  return noted(Type.Array(ref('path'), { description }), {
    what: `a list of ${what} file paths`,
    hint: (written) =>
      written !== undefined
        ? `write a list: [${written}]`
        : `write a list of file paths, e.g. [${what === 'input' ? 'data.csv' : 'result.txt'}]`,
  });
}

const rangeBound = (options: object = {}): TSchema =>
  noted(Type.Integer(options), { what: 'a whole number', hint: BOUND_HINT });

const workdir = (): TSchema =>
  noted(
    Type.String({
      minLength: 1,
      description: "Working directory, relative to the workflow file's directory unless absolute.",
    }),
    { what: 'a directory path', hint: 'write a path, e.g. workdir: work' },
  );

const flexible = (): TSchema =>
  noted(
    Type.Boolean({
      description:
        'The task may wait for greener hours or run at a greener site when a carbon-aware policy plans it (docs/scheduler.md).',
    }),
    { what: 'true or false', hint: FLEXIBLE_HINT },
  );

/** The fields a task and `defaults` share (in this order in "allowed fields here" hints). */
function settings(): Record<string, TSchema> {
  return {
    workdir: Type.Optional(workdir()),
    env: Type.Optional(ref('env')),
    resources: Type.Optional(ref('resources')),
    retries: Type.Optional(ref('retries')),
    timeout: Type.Optional(ref('positiveDuration')),
    validate: Type.Optional(ref('validate')),
    flexible: Type.Optional(flexible()),
  };
}

/** A retry limit; its schema alone checks `retries: N`, the number form of `retries`. */
export const RETRY_LIMIT_SCHEMA = noted(
  Type.Integer({
    minimum: 0,
    maximum: MAX_RETRIES,
    description: 'Retries after the first attempt: 0 runs a task once, 3 up to 4 times.',
  }),
  { what: 'a number of retries', hint: 'write a whole number of retries, e.g. 3' },
);

const definitions = {
  name: Type.String({
    pattern: NAME_PATTERN,
    description:
      "Letters, digits, '.', '_' and '-', starting with a letter, digit or '_'; at most 128 characters.",
  }),
  text: noted(
    Type.Unsafe<string | number | boolean>({
      type: ['string', 'number', 'boolean'],
      description: 'A string; numbers and booleans are taken as written.',
    }),
    { kinds: ['string', 'number', 'boolean'] },
  ),
  template: Type.String({
    description: 'May use {{name}}, and in a foreach task {{item}}, {{index}}, {{basename}} and {{stem}}.',
  }),
  path: noted(
    Type.String({
      minLength: 1,
      description: "A file path relative to the task's workdir; may use placeholders.",
    }),
    { what: 'a file path', hint: 'write each path as a string, e.g. data/input.csv' },
  ),
  duration: noted(
    Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
      description: 'A number of seconds, or a duration like 500ms, 30s, 10m, 2h, 1d, 1h30m.',
    }),
    { what: 'a duration', hint: DURATION_HINT, kinds: ['number', 'string'] },
  ),
  positiveDuration: noted(
    Type.Union(
      [
        Type.Number({ exclusiveMinimum: 0 }),
        Type.String({ pattern: DURATION_PATTERN, not: { pattern: '^(0+(\\.0+)?(d|h|m|s|ms))+$' } }),
      ],
      { description: 'A duration greater than 0: a number of seconds, or like 500ms, 30s, 10m, 2h, 1h30m.' },
    ),
    { what: 'a duration', hint: DURATION_HINT, kinds: ['number', 'string'] },
  ),
  quantity: noted(
    Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: QUANTITY_PATTERN })], {
      description:
        'Bytes as a whole number, or with a suffix: Ki, Mi, Gi, Ti, Pi (binary) or k, M, G, T, P (decimal), e.g. 512Mi.',
    }),
    { kinds: ['number', 'string'] },
  ),
  argv: noted(
    Type.Array(
      ref('text', {
        what: 'an argument (a string or number)',
        hint: 'each item of the list is one argument; quote it if in doubt',
      }),
      { minItems: 1, description: 'The program and its arguments, run without a shell.' },
    ),
    { what: 'an argv list', hint: argvHint },
  ),
  shell: noted(
    Type.String({ minLength: 1, pattern: '\\S', description: 'A command line run with /bin/sh -c.' }),
    { what: 'a shell command line', hint: 'write the command line as a string' },
  ),
  env: noted(
    Type.Unsafe<Record<string, string | number | boolean | string[]>>({
      type: 'object',
      propertyNames: { pattern: ENV_NAME_PATTERN },
      properties: {
        [ENV_INHERIT_KEY]: noted(
          Type.Array(
            noted(Type.String({ pattern: ENV_INHERIT_PATTERN }), {
              what: 'a variable name',
              hint: 'write a name, e.g. OMP_NUM_THREADS, or a prefix ending in *, e.g. SLURM_*',
            }),
            {
              description:
                "Variables of the server's environment the task gets: names, or prefixes ending in * (e.g. OMP_*); merged with those of defaults. Nothing else of the server's environment reaches a task but PATH, HOME, USER, LANG and TMPDIR.",
            },
          ),
          { what: 'a list of variable names', hint: 'write inherit: [NAME, PREFIX_*]' },
        ),
      },
      additionalProperties: ref('text', {
        what: 'a value (a string or number)',
        hint: 'write NAME: value; quote the value if in doubt',
      }),
      description:
        'Environment variables; merged with those of defaults (the task wins). The key "inherit" is reserved: the list of variables taken from the server\'s environment.',
    }),
    { what: 'a mapping of environment variables', hint: 'write env: { NAME: value }' },
  ),
  resources: noted(
    Type.Object(
      {
        cpus: Type.Optional(
          noted(Type.Number({ exclusiveMinimum: 0, description: 'CPUs, may be fractional (default 1).' }), {
            what: 'a number of CPUs',
            hint: (written) => {
              const milli = /^(\d+)m$/.exec(written ?? '');
              return milli
                ? `write ${Number(milli[1]) / 1000} for ${written ?? ''}`
                : 'write a number of CPUs, e.g. 2 or 0.5';
            },
          }),
        ),
        memory: Type.Optional(
          ref('quantity', { what: 'a memory quantity', hint: 'write e.g. 512Mi, 2Gi or a number of bytes' }),
        ),
        gpus: Type.Optional(
          noted(Type.Integer({ minimum: 0, description: 'Whole GPUs (default 0).' }), {
            what: 'a whole number of GPUs',
            hint: 'write a whole number, e.g. 0 or 1',
          }),
        ),
      },
      {
        additionalProperties: false,
        description: 'What one attempt needs; merged key by key with defaults.resources.',
      },
    ),
    {
      what: 'a mapping',
      hint: 'write e.g. resources: { cpus: 1, memory: 1Gi, gpus: 0 }',
      context: 'resources',
    },
  ),
  retryLimit: RETRY_LIMIT_SCHEMA,
  retries: noted(
    Type.Union(
      [
        ref('retryLimit'),
        noted(
          Type.Object(
            {
              limit: Type.Optional(ref('retryLimit')),
              backoff: Type.Optional(ref('duration', {}, 'Delay before the first retry (default 1s).')),
              factor: Type.Optional(
                noted(
                  Type.Number({
                    minimum: 1,
                    maximum: MAX_BACKOFF_FACTOR,
                    description: 'Each later delay is this many times the one before (default 2).',
                  }),
                  { what: 'a number', hint: 'write e.g. factor: 2 to double the delay after each failure' },
                ),
              ),
              max_backoff: Type.Optional(ref('duration', {}, 'Upper bound of the delay (default 5m).')),
              jitter: Type.Optional(
                noted(
                  Type.Number({
                    minimum: 0,
                    maximum: 1,
                    description: 'Fraction of the delay drawn at random (default 0.5).',
                  }),
                  { what: 'a number from 0 to 1', hint: 'write e.g. jitter: 0.5' },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          { context: 'retries' },
        ),
      ],
      { description: 'A number of retries, or a retry policy.' },
    ),
    {
      what: 'a number of retries or a mapping like { limit: 3, backoff: 10s }',
      hint: 'write e.g. retries: 3 (a number, no quotes) or retries: { limit: 3, backoff: 10s }',
    },
  ),
  validate: noted(
    Type.Object(
      {
        outputs: Type.Optional(
          Type.Unsafe<'exist' | 'non-empty'>({
            enum: ['exist', 'non-empty'],
            description: 'Every output must exist (default), or exist and be non-empty.',
          }),
        ),
        stdout: Type.Optional(
          noted(
            Type.String({
              description:
                'A regular expression (RE2 syntax: no backreferences or lookaround) that stdout must match, in its last 1 MiB.',
            }),
            {
              what: 'a regular expression',
              hint: 'quote the pattern, e.g. stdout: "total: \\d+"',
            },
          ),
        ),
        command: Type.Optional(ref('argv')),
        shell: Type.Optional(ref('shell')),
      },
      {
        additionalProperties: false,
        description: 'Checks run after a successful exit; a failed check fails the attempt.',
        not: { required: ['command', 'shell'] },
      },
    ),
    {
      what: 'a mapping',
      hint: 'write e.g. validate: { outputs: non-empty, stdout: "done" }',
      context: 'validate',
    },
  ),
  foreach: noted(
    Type.Object(
      {
        list: Type.Optional(
          noted(
            Type.Array(
              ref('text', {
                what: 'a string or number',
                hint: 'foreach list items are plain values, used as {{item}}',
              }),
              { minItems: 1, description: 'The items.' },
            ),
            { what: 'a list of values', hint: 'write e.g. list: [a, b, c]' },
          ),
        ),
        range: Type.Optional(
          noted(
            Type.Union(
              [
                Type.Tuple([rangeBound(), rangeBound()]),
                Type.Tuple([rangeBound(), rangeBound(), rangeBound({ not: { const: 0 } })]),
                noted(
                  Type.Object(
                    {
                      from: Type.Optional(rangeBound()),
                      to: noted(rangeBound(), {
                        what: 'a whole number',
                        hint: BOUND_HINT,
                        missing: 'add "to", the first value not included, e.g. { from: 0, to: 10 }',
                      }),
                      step: Type.Optional(rangeBound({ not: { const: 0 } })),
                    },
                    { additionalProperties: false },
                  ),
                  { context: 'range' },
                ),
              ],
              { description: 'Whole numbers from `from` up to `to` (excluded), by `step`.' },
            ),
            { what: 'a range like [0, 10] or { from: 0, to: 10, step: 1 }', hint: RANGE_HINT },
          ),
        ),
        glob: Type.Optional(
          noted(
            Type.String({
              minLength: 1,
              description: "Files matching this pattern, relative to the workflow file's directory, sorted.",
            }),
            { what: 'a glob pattern', hint: GLOB_HINT },
          ),
        ),
      },
      {
        additionalProperties: false,
        description: 'Makes the task an array: one member per item, named name[0], name[1], ...',
        oneOf: [{ required: ['list'] }, { required: ['range'] }, { required: ['glob'] }],
      },
    ),
    { what: 'a mapping with list, range or glob', hint: FOREACH_HINT, context: 'foreach' },
  ),
  defaults: noted(
    Type.Object(settings(), {
      additionalProperties: false,
      description: 'Settings every task gets unless it sets them itself.',
    }),
    { context: 'defaults' },
  ),
  task: noted(
    Type.Object(
      {
        name: ref('name', {
          what: 'a task name',
          hint: nameHint('prepare'),
          missing: 'add "name: <task-name>" to the task',
        }),
        command: Type.Optional(ref('argv')),
        shell: Type.Optional(ref('shell')),
        workdir: Type.Optional(workdir()),
        env: Type.Optional(ref('env')),
        inputs: Type.Optional(
          pathList('input', 'Files the task reads; a file another task writes makes this task run after it.'),
        ),
        outputs: Type.Optional(pathList('output', 'Files the task writes; each file has one producer.')),
        after: Type.Optional(
          noted(
            Type.Union(
              [
                Type.String({ minLength: 1 }),
                Type.Array(noted(Type.String({ minLength: 1 }), { what: 'a task name', hint: AFTER_HINT })),
              ],
              {
                description: "Tasks this one runs after: a name, an array's name (all members), or name[i].",
              },
            ),
            { what: 'a task name or a list of task names', hint: 'write after: [task-a, task-b]' },
          ),
        ),
        foreach: Type.Optional(ref('foreach')),
        ...settings(),
      },
      { additionalProperties: false, oneOf: [{ required: ['command'] }, { required: ['shell'] }] },
    ),
    {
      what: 'a task (a mapping with name and command)',
      hint: 'write a task as "- name: ..." with its fields indented below',
      context: 'task',
    },
  ),
};

/** The workflow format's schema, as published in schemas/workflow.schema.json. */
export const WORKFLOW_SCHEMA = noted(
  Type.Object(
    {
      $schema: Type.Optional(
        noted(Type.String({ description: 'The schema of this file, for editors; ignored by Strata.' }), {
          what: 'the path or URL of a JSON Schema',
          hint: 'write e.g. "$schema": "schemas/workflow.schema.json", or remove it',
        }),
      ),
      version: Type.Optional(
        noted(
          Type.Unsafe<number>({ const: FORMAT_VERSION, description: 'The format version (optional; 1).' }),
          {
            what: 'a format version number',
            hint: `write version: ${FORMAT_VERSION}`,
          },
        ),
      ),
      name: ref('name', {
        what: 'a workflow name',
        hint: nameHint('my-workflow'),
        missing: 'add a line like "name: my-workflow" at the top',
      }),
      failure: Type.Optional(
        Type.Unsafe<'fail-fast' | 'continue'>({
          enum: ['fail-fast', 'continue'],
          description:
            'fail-fast (default): the first task that fails for good cancels the rest; continue: tasks that do not depend on it go on.',
        }),
      ),
      defaults: Type.Optional(
        ref('defaults', {
          what: 'a mapping of task defaults',
          hint: 'write e.g. defaults: { retries: 2, timeout: 10m }',
        }),
      ),
      tasks: noted(Type.Array(ref('task'), { minItems: 1 }), {
        what: 'a list of tasks',
        hint: 'write each task as an item "- name: ..." under tasks:',
        missing: 'add a "tasks:" list with at least one task',
      }),
    },
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Strata workflow',
      description: 'A Strata workflow spec (YAML or JSON). See docs/workflow-format.md.',
      additionalProperties: false,
      definitions,
    },
  ),
  { context: 'top' },
);

export const WORKFLOW_FORMAT = new FormatSchema(WORKFLOW_SCHEMA);

/** The fields allowed in each mapping of the format. */
export const SPEC_FIELDS = {
  top: fieldsOf(WORKFLOW_SCHEMA),
  defaults: fieldsOf(definitions.defaults),
  task: fieldsOf(definitions.task),
  resources: fieldsOf(definitions.resources),
  retries: fieldsOf(definitions.retries),
  validate: fieldsOf(definitions.validate),
  foreach: fieldsOf(definitions.foreach),
  range: fieldsOf(definitions.foreach.properties.range),
} as const satisfies Record<string, readonly string[]>;
