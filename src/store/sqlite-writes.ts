/**
 * The SQLite store's writes, each run inside a transaction the store opens (`BEGIN IMMEDIATE`):
 * creating a workflow and applying a change set. Throwing rolls the transaction back.
 *
 * Tasks, events and inserted attempts are gathered and written by multi-row INSERTs of up to
 * `INSERT_CHUNK` rows, which halves their cost next to one statement per row.
 */
import Database from 'better-sqlite3';
import { TERMINAL_WORKFLOW_STATES } from '../model/index.js';
import { attemptUpdateFlags, type AttemptUpdate } from './attempt-update.js';
import * as Conflict from './conflicts.js';
import { StoreLeaseLostError, type StoreConflictError } from './errors.js';
import { workflowsTouched } from './lease-fence.js';
import { ATTEMPT_WIDTH, attemptValues, createdWorkflow, workflowValues } from './rows.js';
import { EVENT_WIDTH, INSERT_CHUNK, SQL, type SqliteStatements } from './sqlite-statements.js';
import type { ChangeSet, NewTask, NewWorkflow, TaskChange, WorkflowRecord } from './store.js';

/** Writes the workflow, its tasks and its `submitted` event. */
export function insertWorkflow(s: SqliteStatements, workflow: NewWorkflow, tasks: NewTask[]): WorkflowRecord {
  const steps = insertWorkflowSteps(s, workflow, tasks);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `insertWorkflow` a chunk of rows at a time: it pauses (yields) after each multi-row INSERT, so that
 * a caller holding the transaction open on a connection of its own can let the event loop run
 * between chunks (sqlite-bulk.ts).
 */
export function* insertWorkflowSteps(
  s: SqliteStatements,
  workflow: NewWorkflow,
  tasks: NewTask[],
): Generator<void, WorkflowRecord> {
  const at = workflow.createdAt;
  try {
    s.get(SQL.insertWorkflow).run(...workflowValues(workflow, tasks.length), at);
  } catch (error) {
    if (isSqliteError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw Conflict.workflowExists(workflow.id);
    throw error;
  }
  const taskRows: unknown[] = [];
  const specRows: unknown[] = [];
  for (const task of tasks) {
    taskRows.push(workflow.id, task.idx, task.state, at);
    specRows.push(workflow.id, task.idx, task.name, JSON.stringify(task.deps), JSON.stringify(task.spec));
    if (taskRows.length === INSERT_CHUNK * 4) {
      flushTasks(s, taskRows, specRows);
      yield;
    }
  }
  if (taskRows.length > 0) flushTasks(s, taskRows, specRows);
  s.get(SQL.insertEvent).run(workflow.id, null, null, null, 'running', at, 'submitted');
  return createdWorkflow(workflow, tasks.length);
}

/** Lease fencing: throws `StoreLeaseLostError` unless `changes.owner` leases every workflow touched. */
export function checkLeases(s: SqliteStatements, changes: ChangeSet): void {
  const leaseOwner = s.get(SQL.leaseOwner);
  const lost = workflowsTouched(changes).filter((id) => {
    const row = leaseOwner.get(id) as { lease_owner: string | null } | undefined;
    return row?.lease_owner !== changes.owner;
  });
  if (lost.length > 0) throw new StoreLeaseLostError(changes.owner!, lost);
}

/** Applies a change set: attempts, then tasks, then workflows, each change with its event. */
export function applyChanges(s: SqliteStatements, changes: ChangeSet): void {
  const rows: unknown[] = [];
  for (const write of changes.attempts ?? []) {
    if (write.kind === 'insert') {
      rows.push(...attemptValues(write.attempt));
      if (rows.length === INSERT_CHUNK * ATTEMPT_WIDTH) flushAttempts(s, rows);
    } else {
      // An update may target an attempt inserted just before it.
      if (rows.length > 0) flushAttempts(s, rows);
      updateAttempt(s, write);
    }
  }
  if (rows.length > 0) flushAttempts(s, rows);
  if (changes.tasks?.length) updateTasks(s, changes.tasks, rows);
  if (changes.workflows?.length) {
    const updateWorkflow = s.get(SQL.updateWorkflow);
    for (const w of changes.workflows) {
      const finishedAt = TERMINAL_WORKFLOW_STATES.has(w.to) ? w.at : null;
      const result = updateWorkflow.run(w.to, w.at, finishedAt, w.id, w.from);
      if (result.changes !== 1) {
        const row = s.get(SQL.workflowState).get(w.id) as { state: string } | undefined;
        throw Conflict.workflowConflict(w, row?.state);
      }
      rows.push(w.id, null, null, null, null, w.from, w.to, w.at, w.reason ?? null);
      if (rows.length === INSERT_CHUNK * EVENT_WIDTH) flushEvents(s, rows);
    }
  }
  if (rows.length > 0) flushEvents(s, rows);
}

/** Applies the task changes and buffers their events in `rows` (flushed when full). */
function updateTasks(s: SqliteStatements, changes: readonly TaskChange[], rows: unknown[]): void {
  // A change that names no attempt gives its event the task's attempt, read by a subquery when the
  // event row is inserted; so such a row must be written before its task changes again.
  // `unresolved` holds the task indices of the buffered rows of that kind.
  let unresolved: Set<number> | undefined;
  const updateTask = s.get(SQL.updateTask);
  for (const c of changes) {
    if (unresolved?.has(c.idx)) {
      flushEvents(s, rows);
      unresolved.clear();
    }
    const result = updateTask.run(
      c.to,
      c.at,
      c.attempt ?? null,
      c.readyAt ?? null,
      c.retryBase ?? null,
      c.memoryBytes ?? null,
      c.workflowId,
      c.idx,
      c.from,
    );
    if (result.changes !== 1) {
      const row = s.get(SQL.taskState).get(c.workflowId, c.idx) as
        { name: string; state: string } | undefined;
      throw Conflict.taskConflict(c, row);
    }
    if (c.attempt === undefined) {
      (unresolved ??= new Set()).add(c.idx);
      rows.push(c.workflowId, c.idx, null, c.workflowId, c.idx);
    } else {
      rows.push(c.workflowId, c.idx, c.attempt, null, null);
    }
    rows.push(c.from, c.to, c.at, c.reason ?? null);
    if (rows.length === INSERT_CHUNK * EVENT_WIDTH) {
      flushEvents(s, rows);
      unresolved?.clear();
    }
  }
}

/** Inserts the buffered task rows (4 values each) and their spec rows (5 each), and empties both. */
function flushTasks(s: SqliteStatements, taskRows: unknown[], specRows: unknown[]): void {
  const n = taskRows.length / 4;
  s.multiRow('tasks', n).run(taskRows);
  s.multiRow('taskSpecs', n).run(specRows);
  taskRows.length = 0;
  specRows.length = 0;
}

/** Inserts the buffered event rows (EVENT_WIDTH values each) and empties the buffer. */
function flushEvents(s: SqliteStatements, rows: unknown[]): void {
  s.multiRow('events', rows.length / EVENT_WIDTH).run(rows);
  rows.length = 0;
}

/** Inserts the buffered attempt rows (ATTEMPT_WIDTH values each) and empties the buffer. */
function flushAttempts(s: SqliteStatements, rows: unknown[]): void {
  try {
    s.multiRow('attempts', rows.length / ATTEMPT_WIDTH).run(rows);
  } catch (error) {
    if (isSqliteError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw existingAttempt(s, rows);
    throw error;
  }
  rows.length = 0;
}

/** Names the first buffered attempt that exists already (or twice in the buffer). */
function existingAttempt(s: SqliteStatements, rows: readonly unknown[]): StoreConflictError {
  const exists = s.get(SQL.attemptExists);
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i += ATTEMPT_WIDTH) {
    const key = rows.slice(i, i + 3) as [string, number, number];
    const text = JSON.stringify(key);
    if (seen.has(text) || exists.get(...key) !== undefined) return Conflict.attemptExists(key);
    seen.add(text);
  }
  return Conflict.attemptInsertedTwice();
}

/** Only the fields the update carries are written (see `attemptUpdateSql`). */
function updateAttempt(s: SqliteStatements, u: AttemptUpdate): void {
  const o = u.outcome;
  // Arguments in the order attemptUpdateSql places their columns.
  const args: unknown[] = [u.status];
  if (u.node !== undefined) args.push(u.node);
  if (u.handle !== undefined) args.push(u.handle);
  if (u.stdoutPath !== undefined) args.push(u.stdoutPath);
  if (u.stderrPath !== undefined) args.push(u.stderrPath);
  if (u.startedAt !== undefined) args.push(u.startedAt);
  if (o)
    args.push(o.startedAt, o.endedAt, o.exitCode, o.signal, o.cpuTimeMs, o.peakRssBytes, o.message ?? null);
  args.push(u.workflowId, u.taskIdx, u.number);
  if (s.attemptUpdate(attemptUpdateFlags(u)).run(...args).changes !== 1) throw Conflict.attemptMissing(u);
}

function isSqliteError(error: unknown, code: string): boolean {
  return error instanceof Database.SqliteError && error.code === code;
}
