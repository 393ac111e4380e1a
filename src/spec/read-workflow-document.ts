/**
 * Reads the YAML tree of a workflow into a DeclaredWorkflow: checks every field's name, type and
 * value, converts durations and quantities, compiles templates, and reports each mistake with its
 * position and a hint. It never stops at the first mistake: a bad field is skipped and reading
 * goes on. It does not expand foreach arrays or look across tasks (that is the graph step's job).
 *
 * The accepted fields are the ones in schemas/workflow.schema.json; a test keeps the two in step.
 */
import type { FailurePolicy } from '../model/index.js';
import type {
  DeclaredCommand,
  DeclaredForeach,
  DeclaredResources,
  DeclaredRetry,
  DeclaredSettings,
  DeclaredTask,
  DeclaredValidate,
  DeclaredWorkflow,
  ForeachSource,
  TemplateField,
} from './declared-workflow.js';
import { parseDurationMs } from './durations.js';
import { parseMemoryBytes, suggestQuantity } from './quantities.js';
import type { SourcePos, SpecErrorCode, SpecErrorCollector } from './spec-errors.js';
import { closestMatch, quoteList } from './suggest.js';
import { ALL_PLACEHOLDERS, compileTemplate, MEMBER_PLACEHOLDERS, TASK_PLACEHOLDERS } from './templates.js';
import {
  comparePos,
  didYouMean,
  type Field,
  type FieldDialect,
  YamlFieldReader,
} from './yaml-field-reader.js';
import { fieldPath, type YamlSource, type YNode } from './yaml-source.js';

/** Workflow and task names: no spaces, slashes or brackets (`name[i]` is how array members are named). */
export const NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';
const NAME_RE = new RegExp(NAME_PATTERN);
const AFTER_HINT = 'write a task name like prepare, or work[0] for one member of an array';
const NAME_HINT =
  'use letters, digits, ".", "_" and "-", starting with a letter, digit or "_" (at most 128 characters)';
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
const ENV_NAME_RE = new RegExp(ENV_NAME_PATTERN);

export const FORMAT_VERSION = 1;
export const MAX_RETRIES = 100;
export const MAX_BACKOFF_FACTOR = 100;
const FAILURE_POLICIES: readonly FailurePolicy[] = ['fail-fast', 'continue'];
const OUTPUT_CHECKS = ['exist', 'non-empty'] as const;

type Context = 'top' | 'defaults' | 'task' | 'resources' | 'retries' | 'validate' | 'foreach' | 'range';

/** The fields allowed in each mapping of the format (the JSON Schema lists the same; a test checks). */
export const SPEC_FIELDS: Readonly<Record<Context, readonly string[]>> = {
  top: ['$schema', 'version', 'name', 'failure', 'defaults', 'tasks'],
  defaults: ['workdir', 'env', 'resources', 'retries', 'timeout', 'validate', 'flexible'],
  task: [
    'name',
    'command',
    'shell',
    'workdir',
    'env',
    'inputs',
    'outputs',
    'after',
    'foreach',
    'resources',
    'retries',
    'timeout',
    'validate',
    'flexible',
  ],
  resources: ['cpus', 'memory', 'gpus'],
  retries: ['limit', 'backoff', 'factor', 'max_backoff', 'jitter'],
  validate: ['outputs', 'stdout', 'command', 'shell'],
  foreach: ['list', 'range', 'glob'],
  range: ['from', 'to', 'step'],
};

/** Words people bring from other tools, per place, and what Strata calls them. */
const SYNONYMS: Readonly<Record<Context, Readonly<Record<string, string>>>> = {
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

type Scope = 'defaults' | 'task' | 'member';

export function readWorkflowDocument(
  src: YamlSource,
  errors: SpecErrorCollector,
): DeclaredWorkflow | undefined {
  return new DocumentReader(src, errors).read();
}

class DocumentReader extends YamlFieldReader<SpecErrorCode, Context> {
  private readonly writtenNames = new Set<string>();

  constructor(src: YamlSource, errors: SpecErrorCollector) {
    super(src, errors, SPEC_DIALECT);
  }

  read(): DeclaredWorkflow | undefined {
    const f = this.rootFields(
      'top',
      'a workflow must be a mapping with "name" and "tasks"',
      'start the file with "name: my-workflow" followed by a "tasks:" list',
    );
    if (f === undefined) return undefined;
    const rootPos = this.src.pos(this.src.root);

    this.readSchemaRef(f.get('$schema'), 'schemas/workflow.schema.json');
    const version = f.get('version');
    if (version) this.readVersion(version);

    let name: string | undefined;
    const nameField = f.get('name');
    if (nameField) name = this.readName(nameField, 'workflow');
    else this.missing(rootPos, 'name', 'add a line like "name: my-workflow" at the top');

    let failurePolicy: FailurePolicy = 'fail-fast';
    const failure = f.get('failure');
    if (failure) failurePolicy = this.readChoice(failure, FAILURE_POLICIES) ?? failurePolicy;

    const defaultsField = f.get('defaults');
    let defaults: DeclaredSettings = emptySettings();
    if (
      defaultsField &&
      this.expectKind(
        defaultsField,
        ['mapping'],
        'a mapping of task defaults',
        'write e.g. defaults: { retries: 2, timeout: 10m }',
      )
    ) {
      const df = this.fields(defaultsField.node, defaultsField.path, 'defaults');
      defaults = this.readSettings(df, 'defaults');
    }

    const tasks: DeclaredTask[] = [];
    const tasksField = f.get('tasks');
    if (!tasksField) {
      this.missing(rootPos, 'tasks', 'add a "tasks:" list with at least one task');
    } else if (
      this.expectKind(
        tasksField,
        ['list'],
        'a list of tasks',
        'write each task as an item "- name: ..." under tasks:',
      )
    ) {
      const items = this.src.items(tasksField.node);
      if (items.length === 0) {
        this.errors.add(
          'SPEC_NO_TASKS',
          tasksField.pos,
          'tasks',
          'the workflow has no tasks',
          'add at least one task, e.g. "- name: hello" with "command: [echo, hello]"',
        );
      }
      items.forEach((item, i) => {
        const task = this.readTask(item, i);
        if (task) tasks.push(task);
      });
    }
    return { name, failurePolicy, defaults, tasks, writtenNames: this.writtenNames };
  }

  // ---------------------------------------------------------------- tasks and settings

  private readTask(node: YNode | null, index: number): DeclaredTask | undefined {
    const path = `tasks[${index}]`;
    const pos = this.src.pos(node);
    if (node === null || this.src.kind(node) !== 'mapping') {
      this.wrongType(
        pos,
        path,
        'a task (a mapping with name and command)',
        node,
        'write a task as "- name: ..." with its fields indented below',
      );
      return undefined;
    }
    const f = this.fields(node, path, 'task');

    let name: string | undefined;
    const nameField = f.get('name');
    const namePos = nameField?.pos ?? pos;
    if (nameField) name = this.readName(nameField, 'task');
    else this.missing(pos, `${path}.name`, 'add "name: <task-name>" to the task');

    let foreach: DeclaredForeach | null | undefined;
    const foreachField = f.get('foreach');
    if (foreachField) foreach = this.readForeach(foreachField) ?? null;
    // With a foreach (even a broken one) the member placeholders are allowed: no cascade of errors.
    const scope: Scope = foreachField ? 'member' : 'task';

    const settings = this.readSettings(f, scope);
    const command = this.readCommandPair(f, pos, path, scope, true);
    const inputs = this.readPathList(f.get('inputs'), scope, 'input');
    const outputs = this.readPathList(f.get('outputs'), scope, 'output');
    const after = this.readAfter(f.get('after'), scope);
    return { ...settings, index, name, namePos, pos, path, command, inputs, outputs, after, foreach };
  }

  private readSettings(f: Map<string, Field>, scope: Scope): DeclaredSettings {
    const settings = emptySettings();
    const workdir = f.get('workdir');
    if (workdir)
      settings.workdir = this.readTemplate(
        workdir,
        scope,
        'a directory path',
        'write a path, e.g. workdir: work',
      );
    const env = f.get('env');
    if (env) settings.env = this.readEnv(env, scope);
    const resources = f.get('resources');
    if (resources) settings.resources = this.readResources(resources);
    const retries = f.get('retries');
    if (retries) settings.retry = this.readRetries(retries);
    const timeout = f.get('timeout');
    if (timeout) {
      const ms = this.readDuration(timeout);
      if (ms === 0) {
        this.errors.add(
          'SPEC_BAD_DURATION',
          timeout.pos,
          timeout.path,
          'timeout must be greater than 0',
          'remove "timeout" for no time limit, or give one like 30s or 10m',
        );
      } else if (ms !== undefined) settings.timeoutMs = ms;
    }
    const validate = f.get('validate');
    if (validate) settings.validate = this.readValidate(validate, scope);
    const flexible = f.get('flexible');
    if (
      flexible &&
      this.expectKind(
        flexible,
        ['boolean'],
        'true or false',
        'write flexible: true (a carbon-aware plan may delay the task or move it to a greener site), or remove it',
      )
    )
      settings.flexible = this.src.scalarValue(flexible.node) === true;
    return settings;
  }

  /** `command` xor `shell`, for a task (required) or a validator (optional). */
  private readCommandPair(
    f: Map<string, Field>,
    ownerPos: SourcePos,
    ownerPath: string,
    scope: Scope,
    required: boolean,
  ): DeclaredCommand | undefined {
    const command = f.get('command');
    const shell = f.get('shell');
    const owner = required ? 'the task' : 'the validator';
    if (command && shell) {
      const later = comparePos(command.keyPos, shell.keyPos) > 0 ? command : shell;
      this.errors.add(
        'SPEC_COMMAND_AND_SHELL',
        later.keyPos,
        later.path,
        `${owner} has both "command" and "shell"`,
        'keep one: "command" is an argv list run as is, "shell" a string run with /bin/sh -c',
      );
      return undefined;
    }
    if (command) return this.readArgv(command, scope);
    if (shell) {
      const script = this.readTemplate(
        shell,
        scope,
        'a shell command line',
        'write the command line as a string',
      );
      if (script === undefined) return undefined;
      if (script.template.source.trim() === '') {
        this.errors.add(
          'SPEC_EMPTY_COMMAND',
          shell.pos,
          shell.path,
          '"shell" is empty',
          'write the command line to run, e.g. shell: "echo hello > hello.txt"',
        );
        return undefined;
      }
      return { kind: 'shell', script };
    }
    const suggestedHere =
      this.suggested.has(`${ownerPath}.command`) || this.suggested.has(`${ownerPath}.shell`);
    if (required && !suggestedHere) {
      this.errors.add(
        'SPEC_NO_COMMAND',
        ownerPos,
        ownerPath,
        'the task has neither "command" nor "shell"',
        'add command: [program, arg, ...] or shell: "program arg | other"',
      );
    }
    return undefined;
  }

  private readArgv(field: Field, scope: Scope): DeclaredCommand | undefined {
    const kind = this.src.kind(field.node);
    if (kind === 'string') {
      const text = this.src.scalarText(field.node) ?? '';
      this.wrongType(
        field.pos,
        field.path,
        'an argv list',
        field.node,
        `write the program and its arguments as a list, e.g. [${text.trim().split(/\s+/).join(', ')}], or use shell: instead for a shell command line`,
      );
      return undefined;
    }
    if (
      !this.expectKind(
        field,
        ['list'],
        'an argv list',
        'write the program and its arguments as a list, e.g. [echo, hello]',
      )
    ) {
      return undefined;
    }
    const items = this.src.items(field.node);
    if (items.length === 0) {
      this.errors.add(
        'SPEC_EMPTY_COMMAND',
        field.pos,
        field.path,
        '"command" is an empty list',
        'put the program to run first, e.g. [echo, hello]',
      );
      return undefined;
    }
    const args: TemplateField[] = [];
    let ok = true;
    items.forEach((item, i) => {
      const arg = this.readTemplate(
        this.itemField(field, item, i),
        scope,
        'an argument (a string or number)',
        'each item of the list is one argument; quote it if in doubt',
        true,
      );
      if (arg === undefined) ok = false;
      else args.push(arg);
    });
    const first = args[0];
    if (ok && first && first.template.source.trim() === '') {
      this.errors.add(
        'SPEC_EMPTY_COMMAND',
        first.pos,
        first.path,
        'the program name (first argument) is empty',
        'put the program to run first, e.g. [echo, hello]',
      );
      return undefined;
    }
    return ok ? { kind: 'argv', args, pos: field.pos, path: field.path } : undefined;
  }

  private readEnv(field: Field, scope: Scope): Map<string, TemplateField> {
    const env = new Map<string, TemplateField>();
    if (
      !this.expectKind(field, ['mapping'], 'a mapping of environment variables', 'write env: { NAME: value }')
    ) {
      return env;
    }
    for (const entry of this.src.entries(field.node)) {
      const keyPos = this.src.pos(entry.keyNode);
      if (entry.key === undefined) {
        this.wrongType(
          keyPos,
          field.path,
          'a variable name',
          this.src.resolve(entry.keyNode),
          'environment variable names are plain strings',
        );
        continue;
      }
      const path = fieldPath(field.path, entry.key);
      if (!ENV_NAME_RE.test(entry.key)) {
        this.errors.add(
          'SPEC_INVALID_NAME',
          keyPos,
          path,
          `invalid environment variable name "${entry.key}"`,
          'use letters, digits and "_", not starting with a digit',
        );
        continue;
      }
      if (env.has(entry.key)) continue; // the YAML layer reported the duplicate
      const value = this.readTemplate(
        { key: entry.key, node: entry.value, pos: this.valuePos(entry.value, keyPos), keyPos, path },
        scope,
        'a value (a string or number)',
        'write NAME: value; quote the value if in doubt',
        true,
      );
      if (value) env.set(entry.key, value);
    }
    return env;
  }

  private readResources(field: Field): DeclaredResources {
    const out: DeclaredResources = {};
    if (
      !this.expectKind(
        field,
        ['mapping'],
        'a mapping',
        'write e.g. resources: { cpus: 1, memory: 1Gi, gpus: 0 }',
      )
    )
      return out;
    const f = this.fields(field.node, field.path, 'resources');
    const cpus = f.get('cpus');
    if (cpus) {
      const text = this.src.scalarText(cpus.node) ?? '';
      const milli = /^(\d+)m$/.exec(text);
      const hint = milli
        ? `write ${Number(milli[1]) / 1000} for ${text}`
        : 'write a number of CPUs, e.g. 2 or 0.5';
      const v = this.readNumber(cpus, 'a number of CPUs', hint);
      if (v !== undefined) {
        if (v > 0) out.cpus = v;
        else
          this.errors.add(
            'SPEC_BAD_CPUS',
            cpus.pos,
            cpus.path,
            `cpus must be greater than 0, got ${text}`,
            'write a positive number of CPUs, e.g. 1 or 0.5',
          );
      }
    }
    const gpus = f.get('gpus');
    if (gpus) {
      const v = this.readNumber(gpus, 'a whole number of GPUs', 'write a whole number, e.g. 0 or 1');
      if (v !== undefined) {
        if (Number.isSafeInteger(v) && v >= 0) out.gpus = v;
        else {
          this.errors.add(
            'SPEC_BAD_GPUS',
            gpus.pos,
            gpus.path,
            `gpus must be a whole number, 0 or more, got ${this.src.scalarText(gpus.node) ?? ''}`,
            'GPUs are not shared between tasks; ask for 0, 1, 2, ...',
          );
        }
      }
    }
    const memory = f.get('memory');
    if (memory) {
      const kind = this.src.kind(memory.node);
      if (kind === 'number' || kind === 'string') {
        const raw = this.src.scalarValue(memory.node) as string | number;
        const bytes = parseMemoryBytes(raw);
        if (bytes === undefined) {
          const text = this.src.scalarText(memory.node) ?? '';
          const guess = typeof raw === 'string' ? suggestQuantity(raw) : undefined;
          this.errors.add(
            'SPEC_BAD_QUANTITY',
            memory.pos,
            memory.path,
            `invalid memory quantity "${text}"`,
            guess !== undefined
              ? `did you mean ${guess}?`
              : 'write a whole number of bytes, or a number with a suffix: Ki, Mi, Gi, Ti (binary) or k, M, G, T (decimal), e.g. 512Mi',
          );
        } else out.memoryBytes = bytes;
      } else {
        this.wrongType(
          memory.pos,
          memory.path,
          'a memory quantity',
          memory.node,
          'write e.g. 512Mi, 2Gi or a number of bytes',
        );
      }
    }
    return out;
  }

  private readRetries(field: Field): DeclaredRetry {
    const kind = this.src.kind(field.node);
    if (kind === 'number') {
      const limit = this.readRetryLimit(field);
      return limit === undefined ? {} : { limit };
    }
    if (
      !this.expectKind(
        field,
        ['mapping', 'number'],
        'a number of retries or a mapping like { limit: 3, backoff: 10s }',
        'write e.g. retries: 3 (a number, no quotes) or retries: { limit: 3, backoff: 10s }',
      )
    ) {
      return {};
    }
    const out: DeclaredRetry = {};
    const f = this.fields(field.node, field.path, 'retries');
    const limit = f.get('limit');
    if (limit) out.limit = this.readRetryLimit(limit);
    const backoff = f.get('backoff');
    if (backoff) out.backoffMs = this.readDuration(backoff);
    const maxBackoff = f.get('max_backoff');
    if (maxBackoff) out.maxBackoffMs = this.readDuration(maxBackoff);
    // Fields that failed are left undefined and do not override defaults (see applyDefaults).
    const factor = f.get('factor');
    if (factor) {
      const v = this.readNumber(
        factor,
        'a number',
        'write e.g. factor: 2 to double the delay after each failure',
      );
      if (v !== undefined) {
        if (v >= 1 && v <= MAX_BACKOFF_FACTOR) out.factor = v;
        else
          this.badRetries(
            factor,
            `factor must be from 1 to ${MAX_BACKOFF_FACTOR}, got ${this.src.scalarText(factor.node) ?? ''}`,
            'use 1 for a constant delay, 2 to double it after each failure',
          );
      }
    }
    const jitter = f.get('jitter');
    if (jitter) {
      const v = this.readNumber(jitter, 'a number from 0 to 1', 'write e.g. jitter: 0.5');
      if (v !== undefined) {
        if (v >= 0 && v <= 1) out.jitter = v;
        else
          this.badRetries(
            jitter,
            `jitter must be from 0 to 1, got ${this.src.scalarText(jitter.node) ?? ''}`,
            'jitter is the fraction of the delay drawn at random: 0 for none, 1 for all of it',
          );
      }
    }
    return out;
  }

  private readRetryLimit(field: Field): number | undefined {
    const v = this.readNumber(field, 'a number of retries', 'write a whole number of retries, e.g. 3');
    if (v === undefined) return undefined;
    if (Number.isSafeInteger(v) && v >= 0 && v <= MAX_RETRIES) return v;
    this.badRetries(
      field,
      `retries must be a whole number from 0 to ${MAX_RETRIES}, got ${this.src.scalarText(field.node) ?? ''}`,
      `it counts retries after the first attempt: 0 runs a task once, 3 up to 4 times`,
    );
    return undefined;
  }

  private badRetries(field: Field, message: string, hint: string): void {
    this.errors.add('SPEC_BAD_RETRIES', field.pos, field.path, message, hint);
  }

  private readValidate(field: Field, scope: Scope): DeclaredValidate {
    const out: DeclaredValidate = {};
    if (
      !this.expectKind(
        field,
        ['mapping'],
        'a mapping',
        'write e.g. validate: { outputs: non-empty, stdout: "done" }',
      )
    )
      return out;
    const f = this.fields(field.node, field.path, 'validate');
    const outputs = f.get('outputs');
    if (outputs) out.outputs = this.readChoice(outputs, OUTPUT_CHECKS);
    const stdout = f.get('stdout');
    if (stdout) {
      const pattern = this.readString(
        stdout,
        'a regular expression',
        'quote the pattern, e.g. stdout: "total: \\d+"',
      );
      if (pattern !== undefined) {
        try {
          new RegExp(pattern);
          out.stdout = pattern;
        } catch (e) {
          const reason = e instanceof Error ? (e.message.split(': ').pop() ?? e.message) : String(e);
          this.errors.add(
            'SPEC_BAD_REGEX',
            stdout.pos,
            stdout.path,
            `invalid regular expression ${JSON.stringify(pattern)}: ${reason}`,
            'stdout is a JavaScript regular expression; escape special characters like ( [ { . * + ? with a backslash',
          );
        }
      }
    }
    out.command = this.readCommandPair(f, this.src.pos(field.node), field.path, scope, false);
    return out;
  }

  // ---------------------------------------------------------------- foreach

  private readForeach(field: Field): DeclaredForeach | undefined {
    const hint = 'write foreach: { list: [a, b] }, { range: [0, 10] } or { glob: "data/*.csv" }';
    if (!this.expectKind(field, ['mapping'], 'a mapping with list, range or glob', hint)) return undefined;
    const before = this.errors.count;
    const f = this.fields(field.node, field.path, 'foreach');
    const kinds = SPEC_FIELDS.foreach.filter((k) => f.has(k));
    if (kinds.length > 1) {
      this.errors.add(
        'SPEC_BAD_FOREACH',
        field.pos,
        field.path,
        `foreach has both ${quoteList(kinds, 'and')}`,
        'use exactly one of list, range or glob; for two arrays, declare two tasks',
      );
      return undefined;
    }
    const kind = kinds[0];
    if (kind === undefined) {
      if (this.errors.count === before) {
        this.errors.add(
          'SPEC_BAD_FOREACH',
          field.pos,
          field.path,
          'foreach needs one of list, range or glob',
          hint,
        );
      }
      return undefined;
    }
    const sourceField = f.get(kind) as Field;
    let source: ForeachSource | undefined;
    if (kind === 'list') source = this.readForeachList(sourceField);
    else if (kind === 'range') source = this.readRange(sourceField);
    else {
      const pattern = this.readString(sourceField, 'a glob pattern', 'write e.g. glob: "data/*.csv"');
      if (pattern !== undefined && pattern.trim() === '') {
        this.errors.add(
          'SPEC_BAD_FOREACH',
          sourceField.pos,
          sourceField.path,
          'the glob pattern is empty',
          'write e.g. glob: "data/*.csv"',
        );
      } else if (pattern !== undefined) source = { kind: 'glob', pattern };
    }
    return source ? { source, pos: sourceField.pos, path: sourceField.path } : undefined;
  }

  private readForeachList(field: Field): ForeachSource | undefined {
    if (!this.expectKind(field, ['list'], 'a list of values', 'write e.g. list: [a, b, c]')) return undefined;
    const nodes = this.src.items(field.node);
    if (nodes.length === 0) {
      this.errors.add(
        'SPEC_BAD_FOREACH',
        field.pos,
        field.path,
        'the foreach list is empty',
        'list at least one value, or remove the task',
      );
      return undefined;
    }
    const items: string[] = [];
    let ok = true;
    nodes.forEach((node, i) => {
      const item = this.itemField(field, node, i);
      const kind = this.src.kind(node);
      if (kind === 'string' || kind === 'number' || kind === 'boolean')
        items.push(this.src.scalarText(node) ?? '');
      else {
        ok = false;
        this.wrongType(
          item.pos,
          item.path,
          'a string or number',
          node,
          'foreach list items are plain values, used as {{item}}',
        );
      }
    });
    return ok ? { kind: 'list', items } : undefined;
  }

  private readRange(field: Field): ForeachSource | undefined {
    const hint = 'write range: [from, to] (to excluded) or range: { from: 0, to: 10, step: 1 }';
    if (
      !this.expectKind(
        field,
        ['list', 'mapping'],
        'a range like [0, 10] or { from: 0, to: 10, step: 1 }',
        hint,
      )
    ) {
      return undefined;
    }
    let from: number | undefined = 0;
    let to: number | undefined;
    let step: number | undefined = 1;
    if (this.src.kind(field.node) === 'list') {
      const nodes = this.src.items(field.node);
      if (nodes.length < 2 || nodes.length > 3) {
        this.errors.add(
          'SPEC_BAD_FOREACH',
          field.pos,
          field.path,
          `a range list has 2 or 3 numbers (from, to, step), got ${nodes.length}`,
          hint,
        );
        return undefined;
      }
      const [a, b, c] = nodes.map((n, i) => this.readRangeBound(this.itemField(field, n, i)));
      from = a;
      to = b;
      step = nodes.length === 3 ? c : 1;
    } else {
      const f = this.fields(field.node, field.path, 'range');
      const fromField = f.get('from');
      if (fromField) from = this.readRangeBound(fromField);
      const toField = f.get('to');
      if (toField) to = this.readRangeBound(toField);
      else {
        this.missing(
          field.pos,
          `${field.path}.to`,
          'add "to", the first value not included, e.g. { from: 0, to: 10 }',
        );
        return undefined;
      }
      const stepField = f.get('step');
      if (stepField) step = this.readRangeBound(stepField);
    }
    if (from === undefined || to === undefined || step === undefined) return undefined;
    if (step === 0) {
      this.errors.add(
        'SPEC_BAD_FOREACH',
        field.pos,
        field.path,
        'the range step is 0',
        'use a step of 1 or more (or a negative step to count down)',
      );
      return undefined;
    }
    if ((step > 0 && from >= to) || (step < 0 && from <= to)) {
      this.errors.add(
        'SPEC_BAD_FOREACH',
        field.pos,
        field.path,
        `the range from ${from} to ${to} (excluded) with step ${step} is empty`,
        '"to" is excluded: [0, 3] gives 0, 1, 2',
      );
      return undefined;
    }
    return { kind: 'range', from, to, step };
  }

  private readRangeBound(field: Field): number | undefined {
    const v = this.readNumber(field, 'a whole number', 'range bounds and steps are whole numbers');
    if (v === undefined) return undefined;
    if (Number.isSafeInteger(v)) return v;
    this.errors.add(
      'SPEC_BAD_FOREACH',
      field.pos,
      field.path,
      `range values must be whole numbers, got ${this.src.scalarText(field.node) ?? ''}`,
      'range bounds and steps are whole numbers',
    );
    return undefined;
  }

  // ---------------------------------------------------------------- lists of paths and names

  private readPathList(field: Field | undefined, scope: Scope, what: 'input' | 'output'): TemplateField[] {
    if (!field) return [];
    const kind = this.src.kind(field.node);
    if (kind !== 'list') {
      const text = this.src.scalarText(field.node);
      const hint =
        text !== undefined
          ? `write a list: [${text}]`
          : `write a list of file paths, e.g. [${what === 'input' ? 'data.csv' : 'result.txt'}]`;
      this.wrongType(field.pos, field.path, `a list of ${what} file paths`, field.node, hint);
      return [];
    }
    const out: TemplateField[] = [];
    this.src.items(field.node).forEach((node, i) => {
      const t = this.readTemplate(
        this.itemField(field, node, i),
        scope,
        'a file path',
        'write each path as a string, e.g. data/input.csv',
      );
      if (t) out.push(t);
    });
    return out;
  }

  private readAfter(field: Field | undefined, scope: Scope): TemplateField[] {
    if (!field) return [];
    const kind = this.src.kind(field.node);
    if (kind === 'string') {
      const t = this.readTemplate(field, scope, 'a task name', AFTER_HINT);
      return t ? [t] : [];
    }
    if (
      !this.expectKind(
        field,
        ['list'],
        'a task name or a list of task names',
        'write after: [task-a, task-b]',
      )
    )
      return [];
    const out: TemplateField[] = [];
    this.src.items(field.node).forEach((node, i) => {
      const t = this.readTemplate(this.itemField(field, node, i), scope, 'a task name', AFTER_HINT);
      if (t) out.push(t);
    });
    return out;
  }

  // ---------------------------------------------------------------- scalars

  private readVersion(field: Field): void {
    const v = this.readNumber(field, 'a format version number', `write version: ${FORMAT_VERSION}`);
    if (v !== undefined && v !== FORMAT_VERSION) {
      this.errors.add(
        'SPEC_UNSUPPORTED_VERSION',
        field.pos,
        field.path,
        `unsupported format version ${this.src.scalarText(field.node) ?? ''}`,
        `this Strata reads version ${FORMAT_VERSION}; upgrade Strata, or write version: ${FORMAT_VERSION}`,
      );
    }
  }

  private readName(field: Field, what: 'workflow' | 'task'): string | undefined {
    const written = this.src.scalarText(field.node);
    const name = this.readString(
      field,
      `a ${what} name`,
      written !== undefined
        ? `quote it to make it a string: name: "${written}"`
        : `write e.g. name: ${what === 'task' ? 'prepare' : 'my-workflow'}`,
    );
    if (name === undefined) return undefined;
    if (what === 'task') this.writtenNames.add(name);
    if (NAME_RE.test(name)) return name;
    this.errors.add(
      'SPEC_INVALID_NAME',
      field.pos,
      field.path,
      `invalid ${what} name ${JSON.stringify(name)}`,
      NAME_HINT,
    );
    return undefined;
  }

  private readDuration(field: Field): number | undefined {
    const hint = 'write a number of seconds, or a duration like 500ms, 30s, 10m, 2h or 1h30m';
    return this.readDurationWith(field, hint, parseDurationMs);
  }

  /**
   * A string that may hold placeholders. `lenient` also takes numbers and booleans as written
   * (argv items and env values, where `[sleep, 1]` and `{ THREADS: 4 }` are natural).
   */
  private readTemplate(
    field: Field,
    scope: Scope,
    what: string,
    hint: string,
    lenient = false,
  ): TemplateField | undefined {
    const kind = this.src.kind(field.node);
    const ok = kind === 'string' || (lenient && (kind === 'number' || kind === 'boolean'));
    if (!ok) {
      this.wrongType(field.pos, field.path, what, field.node, hint);
      return undefined;
    }
    const { template, used } = compileTemplate(this.src.scalarText(field.node) ?? '');
    let good = true;
    for (const name of new Set(used)) {
      if (!this.checkPlaceholder(name, scope, field)) good = false;
    }
    return good ? { template, pos: field.pos, path: field.path } : undefined;
  }

  private checkPlaceholder(name: string, scope: Scope, field: Field): boolean {
    const isMember = (MEMBER_PLACEHOLDERS as readonly string[]).includes(name);
    if ((TASK_PLACEHOLDERS as readonly string[]).includes(name) || (isMember && scope === 'member'))
      return true;
    const add = (message: string, hint: string): false => {
      this.errors.add('SPEC_UNKNOWN_PLACEHOLDER', field.pos, field.path, message, hint);
      return false;
    };
    if (isMember && scope === 'task') {
      return add(
        `{{${name}}} is only defined in a task with foreach`,
        `add a foreach to the task, or remove {{${name}}}`,
      );
    }
    if (isMember) {
      return add(
        `{{${name}}} cannot be used in defaults`,
        'defaults may use {{name}} only; set the field on the foreach task itself',
      );
    }
    const allowed = scope === 'member' ? ALL_PLACEHOLDERS : TASK_PLACEHOLDERS;
    const close = closestMatch(name, allowed);
    return add(
      `unknown placeholder {{${name}}}`,
      close !== undefined
        ? `did you mean {{${close}}}?`
        : `placeholders here: ${allowed.map((p) => `{{${p}}}`).join(', ')}`,
    );
  }

  // ---------------------------------------------------------------- mappings and errors
}

function emptySettings(): DeclaredSettings {
  return { env: new Map(), resources: {}, retry: {}, validate: {} };
}

const TOP_ONLY = new Set(['version', 'failure', 'defaults', 'tasks', '$schema']);
const TASK_ONLY = new Set(['name', 'command', 'shell', 'inputs', 'outputs', 'after', 'foreach']);
const RESOURCE_FIELDS = new Set(SPEC_FIELDS.resources);

/**
 * A hint for an unknown field: a misplaced field, a word from another tool, a typo, or the list.
 * `suggestion` is the field of this mapping the key was probably meant to be.
 */
function unknownFieldHint(context: Context, key: string): { hint: string; suggestion?: string } {
  const lower = key.toLowerCase();
  if ((context === 'task' || context === 'defaults') && RESOURCE_FIELDS.has(lower)) {
    return { hint: `put it under resources, e.g. resources: { ${lower}: ... }` };
  }
  if ((context === 'task' || context === 'defaults') && TOP_ONLY.has(key)) {
    return {
      hint: `"${key}" belongs at the top level of the workflow, not in ${context === 'task' ? 'a task' : 'defaults'}`,
    };
  }
  if (context === 'top' && (SPEC_FIELDS.task.includes(key) || RESOURCE_FIELDS.has(key))) {
    const orDefaults = SPEC_FIELDS.defaults.includes(key) ? ', or under "defaults:" for every task' : '';
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
  if (key === '<<')
    return { hint: 'YAML merge keys are not supported; put shared settings under "defaults:"' };
  const allowed = SPEC_FIELDS[context];
  return (
    didYouMean(key, allowed, SYNONYMS[context]) ?? { hint: `allowed fields here: ${allowed.join(', ')}` }
  );
}

const SPEC_DIALECT: FieldDialect<SpecErrorCode, Context> = {
  codes: {
    notAMapping: 'SPEC_NOT_A_MAPPING',
    unknownField: 'SPEC_UNKNOWN_FIELD',
    wrongType: 'SPEC_WRONG_TYPE',
    missingField: 'SPEC_MISSING_FIELD',
    invalidChoice: 'SPEC_INVALID_CHOICE',
    badDuration: 'SPEC_BAD_DURATION',
  },
  fields: SPEC_FIELDS,
  unknownFieldHint,
  keyHint: 'field names are plain words like "name"',
  emptyValueHint: 'give the field a value, or remove it',
};
