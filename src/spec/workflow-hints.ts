/**
 * What the workflow reader says beyond the schema's notes: its codes, and the did-you-mean of an
 * unknown field, from fields put in the wrong place, words people bring from other tools, and typos.
 */
import type { SpecErrorCode } from './spec-errors.js';
import type { FieldDialect } from './schema-field-reader.js';
import { SPEC_FIELDS } from './workflow-schema.js';

/** Words people bring from other tools, per mapping (the schema notes' `context`), and what Strata calls them. */
const SYNONYMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  top: {
    failure_policy: 'failure',
    on_failure: 'failure',
    jobs: 'tasks',
    steps: 'tasks',
    default: 'defaults',
  },
  defaults: { environment: 'env', cwd: 'workdir', dir: 'workdir', working_dir: 'workdir', retry: 'retries' },
  task: {
    depends_on: 'after',
    depends: 'after',
    dependencies: 'after',
    deps: 'after',
    needs: 'after',
    requires: 'after',
    cmd: 'command',
    args: 'command',
    exec: 'command',
    run: 'shell',
    script: 'shell',
    cwd: 'workdir',
    dir: 'workdir',
    working_dir: 'workdir',
    environment: 'env',
    input: 'inputs',
    output: 'outputs',
    retry: 'retries',
    attempts: 'retries',
    max_attempts: 'retries',
    for_each: 'foreach',
    matrix: 'foreach',
    validation: 'validate',
    resource: 'resources',
  },
  resources: { cpu: 'cpus', cores: 'cpus', mem: 'memory', ram: 'memory', gpu: 'gpus' },
  retries: {
    max: 'limit',
    count: 'limit',
    retries: 'limit',
    delay: 'backoff',
    max_delay: 'max_backoff',
    multiplier: 'factor',
  },
  validate: { output: 'outputs', script: 'shell', run: 'shell', cmd: 'command' },
  foreach: { items: 'list', values: 'list', files: 'glob', pattern: 'glob' },
  range: { start: 'from', end: 'to', stop: 'to', by: 'step' },
};

const TOP_ONLY = new Set(['version', 'failure', 'defaults', 'tasks', '$schema']);
const TASK_ONLY = new Set(['name', 'command', 'shell', 'inputs', 'outputs', 'after', 'foreach']);
const RESOURCE_FIELDS = new Set<string>(SPEC_FIELDS.resources);
const TASK_FIELDS: readonly string[] = SPEC_FIELDS.task;
const DEFAULTS_FIELDS: readonly string[] = SPEC_FIELDS.defaults;

/** Where an unknown field of a task, defaults, the top level or retries belongs instead. */
function misplacedFieldHint(context: string, key: string): { hint: string; suggestion?: string } | undefined {
  const lower = key.toLowerCase();
  if ((context === 'task' || context === 'defaults') && RESOURCE_FIELDS.has(lower)) {
    return { hint: `put it under resources, e.g. resources: { ${lower}: ... }` };
  }
  if ((context === 'task' || context === 'defaults') && TOP_ONLY.has(key)) {
    return {
      hint: `"${key}" belongs at the top level of the workflow, not in ${context === 'task' ? 'a task' : 'defaults'}`,
    };
  }
  if (context === 'top' && (TASK_FIELDS.includes(key) || RESOURCE_FIELDS.has(key))) {
    const orDefaults = DEFAULTS_FIELDS.includes(key) ? ', or under "defaults:" for every task' : '';
    return { hint: `"${key}" is a task field: put it in a task under "tasks:"${orDefaults}` };
  }
  if (context === 'defaults' && TASK_ONLY.has(key)) {
    return { hint: `"${key}" cannot have a default; set it on each task` };
  }
  if (context === 'retries' && (lower === 'attempts' || lower === 'max_attempts')) {
    return {
      hint: '"limit" counts retries after the first attempt: attempts: 3 is limit: 2',
      suggestion: 'limit',
    };
  }
  return undefined;
}

export const SPEC_DIALECT: FieldDialect<SpecErrorCode> = {
  codes: {
    notAMapping: 'SPEC_NOT_A_MAPPING',
    unknownField: 'SPEC_UNKNOWN_FIELD',
    wrongType: 'SPEC_WRONG_TYPE',
    missingField: 'SPEC_MISSING_FIELD',
    invalidChoice: 'SPEC_INVALID_CHOICE',
    invalidName: 'SPEC_INVALID_NAME',
    unsupportedVersion: 'SPEC_UNSUPPORTED_VERSION',
    badDuration: 'SPEC_BAD_DURATION',
  },
  synonyms: SYNONYMS,
  mergeKeyHint: 'YAML merge keys are not supported; put shared settings under "defaults:"',
  misplacedFieldHint,
  keyHint: 'field names are plain words like "name"',
  emptyValueHint: 'give the field a value, or remove it',
  quoteName: (name) => JSON.stringify(name),
};
