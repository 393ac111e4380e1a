/**
 * The PostgreSQL store's writes, each run inside a transaction the store opens: creating a workflow
 * and applying a change set. Throwing rolls the transaction back.
 *
 * Every write is a constant number of round trips whatever its size: rows travel as column arrays,
 * and optimistic concurrency is the `state = from` condition of a multi-row UPDATE whose returned
 * rows are counted. Two changes to the same row in one set (say queued → running → succeeded) cannot
 * share one UPDATE (PostgreSQL would apply only one of them), so changes are split into rounds: round
 * k holds the k-th change of each row, applied in order. Batches of distinct rows take one round.
 */
import type { PoolClient } from 'pg';
import { TERMINAL_WORKFLOW_STATES } from '../model/index.js';
import { attemptUpdateFlags, type AttemptUpdate } from './attempt-update.js';
import * as Conflict from './conflicts.js';
import { StoreLeaseLostError } from './errors.js';
import { workflowsTouched } from './lease-fence.js';
import { isUniqueViolation, pgDetail } from './postgres-errors.js';
import { SQL } from './postgres-sql.js';
import { ATTEMPT_WIDTH, attemptValues, workflowValues } from './rows.js';
import type {
  AttemptRecord,
  AttemptWrite,
  ChangeSet,
  NewTask,
  NewWorkflow,
  TaskChange,
  WorkflowChange,
} from './store.js';

/** One event's values, in the order `SQL.insertEvents` takes its columns. */
type EventValues = [
  workflowId: string,
  taskIdx: number | null,
  attempt: number | null,
  from: string | null,
  to: string,
  at: number,
  reason: string | null,
];

/** Writes the workflow, its tasks and its `submitted` event; `schema` keys the event lock. */
export async function insertWorkflow(
  c: PoolClient,
  schema: string,
  workflow: NewWorkflow,
  tasks: readonly NewTask[],
): Promise<void> {
  const at = workflow.createdAt;
  try {
    await c.query(SQL.insertWorkflow, workflowValues(workflow, tasks.length));
  } catch (error) {
    if (isUniqueViolation(error, 'workflows_pkey')) throw Conflict.workflowExists(workflow.id);
    throw error;
  }
  if (tasks.length > 0) {
    const [idx, name, state, deps, spec] = toColumns(
      5,
      tasks.map((t) => [t.idx, t.name, t.state, JSON.stringify(t.deps), JSON.stringify(t.spec)]),
    );
    await c.query(SQL.insertTasks, [workflow.id, at, idx, state]);
    await c.query(SQL.insertTaskSpecs, [workflow.id, idx, name, deps, spec]);
  }
  await insertEvents(c, schema, [[workflow.id, null, null, null, 'running', at, 'submitted']]);
}

/**
 * Lease fencing: locks the rows of the workflows the set touches and throws `StoreLeaseLostError`
 * unless `changes.owner` leases every one. The lock holds until the commit: a take-over waits.
 */
export async function checkLeases(c: PoolClient, changes: ChangeSet): Promise<void> {
  const ids = workflowsTouched(changes);
  const result = await c.query<{ id: string; lease_owner: string | null }>(SQL.leaseOwners, [ids]);
  const held = new Set(result.rows.filter((r) => r.lease_owner === changes.owner).map((r) => r.id));
  const lost = ids.filter((id) => !held.has(id));
  if (lost.length > 0) throw new StoreLeaseLostError(changes.owner!, lost);
}

/** Applies a change set: attempts, then tasks, then workflows, then the events of all of them. */
export async function applyChanges(c: PoolClient, schema: string, changes: ChangeSet): Promise<void> {
  const tasks = changes.tasks ?? [];
  const workflows = changes.workflows ?? [];
  await writeAttempts(c, changes.attempts ?? []);
  const taskAttempts = await updateTasks(c, tasks);
  const events = tasks.map((t, i): EventValues => [
    t.workflowId,
    t.idx,
    taskAttempts[i] ?? null,
    t.from,
    t.to,
    t.at,
    t.reason ?? null,
  ]);
  await updateWorkflows(c, workflows);
  for (const w of workflows) events.push([w.id, null, null, w.from, w.to, w.at, w.reason ?? null]);
  await insertEvents(c, schema, events);
}

async function writeAttempts(c: PoolClient, writes: readonly AttemptWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const inserts: AttemptRecord[] = [];
  const updates: AttemptUpdate[] = [];
  for (const w of writes) {
    if (w.kind === 'insert') inserts.push(w.attempt);
    else updates.push(w);
  }
  if (inserts.length > 0) await insertAttempts(c, inserts);
  await updateAttempts(c, updates);
}

async function insertAttempts(c: PoolClient, inserts: readonly AttemptRecord[]): Promise<void> {
  try {
    await c.query(SQL.insertAttempts, toColumns(ATTEMPT_WIDTH, inserts.map(attemptValues)));
  } catch (error) {
    if (isUniqueViolation(error, 'attempts_pkey')) {
      throw Conflict.attemptInsertedTwice(pgDetail(error));
    }
    throw error;
  }
}

async function updateAttempts(c: PoolClient, updates: readonly AttemptUpdate[]): Promise<void> {
  for (const round of rounds(updates, (u) => `${u.workflowId}\u0000${u.taskIdx}\u0000${u.number}`)) {
    const rows = round.map((i) => {
      const u = updates[i]!;
      const o = u.outcome;
      return [
        i,
        u.workflowId,
        u.taskIdx,
        u.number,
        u.status,
        attemptUpdateFlags(u),
        u.node,
        u.handle,
        u.startedAt,
        o?.startedAt,
        u.stdoutPath,
        u.stderrPath,
        o?.endedAt,
        o?.exitCode,
        o?.signal,
        o?.cpuTimeMs,
        o?.peakRssBytes,
        o?.message,
      ];
    });
    const result = await c.query<{ ord: number }>(SQL.updateAttempts, toColumns(18, rows));
    if (result.rows.length !== round.length)
      throw Conflict.attemptMissing(updates[firstMissing(round, result.rows)]!);
  }
}

/** Applies the task changes; returns, per change, the task's attempt number after it. */
async function updateTasks(c: PoolClient, changes: readonly TaskChange[]): Promise<number[]> {
  const attempts = new Array<number>(changes.length);
  for (const round of rounds(changes, (t) => `${t.workflowId}\u0000${t.idx}`)) {
    const rows = round.map((i) => {
      const t = changes[i]!;
      const optional = [t.attempt, t.readyAt, t.retryBase, t.memoryBytes].map((v) => v ?? null);
      return [i, t.workflowId, t.idx, t.from, t.to, t.at, ...optional];
    });
    const result = await c.query<{ ord: number; attempt: number }>(SQL.updateTasks, toColumns(10, rows));
    if (result.rows.length !== round.length) {
      const change = changes[firstMissing(round, result.rows)]!;
      const row = (
        await c.query<{ name: string; state: string }>(SQL.taskState, [change.workflowId, change.idx])
      ).rows[0];
      throw Conflict.taskConflict(change, row);
    }
    for (const row of result.rows) attempts[row.ord] = row.attempt;
  }
  return attempts;
}

async function updateWorkflows(c: PoolClient, changes: readonly WorkflowChange[]): Promise<void> {
  for (const round of rounds(changes, (w) => w.id)) {
    const rows = round.map((i) => {
      const w = changes[i]!;
      return [i, w.id, w.from, w.to, w.at, TERMINAL_WORKFLOW_STATES.has(w.to) ? w.at : null];
    });
    const result = await c.query<{ ord: number }>(SQL.updateWorkflows, toColumns(6, rows));
    if (result.rows.length !== round.length) {
      const change = changes[firstMissing(round, result.rows)]!;
      const row = (await c.query<{ state: string }>(SQL.workflowState, [change.id])).rows[0];
      throw Conflict.workflowConflict(change, row?.state);
    }
  }
}

async function insertEvents(c: PoolClient, schema: string, events: readonly EventValues[]): Promise<void> {
  if (events.length === 0) return;
  await c.query(SQL.insertEvents, [schema, ...toColumns(7, events)]);
}

/** Rows turned into the column arrays `unnest` expands: one array of `width` values per column. */
function toColumns(width: number, rows: ReadonlyArray<readonly unknown[]>): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let k = 0; k < width; k++) columns[k]!.push(row[k]);
  return columns;
}

/**
 * Splits items into rounds so that no round holds two items with the same key; item order is kept
 * within each key. Returns indices into `items`.
 */
function rounds<T>(items: readonly T[], keyOf: (item: T) => string): number[][] {
  const result: number[][] = [];
  if (items.length === 0) return result;
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i]!);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (result[round] ??= []).push(i);
  }
  return result;
}

/** The first index of `round` that the UPDATE did not return. */
function firstMissing(round: readonly number[], returned: ReadonlyArray<{ ord: number }>): number {
  const hit = new Set(returned.map((r) => r.ord));
  return round.find((i) => !hit.has(i)) ?? round[0]!;
}
