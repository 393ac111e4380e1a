/**
 * The rows both back-ends read and write, and their mapping to the records of the `Store` contract.
 *
 * The tables have the same columns in both dialects (migrations.ts), so the row shapes, the column
 * lists and the row → record mappers are written once here; a back-end holds only its SQL and its
 * transactions. Keeping a column list next to the row type it fills is what keeps the two in step.
 */
import type { Role, TaskState, WorkflowState } from '../model/index.js';
import type {
  AttemptRecord,
  EventRecord,
  NewWorkflow,
  TaskRecord,
  TokenRecord,
  WorkflowRecord,
} from './store.js';

/**
 * A bigint column (epoch ms, byte counts, seq) as a driver returns it: better-sqlite3 gives numbers,
 * pg gives strings (int8 does not fit a JS number in general; ours do).
 */
export type Int8 = number | string;

export interface WorkflowRow {
  id: string;
  name: string;
  state: string;
  failure_policy: string;
  spec: string;
  base_dir: string;
  source: string;
  task_count: number;
  created_at: Int8;
  updated_at: Int8;
  finished_at: Int8 | null;
  lease_owner: string | null;
  lease_expires_at: Int8 | null;
  submitted_by: string;
}

export interface TaskRow {
  workflow_id: string;
  idx: number;
  name: string;
  state: string;
  attempt: number;
  ready_at: Int8;
  retry_base: number;
  deps: string;
  spec: string;
  updated_at: Int8;
  memory_bytes: Int8 | null;
}

export interface AttemptRow {
  workflow_id: string;
  task_idx: number;
  number: number;
  status: string;
  executor: string;
  node: string | null;
  handle: string | null;
  queued_at: Int8;
  started_at: Int8 | null;
  ended_at: Int8 | null;
  exit_code: number | null;
  signal: string | null;
  cpu_time_ms: number | null;
  peak_rss_bytes: Int8 | null;
  stdout_path: string | null;
  stderr_path: string | null;
  message: string | null;
}

export interface EventRow {
  seq: Int8;
  workflow_id: string;
  task_idx: number | null;
  attempt: number | null;
  from_state: string | null;
  to_state: string;
  at: Int8;
  reason: string | null;
  kind: string;
  actor: string | null;
}

export interface TokenRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: Int8;
  expires_at: Int8 | null;
  revoked_at: Int8 | null;
}

export const WORKFLOW_COLUMNS =
  'id, name, state, failure_policy, spec, base_dir, source, task_count, created_at, updated_at, ' +
  'finished_at, lease_owner, lease_expires_at, submitted_by';
/** The columns `workflowValues` fills, then updated_at (the creation time again) and state. */
export const WORKFLOW_INSERT_COLUMNS =
  'id, name, failure_policy, spec, base_dir, source, task_count, created_at, submitted_by, updated_at, state';
/** Selects a `TaskRow`: the hot `tasks` row joined to its cold `task_specs` row (docs/store.md). */
export const TASK_SELECT =
  'SELECT t.workflow_id, t.idx, s.name, t.state, t.attempt, t.ready_at, t.retry_base, s.deps, s.spec, ' +
  't.updated_at, t.memory_bytes FROM tasks t JOIN task_specs s ON s.workflow_id = t.workflow_id AND s.idx = t.idx';
export const ATTEMPT_COLUMNS =
  'workflow_id, task_idx, number, status, executor, node, handle, queued_at, started_at, ended_at, ' +
  'exit_code, signal, cpu_time_ms, peak_rss_bytes, stdout_path, stderr_path, message';
export const EVENT_COLUMNS =
  'seq, workflow_id, task_idx, attempt, from_state, to_state, at, reason, kind, actor';
export const TOKEN_COLUMNS = 'id, name, role, hash, created_at, expires_at, revoked_at';

/** A token's values in the order of `TOKEN_COLUMNS`. */
export function tokenValues(t: TokenRecord): unknown[] {
  return [t.id, t.name, t.role, t.hash, t.createdAt, t.expiresAt, t.revokedAt];
}

/** How many values `attemptValues` gives: one per column of `ATTEMPT_COLUMNS`. */
export const ATTEMPT_WIDTH = 17;

/** An attempt's values in the order of `ATTEMPT_COLUMNS`, for an INSERT. */
export function attemptValues(a: AttemptRecord): unknown[] {
  return [
    a.workflowId,
    a.taskIdx,
    a.number,
    a.status,
    a.executor,
    a.node,
    a.handle,
    a.queuedAt,
    a.startedAt,
    a.endedAt,
    a.exitCode,
    a.signal,
    a.cpuTimeMs,
    a.peakRssBytes,
    a.stdoutPath,
    a.stderrPath,
    a.message,
  ];
}

/**
 * A new workflow's values for an INSERT, in the order of `WORKFLOW_INSERT_COLUMNS` up to
 * submitted_by (updated_at and state are the statement's own).
 */
export function workflowValues(workflow: NewWorkflow, taskCount: number): unknown[] {
  return [
    workflow.id,
    workflow.name,
    workflow.failurePolicy,
    JSON.stringify(workflow.spec),
    workflow.baseDir,
    workflow.source,
    taskCount,
    workflow.createdAt,
    workflow.submittedBy ?? 'local',
  ];
}

/** The record `createWorkflow` returns: what it wrote, without reading it back. */
export function createdWorkflow(workflow: NewWorkflow, taskCount: number): WorkflowRecord {
  const at = workflow.createdAt;
  return {
    id: workflow.id,
    name: workflow.name,
    state: 'running',
    failurePolicy: workflow.failurePolicy,
    spec: workflow.spec,
    baseDir: workflow.baseDir,
    source: workflow.source,
    taskCount,
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    submittedBy: workflow.submittedBy ?? 'local',
  };
}

function num(value: Int8): number {
  return Number(value);
}

function numOrNull(value: Int8 | null): number | null {
  return value === null ? null : Number(value);
}

export function toWorkflow(r: WorkflowRow): WorkflowRecord {
  return {
    id: r.id,
    name: r.name,
    state: r.state as WorkflowState,
    failurePolicy: r.failure_policy as WorkflowRecord['failurePolicy'],
    spec: JSON.parse(r.spec) as WorkflowRecord['spec'],
    baseDir: r.base_dir,
    source: r.source,
    taskCount: r.task_count,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    finishedAt: numOrNull(r.finished_at),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: numOrNull(r.lease_expires_at),
    submittedBy: r.submitted_by,
  };
}

export function toTask(r: TaskRow): TaskRecord {
  return {
    workflowId: r.workflow_id,
    idx: r.idx,
    name: r.name,
    state: r.state as TaskState,
    attempt: r.attempt,
    readyAt: num(r.ready_at),
    retryBase: r.retry_base,
    deps: JSON.parse(r.deps) as number[],
    spec: JSON.parse(r.spec) as TaskRecord['spec'],
    updatedAt: num(r.updated_at),
    memoryBytes: numOrNull(r.memory_bytes),
  };
}

export function toAttempt(r: AttemptRow): AttemptRecord {
  return {
    workflowId: r.workflow_id,
    taskIdx: r.task_idx,
    number: r.number,
    status: r.status as AttemptRecord['status'],
    executor: r.executor,
    node: r.node,
    handle: r.handle,
    queuedAt: num(r.queued_at),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
    exitCode: r.exit_code,
    signal: r.signal,
    cpuTimeMs: r.cpu_time_ms,
    peakRssBytes: numOrNull(r.peak_rss_bytes),
    stdoutPath: r.stdout_path,
    stderrPath: r.stderr_path,
    message: r.message,
  };
}

export function toEvent(r: EventRow): EventRecord {
  return {
    seq: num(r.seq),
    workflowId: r.workflow_id,
    taskIdx: r.task_idx,
    attempt: r.attempt,
    from: r.from_state,
    to: r.to_state,
    at: num(r.at),
    reason: r.reason,
    ...(r.kind === 'audit' ? { kind: 'audit' as const, actor: r.actor ?? '' } : {}),
  };
}

export function toToken(r: TokenRow): TokenRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    hash: r.hash,
    createdAt: num(r.created_at),
    expiresAt: numOrNull(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

/** `SELECT state, count(*) … GROUP BY state` rows as counts by state. */
export function toStateCounts(
  rows: ReadonlyArray<{ state: TaskState; n: number }>,
): Partial<Record<TaskState, number>> {
  const counts: Partial<Record<TaskState, number>> = {};
  for (const row of rows) counts[row.state] = Number(row.n);
  return counts;
}
