/**
 * `Store` on PostgreSQL through a `pg.Pool`: for many users and several control-plane replicas.
 *
 * Every write is a constant number of round trips whatever its size: rows travel as arrays and are
 * expanded server-side with `unnest`, never one statement per row. Optimistic concurrency is the
 * `state = from` condition of a multi-row UPDATE whose returned rows are counted: a row that did not
 * match makes the whole transaction roll back with `StoreConflictError`.
 *
 * Two changes to the same row in one `commit` (say queued → running → succeeded) cannot share one
 * UPDATE (PostgreSQL would apply only one of them), so changes are split into rounds: round k holds
 * the k-th change of each row, applied in order. Batches of distinct rows take one round.
 *
 * Event sequence numbers come from an identity column, handed out under a transaction-scoped
 * advisory lock taken just before the events are inserted: transactions therefore commit in seq
 * order, and a reader tailing the log with `afterSeq` never misses an event committed late.
 *
 * @example
 * const store = new PostgresStore({ connectionString: 'postgres://postgres@127.0.0.1/strata', schema: 'strata' });
 * await store.migrate();
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import { coerceError, TERMINAL_WORKFLOW_STATES } from '../model/index.js';
import type { TaskState, WorkflowState } from '../model/index.js';
import { StoreConflictError, StoreUrlError } from './errors.js';
import { pendingMigrations } from './migrations.js';
import type {
  AttemptRecord,
  AttemptWrite,
  ChangeSet,
  EventFilter,
  EventRecord,
  NewTask,
  NewWorkflow,
  Store,
  TaskChange,
  TaskFilter,
  TaskRecord,
  WorkflowChange,
  WorkflowFilter,
  WorkflowRecord,
} from './store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Schema holding Strata's tables, created by `migrate()` if missing. Default `public`. */
  schema?: string;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
}

type AttemptUpdate = Extract<AttemptWrite, { kind: 'update' }>;

/** Bigint columns arrive as strings (int8 does not fit a JS number in general); ours are epoch ms and byte counts. */
type Int8 = string;

interface WorkflowRow {
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
}

interface TaskRow {
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

interface AttemptRow {
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

interface EventRow {
  seq: Int8;
  workflow_id: string;
  task_idx: number | null;
  attempt: number | null;
  from_state: string | null;
  to_state: string;
  at: Int8;
  reason: string | null;
}

/** Advisory lock classes (first key of the two-key form); the second key is a hash of the schema. */
const LOCK_MIGRATE = 727_100_001;
const LOCK_EVENTS = 727_100_002;

const WORKFLOW_COLUMNS =
  'id, name, state, failure_policy, spec, base_dir, source, task_count, created_at, updated_at, ' +
  'finished_at, lease_owner, lease_expires_at';
const TASK_SELECT =
  'SELECT t.workflow_id, t.idx, s.name, t.state, t.attempt, t.ready_at, t.retry_base, s.deps, s.spec, ' +
  't.updated_at, t.memory_bytes FROM tasks t JOIN task_specs s ON s.workflow_id = t.workflow_id AND s.idx = t.idx';
const ATTEMPT_COLUMNS =
  'workflow_id, task_idx, number, status, executor, node, handle, queued_at, started_at, ended_at, ' +
  'exit_code, signal, cpu_time_ms, peak_rss_bytes, stdout_path, stderr_path, message';
const EVENT_COLUMNS = 'seq, workflow_id, task_idx, attempt, from_state, to_state, at, reason';

// Which optional fields an attempt update carries (undefined = leave the column alone).
const SET_NODE = 1;
const SET_HANDLE = 2;
const SET_STARTED = 4;
const SET_STDOUT = 8;
const SET_STDERR = 16;
const SET_OUTCOME = 32;

const SQL = {
  insertWorkflow:
    `INSERT INTO workflows (${WORKFLOW_COLUMNS}) ` +
    `VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, $8, NULL, NULL, NULL)`,
  insertTasks:
    'INSERT INTO tasks (workflow_id, idx, state, attempt, ready_at, retry_base, updated_at) ' +
    'SELECT $1, u.idx, u.state, 0, 0, 0, $2 FROM unnest($3::int[], $4::text[]) AS u(idx, state)',
  insertTaskSpecs:
    'INSERT INTO task_specs (workflow_id, idx, name, deps, spec) ' +
    'SELECT $1, u.* FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS u(idx, name, deps, spec)',
  insertAttempts:
    `INSERT INTO attempts (${ATTEMPT_COLUMNS}) SELECT * FROM unnest(` +
    '$1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], ' +
    '$9::bigint[], $10::bigint[], $11::int[], $12::text[], $13::float8[], $14::bigint[], $15::text[], ' +
    '$16::text[], $17::text[])',
  updateAttempts: `
UPDATE attempts AS a SET
  status = u.status,
  node = CASE WHEN (u.flags & ${SET_NODE}) <> 0 THEN u.node ELSE a.node END,
  handle = CASE WHEN (u.flags & ${SET_HANDLE}) <> 0 THEN u.handle ELSE a.handle END,
  started_at = coalesce(CASE WHEN (u.flags & ${SET_STARTED}) <> 0 THEN u.started_at ELSE a.started_at END,
    u.outcome_started_at),
  stdout_path = CASE WHEN (u.flags & ${SET_STDOUT}) <> 0 THEN u.stdout_path ELSE a.stdout_path END,
  stderr_path = CASE WHEN (u.flags & ${SET_STDERR}) <> 0 THEN u.stderr_path ELSE a.stderr_path END,
  ended_at = CASE WHEN (u.flags & ${SET_OUTCOME}) <> 0 THEN u.ended_at ELSE a.ended_at END,
  exit_code = CASE WHEN (u.flags & ${SET_OUTCOME}) <> 0 THEN u.exit_code ELSE a.exit_code END,
  signal = CASE WHEN (u.flags & ${SET_OUTCOME}) <> 0 THEN u.signal ELSE a.signal END,
  cpu_time_ms = CASE WHEN (u.flags & ${SET_OUTCOME}) <> 0 THEN u.cpu_time_ms ELSE a.cpu_time_ms END,
  peak_rss_bytes = CASE WHEN (u.flags & ${SET_OUTCOME}) <> 0 THEN u.peak_rss_bytes ELSE a.peak_rss_bytes END,
  message = CASE WHEN (u.flags & ${SET_OUTCOME}) <> 0 THEN coalesce(u.message, a.message) ELSE a.message END
FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[],
  $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::bigint[], $14::int[], $15::text[],
  $16::float8[], $17::bigint[], $18::text[])
  AS u(ord, workflow_id, task_idx, number, status, flags, node, handle, started_at, outcome_started_at,
    stdout_path, stderr_path, ended_at, exit_code, signal, cpu_time_ms, peak_rss_bytes, message)
WHERE a.workflow_id = u.workflow_id AND a.task_idx = u.task_idx AND a.number = u.number
RETURNING u.ord`,
  // RETURNING gives the attempt after the change, which is the one its event carries.
  updateTasks: `
UPDATE tasks AS t SET
  state = u.to_state,
  updated_at = u.at,
  attempt = coalesce(u.attempt, t.attempt),
  ready_at = coalesce(u.ready_at, t.ready_at),
  retry_base = coalesce(u.retry_base, t.retry_base),
  memory_bytes = coalesce(u.memory_bytes, t.memory_bytes)
FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::bigint[],
  $9::int[], $10::bigint[])
  AS u(ord, workflow_id, idx, from_state, to_state, at, attempt, ready_at, retry_base, memory_bytes)
WHERE t.workflow_id = u.workflow_id AND t.idx = u.idx AND t.state = u.from_state
RETURNING u.ord, t.attempt`,
  updateWorkflows: `
UPDATE workflows AS w SET state = u.to_state, updated_at = u.at, finished_at = u.finished_at
FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
  AS u(ord, id, from_state, to_state, at, finished_at)
WHERE w.id = u.id AND w.state = u.from_state
RETURNING u.ord`,
  // The lock CTE is read before the first row is produced, so every seq is drawn under the lock.
  insertEvents: `
WITH lock AS (SELECT pg_advisory_xact_lock(${LOCK_EVENTS}, hashtext($1)))
INSERT INTO events (workflow_id, task_idx, attempt, from_state, to_state, at, reason)
SELECT e.workflow_id, e.task_idx, e.attempt, e.from_state, e.to_state, e.at, e.reason
FROM lock, unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::bigint[], $8::text[])
  WITH ORDINALITY AS e(workflow_id, task_idx, attempt, from_state, to_state, at, reason, ord)
ORDER BY e.ord`,
  getWorkflow: `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE id = $1`,
  getTask: `${TASK_SELECT} WHERE t.workflow_id = $1 AND t.idx = $2`,
  getTaskByName: `${TASK_SELECT} WHERE s.workflow_id = $1 AND s.name = $2`,
  taskState:
    'SELECT s.name, t.state FROM tasks t JOIN task_specs s USING (workflow_id, idx) ' +
    'WHERE t.workflow_id = $1 AND t.idx = $2',
  workflowState: 'SELECT state FROM workflows WHERE id = $1',
  acquireLease:
    'UPDATE workflows SET lease_owner = $2, lease_expires_at = $3 WHERE id = $1 AND (lease_owner IS NULL ' +
    'OR lease_expires_at <= $4 OR lease_owner = $2 OR lease_owner = $5)',
  renewLeases: 'UPDATE workflows SET lease_expires_at = $2 WHERE lease_owner = $1',
  releaseLease:
    'UPDATE workflows SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2',
} as const;

/**
 * Every write of ours joins a few hundred or thousand keys (an unnest) to their rows by primary key,
 * which a nested loop over the index does in O(keys). Left free, the planner often prefers hashing
 * the whole table, O(table) per commit, which is several times slower by 30,000 tasks and grows
 * without bound. Sent in the same round trip as BEGIN, and scoped to the transaction.
 */
const BEGIN = 'BEGIN; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off';

/** Column arrays for `insertEvents`, filled in log order. */
class EventBatch {
  readonly workflowId: string[] = [];
  readonly taskIdx: Array<number | null> = [];
  readonly attempt: Array<number | null> = [];
  readonly from: Array<string | null> = [];
  readonly to: string[] = [];
  readonly at: number[] = [];
  readonly reason: Array<string | null> = [];

  push(
    workflowId: string,
    taskIdx: number | null,
    attempt: number | null,
    from: string | null,
    to: string,
    at: number,
    reason: string | null,
  ): void {
    this.workflowId.push(workflowId);
    this.taskIdx.push(taskIdx);
    this.attempt.push(attempt);
    this.from.push(from);
    this.to.push(to);
    this.at.push(at);
    this.reason.push(reason);
  }
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres';
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly connectionString: string;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.schema)) {
      throw new StoreUrlError(
        `PostgreSQL schema name "${this.schema}" is not usable: use 1 to 63 letters, digits or underscores, ` +
          'not starting with a digit.',
      );
    }
    this.connectionString = options.connectionString;
    this.pool = new pg.Pool({
      ...withSearchPath(options.connectionString, this.schema),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      application_name: 'strata',
    });
    // An idle connection the server dropped is discarded by the pool, and the next query opens a new
    // one; without a listener the 'error' event would kill the process.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new Error(
        `Cannot connect to PostgreSQL at ${redactUrl(this.connectionString)}: ${coerceError(error).message}`,
        { cause: error },
      );
    }
    client.release();
    await this.transaction(async (c) => {
      // Two processes starting at once on a fresh database must not both create the tables.
      await c.query(`SELECT pg_advisory_xact_lock(${LOCK_MIGRATE}, hashtext($1))`, [this.schema]);
      const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      // Checked first because CREATE SCHEMA IF NOT EXISTS needs the CREATE right even when it exists.
      if (exists.rowCount === 0) await c.query(`CREATE SCHEMA ${quoteIdent(this.schema)}`);
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, ' +
          'applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const applied = await c.query<{ version: number }>('SELECT version FROM schema_migrations');
      for (const migration of pendingMigrations(applied.rows.map((r) => r.version))) {
        await c.query(migration.postgres);
        await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
    });
  }

  /** The migrations recorded in `schema_migrations`, oldest first. */
  async appliedMigrations(): Promise<Array<{ version: number; name: string }>> {
    const result = await this.pool.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    return result.rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async createWorkflow(workflow: NewWorkflow, tasks: NewTask[]): Promise<WorkflowRecord> {
    const at = workflow.createdAt;
    await this.transaction(async (c) => {
      try {
        await c.query(SQL.insertWorkflow, [
          workflow.id,
          workflow.name,
          workflow.failurePolicy,
          JSON.stringify(workflow.spec),
          workflow.baseDir,
          workflow.source,
          tasks.length,
          at,
        ]);
      } catch (error) {
        if (isUniqueViolation(error, 'workflows_pkey')) {
          throw new StoreConflictError(`Workflow ${workflow.id} already exists.`);
        }
        throw error;
      }
      if (tasks.length > 0) {
        const idx: number[] = [];
        const name: string[] = [];
        const state: string[] = [];
        const deps: string[] = [];
        const spec: string[] = [];
        for (const task of tasks) {
          idx.push(task.idx);
          name.push(task.name);
          state.push(task.state);
          deps.push(JSON.stringify(task.deps));
          spec.push(JSON.stringify(task.spec));
        }
        await c.query(SQL.insertTasks, [workflow.id, at, idx, state]);
        await c.query(SQL.insertTaskSpecs, [workflow.id, idx, name, deps, spec]);
      }
      const events = new EventBatch();
      events.push(workflow.id, null, null, null, 'running', at, 'submitted');
      await this.insertEvents(c, events);
    });
    return {
      id: workflow.id,
      name: workflow.name,
      state: 'running',
      failurePolicy: workflow.failurePolicy,
      spec: workflow.spec,
      baseDir: workflow.baseDir,
      source: workflow.source,
      taskCount: tasks.length,
      createdAt: at,
      updatedAt: at,
      finishedAt: null,
      leaseOwner: null,
      leaseExpiresAt: null,
    };
  }

  async getWorkflow(id: string): Promise<WorkflowRecord | undefined> {
    const result = await this.pool.query<WorkflowRow>(SQL.getWorkflow, [id]);
    const row = result.rows[0];
    return row && toWorkflow(row);
  }

  async listWorkflows(filter: WorkflowFilter = {}): Promise<WorkflowRecord[]> {
    const args: unknown[] = [filter.limit ?? null];
    const conditions: string[] = [];
    if (filter.states) {
      args.push(filter.states);
      conditions.push(`state = ANY($${args.length}::text[])`);
    }
    if (filter.name !== undefined) {
      args.push(filter.name);
      conditions.push(`name = $${args.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT ${WORKFLOW_COLUMNS} FROM workflows ${where} ORDER BY created_at DESC, id DESC LIMIT $1`;
    const result = await this.pool.query<WorkflowRow>(sql, args);
    return result.rows.map(toWorkflow);
  }

  async listTasks(workflowId: string, filter: TaskFilter = {}): Promise<TaskRecord[]> {
    const where = filter.states ? ' AND t.state = ANY($4::text[])' : '';
    const sql = `${TASK_SELECT} WHERE t.workflow_id = $1${where} ORDER BY t.idx LIMIT $2 OFFSET $3`;
    const args: unknown[] = [workflowId, filter.limit ?? null, filter.offset ?? 0];
    if (filter.states) args.push(filter.states);
    const result = await this.pool.query<TaskRow>(sql, args);
    return result.rows.map(toTask);
  }

  async getTask(workflowId: string, idx: number): Promise<TaskRecord | undefined> {
    const row = (await this.pool.query<TaskRow>(SQL.getTask, [workflowId, idx])).rows[0];
    return row && toTask(row);
  }

  async getTaskByName(workflowId: string, name: string): Promise<TaskRecord | undefined> {
    const row = (await this.pool.query<TaskRow>(SQL.getTaskByName, [workflowId, name])).rows[0];
    return row && toTask(row);
  }

  async countTasksByState(workflowId?: string): Promise<Partial<Record<TaskState, number>>> {
    const result =
      workflowId === undefined
        ? await this.pool.query<{ state: TaskState; n: number }>(
            'SELECT state, count(*)::int AS n FROM tasks GROUP BY state',
          )
        : await this.pool.query<{ state: TaskState; n: number }>(
            'SELECT state, count(*)::int AS n FROM tasks WHERE workflow_id = $1 GROUP BY state',
            [workflowId],
          );
    const counts: Partial<Record<TaskState, number>> = {};
    for (const row of result.rows) counts[row.state] = row.n;
    return counts;
  }

  async listAttempts(workflowId: string, taskIdx?: number): Promise<AttemptRecord[]> {
    const result =
      taskIdx === undefined
        ? await this.pool.query<AttemptRow>(
            `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE workflow_id = $1 ORDER BY task_idx, number`,
            [workflowId],
          )
        : await this.pool.query<AttemptRow>(
            `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE workflow_id = $1 AND task_idx = $2 ORDER BY number`,
            [workflowId, taskIdx],
          );
    return result.rows.map(toAttempt);
  }

  async listOpenAttempts(workflowId?: string): Promise<AttemptRecord[]> {
    const open = `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE status IN ('queued', 'running')`;
    const order = ' ORDER BY workflow_id, task_idx, number';
    const result =
      workflowId === undefined
        ? await this.pool.query<AttemptRow>(open + order)
        : await this.pool.query<AttemptRow>(`${open} AND workflow_id = $1${order}`, [workflowId]);
    return result.rows.map(toAttempt);
  }

  async commit(changes: ChangeSet): Promise<void> {
    const attempts = changes.attempts ?? [];
    const tasks = changes.tasks ?? [];
    const workflows = changes.workflows ?? [];
    if (attempts.length === 0 && tasks.length === 0 && workflows.length === 0) return;
    await this.transaction(async (c) => {
      await this.writeAttempts(c, attempts);
      const events = new EventBatch();
      const taskAttempts = await this.updateTasks(c, tasks);
      tasks.forEach((t, i) =>
        events.push(t.workflowId, t.idx, taskAttempts[i] ?? null, t.from, t.to, t.at, t.reason ?? null),
      );
      await this.updateWorkflows(c, workflows);
      for (const w of workflows) events.push(w.id, null, null, w.from, w.to, w.at, w.reason ?? null);
      await this.insertEvents(c, events);
    });
  }

  async listEvents(filter: EventFilter = {}): Promise<EventRecord[]> {
    const byWorkflow = filter.workflowId === undefined ? '' : ' AND workflow_id = $3';
    const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1${byWorkflow} ORDER BY seq LIMIT $2`;
    const args: unknown[] = [filter.afterSeq ?? 0, filter.limit ?? null];
    if (filter.workflowId !== undefined) args.push(filter.workflowId);
    const result = await this.pool.query<EventRow>(sql, args);
    return result.rows.map(toEvent);
  }

  async acquireLease(
    workflowId: string,
    owner: string,
    now: number,
    ttlMs: number,
    stealFrom?: string,
  ): Promise<boolean> {
    const result = await this.pool.query(SQL.acquireLease, [
      workflowId,
      owner,
      now + ttlMs,
      now,
      stealFrom ?? null,
    ]);
    return result.rowCount === 1;
  }

  async renewLeases(owner: string, now: number, ttlMs: number): Promise<void> {
    await this.pool.query(SQL.renewLeases, [owner, now + ttlMs]);
  }

  async releaseLease(workflowId: string, owner: string): Promise<void> {
    await this.pool.query(SQL.releaseLease, [workflowId, owner]);
  }

  /** Runs `work` between BEGIN and COMMIT on one connection; any error rolls back and is rethrown. */
  private async transaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(BEGIN);
      await work(client);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackError) {
        // The connection is unusable: destroy it rather than hand it to the next caller.
        client.release(coerceError(rollbackError));
      }
      throw toStoreError(error);
    }
  }

  private async writeAttempts(c: PoolClient, writes: readonly AttemptWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const inserts: AttemptRecord[] = [];
    const updates: AttemptUpdate[] = [];
    for (const w of writes) {
      if (w.kind === 'insert') inserts.push(w.attempt);
      else updates.push(w);
    }
    if (inserts.length > 0) {
      const cols: unknown[][] = Array.from({ length: 17 }, () => []);
      for (const a of inserts) {
        const row = [
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
        for (let k = 0; k < 17; k++) cols[k]!.push(row[k]);
      }
      try {
        await c.query(SQL.insertAttempts, cols);
      } catch (error) {
        if (isUniqueViolation(error, 'attempts_pkey')) {
          throw new StoreConflictError(`An attempt inserted already exists: ${pgDetail(error)}`);
        }
        throw error;
      }
    }
    for (const round of rounds(updates, (u) => `${u.workflowId}\u0000${u.taskIdx}\u0000${u.number}`)) {
      const cols: unknown[][] = Array.from({ length: 18 }, () => []);
      for (const i of round) {
        const u = updates[i]!;
        const o = u.outcome;
        const flags =
          (u.node !== undefined ? SET_NODE : 0) |
          (u.handle !== undefined ? SET_HANDLE : 0) |
          (u.startedAt !== undefined ? SET_STARTED : 0) |
          (u.stdoutPath !== undefined ? SET_STDOUT : 0) |
          (u.stderrPath !== undefined ? SET_STDERR : 0) |
          (o ? SET_OUTCOME : 0);
        const row = [
          i,
          u.workflowId,
          u.taskIdx,
          u.number,
          u.status,
          flags,
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
        for (let k = 0; k < 18; k++) cols[k]!.push(row[k]);
      }
      const result = await c.query<{ ord: number }>(SQL.updateAttempts, cols);
      if (result.rows.length !== round.length) {
        const missing = updates[firstMissing(round, result.rows)]!;
        throw new StoreConflictError(
          `Attempt ${missing.number} of task ${missing.taskIdx} in workflow ${missing.workflowId} does not ` +
            `exist: cannot set its status to ${missing.status}.`,
        );
      }
    }
  }

  /** Applies the task changes; returns, per change, the task's attempt number after it. */
  private async updateTasks(c: PoolClient, changes: readonly TaskChange[]): Promise<number[]> {
    const attempts = new Array<number>(changes.length);
    for (const round of rounds(changes, (t) => `${t.workflowId}\u0000${t.idx}`)) {
      const ord: number[] = [];
      const workflowId: string[] = [];
      const idx: number[] = [];
      const from: string[] = [];
      const to: string[] = [];
      const at: number[] = [];
      const attempt: Array<number | null> = [];
      const readyAt: Array<number | null> = [];
      const retryBase: Array<number | null> = [];
      const memoryBytes: Array<number | null> = [];
      for (const i of round) {
        const t = changes[i]!;
        ord.push(i);
        workflowId.push(t.workflowId);
        idx.push(t.idx);
        from.push(t.from);
        to.push(t.to);
        at.push(t.at);
        attempt.push(t.attempt ?? null);
        readyAt.push(t.readyAt ?? null);
        retryBase.push(t.retryBase ?? null);
        memoryBytes.push(t.memoryBytes ?? null);
      }
      const result = await c.query<{ ord: number; attempt: number }>(SQL.updateTasks, [
        ord,
        workflowId,
        idx,
        from,
        to,
        at,
        attempt,
        readyAt,
        retryBase,
        memoryBytes,
      ]);
      if (result.rows.length !== round.length) {
        const change = changes[firstMissing(round, result.rows)]!;
        const row = (
          await c.query<{ name: string; state: string }>(SQL.taskState, [change.workflowId, change.idx])
        ).rows[0];
        throw new StoreConflictError(taskConflictMessage(change, row));
      }
      for (const row of result.rows) attempts[row.ord] = row.attempt;
    }
    return attempts;
  }

  private async updateWorkflows(c: PoolClient, changes: readonly WorkflowChange[]): Promise<void> {
    for (const round of rounds(changes, (w) => w.id)) {
      const ord: number[] = [];
      const id: string[] = [];
      const from: string[] = [];
      const to: string[] = [];
      const at: number[] = [];
      const finishedAt: Array<number | null> = [];
      for (const i of round) {
        const w = changes[i]!;
        ord.push(i);
        id.push(w.id);
        from.push(w.from);
        to.push(w.to);
        at.push(w.at);
        finishedAt.push(TERMINAL_WORKFLOW_STATES.has(w.to) ? w.at : null);
      }
      const result = await c.query<{ ord: number }>(SQL.updateWorkflows, [ord, id, from, to, at, finishedAt]);
      if (result.rows.length !== round.length) {
        const change = changes[firstMissing(round, result.rows)]!;
        const row = (await c.query<{ state: string }>(SQL.workflowState, [change.id])).rows[0];
        throw new StoreConflictError(workflowConflictMessage(change, row?.state));
      }
    }
  }

  private async insertEvents(c: PoolClient, e: EventBatch): Promise<void> {
    if (e.to.length === 0) return;
    await c.query(SQL.insertEvents, [
      this.schema,
      e.workflowId,
      e.taskIdx,
      e.attempt,
      e.from,
      e.to,
      e.at,
      e.reason,
    ]);
  }
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

function taskConflictMessage(change: TaskChange, row: { name: string; state: string } | undefined): string {
  const move = `${change.from} → ${change.to}`;
  if (!row)
    return `Task ${change.idx} of workflow ${change.workflowId} does not exist: cannot apply ${move}.`;
  return (
    `Task ${change.idx} (${row.name}) of workflow ${change.workflowId} is ${row.state}, not ${change.from}: ` +
    `cannot apply ${move} (another writer changed it first).`
  );
}

function workflowConflictMessage(change: WorkflowChange, state: string | undefined): string {
  const move = `${change.from} → ${change.to}`;
  if (state === undefined) return `Workflow ${change.id} does not exist: cannot apply ${move}.`;
  return `Workflow ${change.id} is ${state}, not ${change.from}: cannot apply ${move} (another writer changed it first).`;
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as PgError | null;
  return e?.code === '23505' && e.constraint === constraint;
}

function pgDetail(error: unknown): string {
  return (error as PgError).detail ?? coerceError(error).message;
}

/** Deadlocks and serialization failures are two writers racing for the same rows: a conflict. */
function toStoreError(error: unknown): unknown {
  const code = (error as PgError | null)?.code;
  if (code === '40P01' || code === '40001') {
    return new StoreConflictError(
      `Another writer changed the same rows at once: ${coerceError(error).message}`,
    );
  }
  return error;
}

/**
 * Pool settings that put `schema` on the search_path of every connection at start-up (no extra round
 * trip), keeping any `options` the URL already carries: pg would otherwise let the URL's win.
 */
function withSearchPath(
  connectionString: string,
  schema: string,
): { connectionString: string; options: string } {
  const searchPath = `-c search_path=${quoteIdent(schema)}`;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, options: searchPath };
  }
  const existing = url.searchParams.get('options');
  if (existing === null) return { connectionString, options: searchPath };
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: `${existing} ${searchPath}` };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The URL without its password, for messages.
 *
 * @example
 * redactUrl('postgres://strata:s3cret@db/strata') // 'postgres://strata:***@db/strata'
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

function num(value: Int8): number {
  return Number(value);
}

function numOrNull(value: Int8 | null): number | null {
  return value === null ? null : Number(value);
}

function toWorkflow(r: WorkflowRow): WorkflowRecord {
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
  };
}

function toTask(r: TaskRow): TaskRecord {
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

function toAttempt(r: AttemptRow): AttemptRecord {
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

function toEvent(r: EventRow): EventRecord {
  return {
    seq: num(r.seq),
    workflowId: r.workflow_id,
    taskIdx: r.task_idx,
    attempt: r.attempt,
    from: r.from_state,
    to: r.to_state,
    at: num(r.at),
    reason: r.reason,
  };
}
