/**
 * Reads the YAML tree of a workflow into a DeclaredWorkflow. The document is checked against the
 * workflow schema (workflow-schema.ts) with Ajv; the reader tells each mistake it finds where it
 * comes to it, with its position and hint, converts durations and quantities, compiles templates
 * and checks their placeholders. It never stops at the first mistake: a bad field is skipped and
 * reading goes on. It does not expand foreach arrays or look across tasks (the graph step's job).
 */
import { ENV_INHERIT_KEY, ENV_INHERIT_PATTERN, type FailurePolicy } from '../model/index.js';
import type {
  DeclaredCommand,
  DeclaredForeach,
  DeclaredResources,
  DeclaredRetry,
  DeclaredSettings,
  DeclaredTask,
  DeclaredValidate,
  DeclaredWorkflow,
  TemplateField,
} from './declared-workflow.js';
import { readDocumentRoot, type DocumentFormat, type DocumentRoot } from './document-root.js';
import { parseDurationMs } from './durations.js';
import { parseMemoryBytes, suggestQuantity } from './quantities.js';
import { ForeachReader } from './read-foreach.js';
import { compileUserRegex } from './regex.js';
import { SchemaFieldReader, type Field } from './schema-field-reader.js';
import type { SourcePos, SpecErrorCode, SpecErrorCollector } from './spec-errors.js';
import { compileTemplate, placeholderMistake, type PlaceholderScope } from './templates.js';
import { SPEC_DIALECT } from './workflow-hints.js';
import {
  DURATION_HINT,
  ENV_NAME_PATTERN,
  FORMAT_VERSION,
  MAX_BACKOFF_FACTOR,
  MAX_RETRIES,
  RETRY_LIMIT_SCHEMA,
  WORKFLOW_FORMAT,
} from './workflow-schema.js';
import { fieldPath, type YamlSource, type YNode } from './yaml-source.js';

const ENV_NAME_RE = new RegExp(ENV_NAME_PATTERN);
const ENV_INHERIT_RE = new RegExp(ENV_INHERIT_PATTERN);

const FORMAT: DocumentFormat<SpecErrorCode> = {
  schema: WORKFLOW_FORMAT,
  dialect: SPEC_DIALECT,
  notAMapping: {
    message: 'a workflow must be a mapping with "name" and "tasks"',
    hint: 'start the file with "name: my-workflow" followed by a "tasks:" list',
  },
  version: FORMAT_VERSION,
  unsupportedVersion: (written) => ({
    message: `unsupported format version ${written}`,
    hint: `this Strata reads version ${FORMAT_VERSION}; upgrade Strata, or write version: ${FORMAT_VERSION}`,
  }),
  nameWhat: 'workflow name',
};

export function readWorkflowDocument(
  src: YamlSource,
  errors: SpecErrorCollector,
): DeclaredWorkflow | undefined {
  const document = readDocumentRoot(src, errors, FORMAT);
  return document === undefined ? undefined : new DocumentReader(document).read();
}

class DocumentReader extends SchemaFieldReader<SpecErrorCode> {
  private readonly writtenNames = new Set<string>();
  private readonly foreachReader: ForeachReader;

  constructor(private readonly document: DocumentRoot<SpecErrorCode>) {
    super(document.context);
    this.foreachReader = new ForeachReader(document.context);
  }

  read(): DeclaredWorkflow {
    const { fields: f, root, name } = this.document;
    const failure = f.get('failure');
    const failurePolicy: FailurePolicy = (failure && this.choice<FailurePolicy>(failure)) ?? 'fail-fast';

    const defaultsField = f.get('defaults');
    const defaults =
      defaultsField && this.check(defaultsField)
        ? this.readSettings(this.fields(defaultsField.node, defaultsField.path), 'defaults')
        : emptySettings();

    const tasks: DeclaredTask[] = [];
    const tasksField = this.required(f, 'tasks', root);
    if (tasksField && this.check(tasksField)) {
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
    const item: Field = { key: String(index), node, pos, keyPos: pos, path };
    if (!this.check(item)) return undefined;
    const f = this.fields(node, path);

    let name: string | undefined;
    const nameField = this.required(f, 'name', item);
    const namePos = nameField?.pos ?? pos;
    const written = nameField ? this.string(nameField) : undefined;
    if (nameField && written !== undefined) {
      this.writtenNames.add(written);
      name = this.validName(nameField, written, 'task name');
    }

    let foreach: DeclaredForeach | null | undefined;
    const foreachField = f.get('foreach');
    if (foreachField) foreach = this.foreachReader.readForeach(foreachField) ?? null;
    // With a foreach (even a broken one) the member placeholders are allowed: no cascade of errors.
    const scope: PlaceholderScope = foreachField ? 'member' : 'task';

    const settings = this.readSettings(f, scope);
    const command = this.readCommandPair(f, pos, path, scope, true);
    const inputs = this.readTemplateList(f.get('inputs'), scope);
    const outputs = this.readTemplateList(f.get('outputs'), scope);
    const after = this.readAfter(f.get('after'), scope);
    return { ...settings, index, name, namePos, pos, path, command, inputs, outputs, after, foreach };
  }

  private readSettings(f: Map<string, Field>, scope: PlaceholderScope): DeclaredSettings {
    const settings = emptySettings();
    const workdir = f.get('workdir');
    if (workdir) settings.workdir = this.readTemplate(workdir, scope);
    const env = f.get('env');
    if (env) settings.env = this.readEnv(env, scope, settings);
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
    if (flexible && this.check(flexible)) settings.flexible = this.src.scalarValue(flexible.node) === true;
    return settings;
  }

  /** `command` xor `shell`, for a task (required) or a validator (optional). */
  private readCommandPair(
    f: Map<string, Field>,
    ownerPos: SourcePos,
    ownerPath: string,
    scope: PlaceholderScope,
    required: boolean,
  ): DeclaredCommand | undefined {
    const command = f.get('command');
    const shell = f.get('shell');
    const owner = required ? 'the task' : 'the validator';
    if (
      this.bothGiven(
        command,
        shell,
        'SPEC_COMMAND_AND_SHELL',
        `${owner} has both "command" and "shell"`,
        'keep one: "command" is an argv list run as is, "shell" a string run with /bin/sh -c',
      )
    )
      return undefined;
    if (command) return this.readArgv(command, scope);
    if (shell) {
      const script = this.readTemplate(shell, scope);
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
    const suggested = this.doc.suggested;
    const suggestedHere = suggested.has(`${ownerPath}.command`) || suggested.has(`${ownerPath}.shell`);
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

  private readArgv(field: Field, scope: PlaceholderScope): DeclaredCommand | undefined {
    if (!this.check(field)) return undefined;
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
      const arg = this.readTemplate(this.itemField(field, item, i), scope);
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

  /** `env`'s variables; its reserved `inherit` list goes to `settings.envInherit`. */
  private readEnv(
    field: Field,
    scope: PlaceholderScope,
    settings: DeclaredSettings,
  ): Map<string, TemplateField> {
    const env = new Map<string, TemplateField>();
    if (!this.check(field)) return env;
    for (const entry of this.src.entries(field.node)) {
      const keyPos = this.src.pos(entry.keyNode);
      if (entry.key === undefined) {
        const keyNode = this.src.resolve(entry.keyNode);
        this.wrongType(
          keyPos,
          field.path,
          'a variable name',
          keyNode,
          'environment variable names are plain strings',
        );
        continue;
      }
      const path = fieldPath(field.path, entry.key);
      const pos = this.valuePos(entry.value, keyPos);
      const child: Field = { key: entry.key, node: entry.value, pos, keyPos, path };
      if (entry.key === ENV_INHERIT_KEY) {
        settings.envInherit = this.readInherit(child);
        continue;
      }
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
      const value = this.readTemplate(child, scope);
      if (value) env.set(entry.key, value);
    }
    return env;
  }

  /** `env.inherit`: names and `PREFIX*` patterns of the server's environment. */
  private readInherit(field: Field): string[] {
    if (!this.check(field)) return [];
    const out: string[] = [];
    this.src.items(field.node).forEach((node, i) => {
      const item = this.itemField(field, node, i);
      const name = this.string(item);
      if (name === undefined) return;
      if (ENV_INHERIT_RE.test(name)) out.push(name);
      else {
        const message = `invalid name to inherit "${name}"`;
        const hint = 'write a variable name (letters, digits, "_"), or a prefix ending in *, e.g. OMP_*';
        this.errors.add('SPEC_INVALID_NAME', item.pos, item.path, message, hint);
      }
    });
    return out;
  }

  private readResources(field: Field): DeclaredResources {
    const out: DeclaredResources = {};
    if (!this.check(field)) return out;
    const f = this.fields(field.node, field.path);
    const cpus = f.get('cpus');
    const v = cpus ? this.number(cpus) : undefined;
    if (cpus && v !== undefined) {
      if (v > 0) out.cpus = v;
      else
        this.errors.add(
          'SPEC_BAD_CPUS',
          cpus.pos,
          cpus.path,
          `cpus must be greater than 0, got ${this.src.scalarText(cpus.node) ?? ''}`,
          'write a positive number of CPUs, e.g. 1 or 0.5',
        );
    }
    const gpus = f.get('gpus');
    const n = gpus ? this.number(gpus) : undefined;
    if (gpus && n !== undefined) {
      if (Number.isSafeInteger(n) && n >= 0) out.gpus = n;
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
    const memory = f.get('memory');
    const bytes = memory ? this.readMemory(memory) : undefined;
    if (bytes !== undefined) out.memoryBytes = bytes;
    return out;
  }

  private readMemory(field: Field): number | undefined {
    if (!this.check(field)) return undefined;
    const raw = this.src.scalarValue(field.node) as string | number;
    const bytes = parseMemoryBytes(raw);
    if (bytes !== undefined) return bytes;
    const guess = typeof raw === 'string' ? suggestQuantity(raw) : undefined;
    this.errors.add(
      'SPEC_BAD_QUANTITY',
      field.pos,
      field.path,
      `invalid memory quantity "${this.src.scalarText(field.node) ?? ''}"`,
      guess !== undefined
        ? `did you mean ${guess}?`
        : 'write a whole number of bytes, or a number with a suffix: Ki, Mi, Gi, Ti (binary) or k, M, G, T (decimal), e.g. 512Mi',
    );
    return undefined;
  }

  private readRetries(field: Field): DeclaredRetry {
    if (this.src.kind(field.node) === 'number') {
      const limit = this.readRetryLimit(field, RETRY_LIMIT_SCHEMA);
      return limit === undefined ? {} : { limit };
    }
    if (!this.check(field)) return {};
    const out: DeclaredRetry = {};
    const f = this.fields(field.node, field.path);
    const limit = f.get('limit');
    if (limit) out.limit = this.readRetryLimit(limit);
    const backoff = f.get('backoff');
    if (backoff) out.backoffMs = this.readDuration(backoff);
    const maxBackoff = f.get('max_backoff');
    if (maxBackoff) out.maxBackoffMs = this.readDuration(maxBackoff);
    // Fields that failed are left undefined and do not override defaults (see applyDefaults).
    const factor = f.get('factor');
    const v = factor ? this.number(factor) : undefined;
    if (factor && v !== undefined) {
      if (v >= 1 && v <= MAX_BACKOFF_FACTOR) out.factor = v;
      else
        this.badRetries(
          factor,
          `factor must be from 1 to ${MAX_BACKOFF_FACTOR}, got ${this.src.scalarText(factor.node) ?? ''}`,
          'use 1 for a constant delay, 2 to double it after each failure',
        );
    }
    const jitter = f.get('jitter');
    const j = jitter ? this.number(jitter) : undefined;
    if (jitter && j !== undefined) {
      if (j >= 0 && j <= 1) out.jitter = j;
      else
        this.badRetries(
          jitter,
          `jitter must be from 0 to 1, got ${this.src.scalarText(jitter.node) ?? ''}`,
          'jitter is the fraction of the delay drawn at random: 0 for none, 1 for all of it',
        );
    }
    return out;
  }

  /** A retry limit; `schema` when the field is `retries: N` itself (the number form of its anyOf). */
  private readRetryLimit(field: Field, schema?: typeof RETRY_LIMIT_SCHEMA): number | undefined {
    const v = this.check(field, schema) ? Number(this.src.scalarValue(field.node)) : undefined;
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

  private readValidate(field: Field, scope: PlaceholderScope): DeclaredValidate {
    const out: DeclaredValidate = {};
    if (!this.check(field)) return out;
    const f = this.fields(field.node, field.path);
    const outputs = f.get('outputs');
    if (outputs) out.outputs = this.choice(outputs);
    const stdout = f.get('stdout');
    const pattern = stdout ? this.string(stdout) : undefined;
    if (stdout && pattern !== undefined) {
      const compiled = compileUserRegex(pattern);
      if (compiled.ok) out.stdout = pattern;
      else {
        this.errors.add(
          'SPEC_BAD_REGEX',
          stdout.pos,
          stdout.path,
          `invalid regular expression ${JSON.stringify(pattern)}: ${compiled.reason}`,
          compiled.hint,
        );
      }
    }
    out.command = this.readCommandPair(f, this.src.pos(field.node), field.path, scope, false);
    return out;
  }

  // ---------------------------------------------------------------- lists of paths and names

  private readTemplateList(field: Field | undefined, scope: PlaceholderScope): TemplateField[] {
    if (!field || !this.check(field)) return [];
    const out: TemplateField[] = [];
    this.src.items(field.node).forEach((node, i) => {
      const t = this.readTemplate(this.itemField(field, node, i), scope);
      if (t) out.push(t);
    });
    return out;
  }

  private readAfter(field: Field | undefined, scope: PlaceholderScope): TemplateField[] {
    if (!field) return [];
    if (this.src.kind(field.node) === 'string') {
      const t = this.readTemplate(field, scope);
      return t ? [t] : [];
    }
    return this.readTemplateList(field, scope);
  }

  // ---------------------------------------------------------------- scalars

  private readDuration(field: Field): number | undefined {
    return this.duration(field, DURATION_HINT, parseDurationMs);
  }

  /** A string that may hold placeholders (or, where the schema takes them, a number or boolean as written). */
  private readTemplate(field: Field, scope: PlaceholderScope): TemplateField | undefined {
    const text = this.string(field);
    if (text === undefined) return undefined;
    const { template, used } = compileTemplate(text);
    let good = true;
    for (const name of new Set(used)) {
      const mistake = placeholderMistake(name, scope);
      if (mistake === undefined) continue;
      this.errors.add('SPEC_UNKNOWN_PLACEHOLDER', field.pos, field.path, mistake.message, mistake.hint);
      good = false;
    }
    return good ? { template, pos: field.pos, path: field.path } : undefined;
  }
}

function emptySettings(): DeclaredSettings {
  return { env: new Map(), resources: {}, retry: {}, validate: {} };
}
