/**
 * The workflow as declared: every field checked and converted, with the position it came from,
 * but before defaults are applied, foreach arrays expanded and dependencies resolved. This is the
 * hand-over between the document reader and the expansion/graph steps.
 */
import type { FailurePolicy } from '../model/index.js';
import type { SourcePos } from './spec-errors.js';
import type { Template } from './templates.js';

/** A string field that may hold placeholders, with where it was written. */
export interface TemplateField {
  template: Template;
  pos: SourcePos;
  path: string;
}

export type DeclaredCommand =
  | { kind: 'argv'; args: TemplateField[]; pos: SourcePos; path: string }
  | { kind: 'shell'; script: TemplateField };

export interface DeclaredRetry {
  /** Retries after the first attempt (maxAttempts - 1). */
  limit?: number;
  backoffMs?: number;
  factor?: number;
  maxBackoffMs?: number;
  jitter?: number;
}

export interface DeclaredValidate {
  outputs?: 'exist' | 'non-empty';
  stdout?: string;
  command?: DeclaredCommand;
}

export interface DeclaredResources {
  cpus?: number;
  memoryBytes?: number;
  gpus?: number;
}

/** Fields a task and `defaults` share. Mappings merge key by key (the task wins); the rest replace. */
export interface DeclaredSettings {
  workdir?: TemplateField;
  env: Map<string, TemplateField>;
  /** `env.inherit`: names (or `PREFIX*`) of the server's environment; defaults' and the task's are joined. */
  envInherit?: string[];
  resources: DeclaredResources;
  retry: DeclaredRetry;
  timeoutMs?: number;
  validate: DeclaredValidate;
  flexible?: boolean;
}

export type ForeachSource =
  | { kind: 'list'; items: string[] }
  | { kind: 'range'; from: number; to: number; step: number }
  | { kind: 'glob'; pattern: string };

export interface DeclaredForeach {
  source: ForeachSource;
  pos: SourcePos;
  path: string;
}

export interface DeclaredTask extends DeclaredSettings {
  /** Position in `tasks` (0-based). */
  index: number;
  /** The name if it is valid; tasks without one take no part in the graph checks. */
  name?: string;
  /** Where the name is written (the task's start when it has none). */
  namePos: SourcePos;
  /** Where the task's mapping starts (errors about the task as a whole point here). */
  pos: SourcePos;
  /** `tasks[3]` */
  path: string;
  command?: DeclaredCommand;
  inputs: TemplateField[];
  outputs: TemplateField[];
  after: TemplateField[];
  /** Absent for a single task; null when written but invalid (already reported). */
  foreach?: DeclaredForeach | null;
}

export interface DeclaredWorkflow {
  name?: string;
  failurePolicy: FailurePolicy;
  defaults: DeclaredSettings;
  tasks: DeclaredTask[];
  /** Every task name written, valid or not, so that a reference to a misspelt one is not reported twice. */
  writtenNames: Set<string>;
}
