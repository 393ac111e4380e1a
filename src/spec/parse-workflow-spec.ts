/**
 * The workflow spec parser: YAML or JSON text in, a normalised WorkflowSpec (defaults applied,
 * arrays expanded, dependencies resolved, tasks in topological order) or every error found out.
 *
 * It never throws for bad input and never does I/O: a glob foreach asks the caller's listFiles.
 */
import { DEFAULT_RESOURCES, DEFAULT_RETRY } from '../model/index.js';
import type { Command, TaskSpec, WorkflowSpec } from '../model/index.js';
import type { DeclaredCommand, DeclaredWorkflow } from './declared-workflow.js';
import { normalizePath } from './posix-paths.js';
import { readWorkflowDocument } from './read-workflow-document.js';
import { SpecErrorCollector, type SpecError } from './spec-errors.js';
import { buildTaskGraph, placeholderValues, taskName, type TaskGraph, type TaskGroup } from './task-graph.js';
import { expandTemplate, type PlaceholderValues } from './templates.js';
import { YamlSource } from './yaml-source.js';

export interface ParseOptions {
  /** Shown in errors, e.g. 'examples/quickstart.yaml' or '<api>'. */
  file: string;
  /**
   * Expands a `foreach: { glob }` pattern (relative to the workflow directory) to matching paths,
   * sorted. Supplied by the caller (it does the I/O). If absent, a glob foreach is an error
   * SPEC_GLOB_UNAVAILABLE.
   */
  listFiles?: (pattern: string) => string[];
}

export type ParseResult = { ok: true; spec: WorkflowSpec } | { ok: false; errors: SpecError[] };

/**
 * Parses and validates a workflow spec.
 *
 * @example
 * const result = parseWorkflowSpec(text, { file: 'examples/quickstart.yaml', listFiles });
 * if (!result.ok) console.error(result.errors.map(formatSpecError).join('\n'));
 * else for (const task of result.spec.tasks) console.log(task.name, task.deps);
 */
export function parseWorkflowSpec(text: string, options: ParseOptions): ParseResult {
  if (typeof text !== 'string') throw new TypeError('parseWorkflowSpec: text must be a string');
  const errors = new SpecErrorCollector(options.file);
  const source = YamlSource.load(text, errors);
  const declared = source ? readWorkflowDocument(source, errors) : undefined;
  if (declared === undefined) return { ok: false, errors: errors.sorted() };
  const graph = buildTaskGraph(declared, options.listFiles, errors);
  if (errors.count > 0 || declared.name === undefined) return { ok: false, errors: errors.sorted() };
  return { ok: true, spec: toWorkflowSpec(declared, declared.name, graph) };
}

function toWorkflowSpec(declared: DeclaredWorkflow, name: string, graph: TaskGraph): WorkflowSpec {
  const tasks = graph.order.map((id) => {
    const group = graph.groupOf[id] as TaskGroup;
    return toTaskSpec(
      group,
      id,
      (graph.deps[id] ?? []).map((d) => taskName(graph.groupOf[d] as TaskGroup, d)),
    );
  });
  return { name, failurePolicy: declared.failurePolicy, tasks };
}

function toTaskSpec(group: TaskGroup, id: number, deps: string[]): TaskSpec {
  const { decl, settings } = group;
  const values = placeholderValues(group, id);
  const env: Record<string, string> = {};
  for (const [key, field] of settings.env) env[key] = expandTemplate(field.template, values);
  const workdirText = settings.workdir
    ? normalizePath(expandTemplate(settings.workdir.template, values))
    : '.';
  const paths = (fields: typeof decl.inputs): string[] => [
    ...new Set(fields.map((f) => normalizePath(expandTemplate(f.template, values)))),
  ];
  const { retry, resources, validate } = settings;
  const task: TaskSpec = {
    name: taskName(group, id),
    command: toCommand(decl.command as DeclaredCommand, values),
    env,
    inputs: paths(decl.inputs),
    outputs: paths(decl.outputs),
    deps,
    resources: {
      cpus: resources.cpus ?? DEFAULT_RESOURCES.cpus,
      memoryBytes: resources.memoryBytes ?? DEFAULT_RESOURCES.memoryBytes,
      gpus: resources.gpus ?? DEFAULT_RESOURCES.gpus,
    },
    retry: {
      maxAttempts: (retry.limit ?? DEFAULT_RETRY.maxAttempts - 1) + 1,
      initialDelayMs: retry.backoffMs ?? DEFAULT_RETRY.initialDelayMs,
      factor: retry.factor ?? DEFAULT_RETRY.factor,
      maxDelayMs: retry.maxBackoffMs ?? DEFAULT_RETRY.maxDelayMs,
      jitter: retry.jitter ?? DEFAULT_RETRY.jitter,
    },
    validate: {
      outputsExist: true,
      outputsNonEmpty: validate.outputs === 'non-empty',
      ...(validate.stdout !== undefined ? { stdoutMatches: validate.stdout } : {}),
      ...(validate.command ? { command: toCommand(validate.command, values) } : {}),
    },
  };
  if (settings.envInherit) task.envInherit = [...settings.envInherit];
  if (group.items !== undefined) task.array = group.name;
  if (workdirText !== '.') task.workdir = workdirText;
  if (settings.timeoutMs !== undefined) task.timeoutMs = settings.timeoutMs;
  if (settings.flexible) task.flexible = true;
  return task;
}

function toCommand(command: DeclaredCommand, values: PlaceholderValues): Command {
  if (command.kind === 'shell') return { shell: expandTemplate(command.script.template, values) };
  return { argv: command.args.map((a) => expandTemplate(a.template, values)) };
}
