/**
 * `Store` on SQLite through better-sqlite3: the embedded default, one file next to the workflows.
 *
 * better-sqlite3 is synchronous, so every method does its work at once and the async interface only
 * wraps the result. Writes run in `BEGIN IMMEDIATE` transactions so that a second process on the same
 * file (a CLI next to a server) waits on `busy_timeout` instead of failing; leases, not this class,
 * decide which process drives a workflow.
 *
 * Durability: WAL with `synchronous = NORMAL` — a committed transaction survives a crash of the
 * process, but a power loss may lose the last few (never corrupts the file). See docs/store.md.
 *
 * @example
 * const store = new SqliteStore('.strata/strata.db');
 * await store.migrate();
 */
import Database from 'better-sqlite3';
import { TERMINAL_WORKFLOW_STATES } from '../model/index.js';
import type { TaskState, WorkflowState } from '../model/index.js';
import { StoreConflictError } from './errors.js';
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

type AttemptUpdate = Extract<AttemptWrite, { kind: 'update' }>;

interface WorkflowRow {
  id: string;
  name: string;
  state: string;
  failure_policy: string;
  spec: string;
  base_dir: string;
  source: string;
  task_count: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

interface TaskRow {
  workflow_id: string;
  idx: number;
  name: string;
  state: string;
  attempt: number;
  ready_at: number;
  retry_base: number;
  deps: string;
  spec: string;
  updated_at: number;
  memory_bytes: number | null;
}

interface AttemptRow {
  workflow_id: string;
  task_idx: number;
  number: number;
  status: string;
  executor: string;
  node: string | null;
  handle: string | null;
  queued_at: number;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  signal: string | null;
  cpu_time_ms: number | null;
  peak_rss_bytes: number | null;
  stdout_path: string | null;
  stderr_path: string | null;
  message: string | null;
}

interface EventRow {
  seq: number;
  workflow_id: string;
  task_idx: number | null;
  attempt: number | null;
  from_state: string | null;
  to_state: string;
  at: number;
  reason: string | null;
}

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

const SQL = {
  insertWorkflow:
    `INSERT INTO workflows (${WORKFLOW_COLUMNS}) ` +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)',
  insertEvent:
    'INSERT INTO events (workflow_id, task_idx, attempt, from_state, to_state, at, reason) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?)',
  updateTask:
    'UPDATE tasks SET state = ?, updated_at = ?, attempt = coalesce(?, attempt), ' +
    'ready_at = coalesce(?, ready_at), retry_base = coalesce(?, retry_base), ' +
    'memory_bytes = coalesce(?, memory_bytes) WHERE workflow_id = ? AND idx = ? AND state = ?',
  updateWorkflow:
    'UPDATE workflows SET state = ?, updated_at = ?, finished_at = ? WHERE id = ? AND state = ?',
  getWorkflow: `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE id = ?`,
  getTask: `${TASK_SELECT} WHERE t.workflow_id = ? AND t.idx = ?`,
  getTaskByName: `${TASK_SELECT} WHERE s.workflow_id = ? AND s.name = ?`,
  taskState: `SELECT s.name, t.state FROM tasks t JOIN task_specs s USING (workflow_id, idx) WHERE t.workflow_id = ? AND t.idx = ?`,
  workflowState: 'SELECT state FROM workflows WHERE id = ?',
  acquireLease:
    'UPDATE workflows SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND (lease_owner IS NULL ' +
    'OR lease_expires_at <= ? OR lease_owner = ? OR lease_owner = ?)',
  renewLeases: 'UPDATE workflows SET lease_expires_at = ? WHERE lease_owner = ?',
  releaseLease:
    'UPDATE workflows SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?',
} as const;

/** Rows per multi-row INSERT (tasks, events, attempts): one statement per row costs about twice as much. */
const INSERT_CHUNK = 64;
const EVENT_INSERT =
  'INSERT INTO events (workflow_id, task_idx, attempt, from_state, to_state, at, reason) VALUES ';
const EVENT_ROW =
  '(?, ?, coalesce(?, (SELECT attempt FROM tasks WHERE workflow_id = ? AND idx = ?)), ?, ?, ?, ?)';
const EVENT_WIDTH = 9;
const TASK_INSERT =
  'INSERT INTO tasks (workflow_id, idx, state, attempt, ready_at, retry_base, updated_at) VALUES ';
const TASK_SPEC_INSERT = 'INSERT INTO task_specs (workflow_id, idx, name, deps, spec) VALUES ';
const ATTEMPT_INSERT = `INSERT INTO attempts (${ATTEMPT_COLUMNS}) VALUES `;
const ATTEMPT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const ATTEMPT_WIDTH = 17;

/** The tables written by multi-row INSERTs: the statement head and one row's placeholders. */
const MULTI_ROW = {
  tasks: { insert: TASK_INSERT, row: '(?, ?, ?, 0, 0, 0, ?)' },
  taskSpecs: { insert: TASK_SPEC_INSERT, row: '(?, ?, ?, ?, ?)' },
  events: { insert: EVENT_INSERT, row: EVENT_ROW },
  attempts: { insert: ATTEMPT_INSERT, row: ATTEMPT_ROW },
} as const;
type MultiRowTable = keyof typeof MULTI_ROW;

// Which optional fields an attempt update carries (undefined = leave the column alone).
const SET_NODE = 1;
const SET_HANDLE = 2;
const SET_STDOUT = 4;
const SET_STDERR = 8;
const SET_STARTED = 16;
const SET_OUTCOME = 32;

/** The UPDATE for an attempt update carrying the fields in `flags`; `updateAttempt` binds in this order. */
function attemptUpdateSql(flags: number): string {
  const sets = ['status = ?'];
  if (flags & SET_NODE) sets.push('node = ?');
  if (flags & SET_HANDLE) sets.push('handle = ?');
  if (flags & SET_STDOUT) sets.push('stdout_path = ?');
  if (flags & SET_STDERR) sets.push('stderr_path = ?');
  if (flags & (SET_STARTED | SET_OUTCOME)) {
    let started = flags & SET_STARTED ? '?' : 'started_at';
    // An outcome's start time fills in a start the executor never reported, and no more.
    if (flags & SET_OUTCOME) started = `coalesce(${started}, ?)`;
    sets.push(`started_at = ${started}`);
  }
  if (flags & SET_OUTCOME) {
    sets.push(
      'ended_at = ?',
      'exit_code = ?',
      'signal = ?',
      'cpu_time_ms = ?',
      'peak_rss_bytes = ?',
      'message = coalesce(?, message)',
    );
  }
  return `UPDATE attempts SET ${sets.join(', ')} WHERE workflow_id = ? AND task_idx = ? AND number = ?`;
}

export class SqliteStore implements Store {
  readonly dialect = 'sqlite';
  /** The file (or `:memory:`) this store writes. */
  readonly path: string;
  private readonly db: Database.Database;
  /** Prepared statements by SQL text: each is compiled once per connection. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly multiRowStatements = new Map<MultiRowTable, Array<Database.Statement | undefined>>();
  /** Attempt update statements by the set of fields they write (a bit mask, at most 64). */
  private readonly attemptUpdates: Array<Database.Statement | undefined> = [];
  private readonly commitTx: (changes: ChangeSet) => void;
  private readonly createTx: (workflow: NewWorkflow, tasks: NewTask[]) => WorkflowRecord;

  /** Opens (creating if missing) the database file; the directory must exist. Call `migrate()` next. */
  constructor(path: string) {
    this.path = path;
    this.db = new Database(path, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    // 32 MiB of page cache (the default is 2 MiB): a running workflow of 10,000s of tasks stays in memory.
    this.db.pragma('cache_size = -32768');
    const commitTx = this.db.transaction((changes: ChangeSet) => this.applyChanges(changes));
    const createTx = this.db.transaction((workflow: NewWorkflow, tasks: NewTask[]) =>
      this.insertWorkflow(workflow, tasks),
    );
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads then writes cannot
    // wait for another process's lock and fails with SQLITE_BUSY instead.
    this.commitTx = (changes) => commitTx.immediate(changes);
    this.createTx = (workflow, tasks) => createTx.immediate(workflow, tasks);
  }

  async migrate(): Promise<void> {
    const run = this.db.transaction(() => {
      this.db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
          'applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)',
      );
      const applied = this.db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version);
      const record = this.db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
      for (const migration of pendingMigrations(applied)) {
        this.db.exec(migration.sqlite);
        record.run(migration.version, migration.name);
      }
    });
    run.immediate();
  }

  /** The migrations recorded in `schema_migrations`, oldest first. */
  async appliedMigrations(): Promise<Array<{ version: number; name: string }>> {
    return this.db
      .prepare<[], { version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      )
      .all();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async createWorkflow(workflow: NewWorkflow, tasks: NewTask[]): Promise<WorkflowRecord> {
    return this.createTx(workflow, tasks);
  }

  async getWorkflow(id: string): Promise<WorkflowRecord | undefined> {
    const row = this.stmt(SQL.getWorkflow).get(id) as WorkflowRow | undefined;
    return row && toWorkflow(row);
  }

  async listWorkflows(filter: WorkflowFilter = {}): Promise<WorkflowRecord[]> {
    const conditions: string[] = [];
    const args: unknown[] = [];
    if (filter.states) {
      conditions.push(`state IN (${placeholders(filter.states.length)})`);
      args.push(...filter.states);
    }
    if (filter.name !== undefined) {
      conditions.push('name = ?');
      args.push(filter.name);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT ${WORKFLOW_COLUMNS} FROM workflows ${where} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.stmt(sql).all(...args, filter.limit ?? -1) as WorkflowRow[];
    return rows.map(toWorkflow);
  }

  async listTasks(workflowId: string, filter: TaskFilter = {}): Promise<TaskRecord[]> {
    const states = filter.states;
    const where = states ? ` AND t.state IN (${placeholders(states.length)})` : '';
    const sql = `${TASK_SELECT} WHERE t.workflow_id = ?${where} ORDER BY t.idx LIMIT ? OFFSET ?`;
    const rows = this.stmt(sql).all(
      workflowId,
      ...(states ?? []),
      filter.limit ?? -1,
      filter.offset ?? 0,
    ) as TaskRow[];
    return rows.map(toTask);
  }

  async getTask(workflowId: string, idx: number): Promise<TaskRecord | undefined> {
    const row = this.stmt(SQL.getTask).get(workflowId, idx) as TaskRow | undefined;
    return row && toTask(row);
  }

  async getTaskByName(workflowId: string, name: string): Promise<TaskRecord | undefined> {
    const row = this.stmt(SQL.getTaskByName).get(workflowId, name) as TaskRow | undefined;
    return row && toTask(row);
  }

  async countTasksByState(workflowId?: string): Promise<Partial<Record<TaskState, number>>> {
    const sql =
      workflowId === undefined
        ? 'SELECT state, count(*) AS n FROM tasks GROUP BY state'
        : 'SELECT state, count(*) AS n FROM tasks WHERE workflow_id = ? GROUP BY state';
    const args = workflowId === undefined ? [] : [workflowId];
    const rows = this.stmt(sql).all(...args) as Array<{ state: TaskState; n: number }>;
    const counts: Partial<Record<TaskState, number>> = {};
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  async listAttempts(workflowId: string, taskIdx?: number): Promise<AttemptRecord[]> {
    const sql =
      `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE workflow_id = ?` +
      (taskIdx === undefined ? '' : ' AND task_idx = ?') +
      ' ORDER BY task_idx, number';
    const args: unknown[] = taskIdx === undefined ? [workflowId] : [workflowId, taskIdx];
    return (this.stmt(sql).all(...args) as AttemptRow[]).map(toAttempt);
  }

  async listOpenAttempts(workflowId?: string): Promise<AttemptRecord[]> {
    const sql =
      `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE status IN ('queued', 'running')` +
      (workflowId === undefined ? '' : ' AND workflow_id = ?') +
      ' ORDER BY workflow_id, task_idx, number';
    const args = workflowId === undefined ? [] : [workflowId];
    return (this.stmt(sql).all(...args) as AttemptRow[]).map(toAttempt);
  }

  async commit(changes: ChangeSet): Promise<void> {
    if (!changes.tasks?.length && !changes.attempts?.length && !changes.workflows?.length) return;
    this.commitTx(changes);
  }

  async listEvents(filter: EventFilter = {}): Promise<EventRecord[]> {
    const sql =
      `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ?` +
      (filter.workflowId === undefined ? '' : ' AND workflow_id = ?') +
      ' ORDER BY seq LIMIT ?';
    const args: unknown[] = [filter.afterSeq ?? 0];
    if (filter.workflowId !== undefined) args.push(filter.workflowId);
    args.push(filter.limit ?? -1);
    return (this.stmt(sql).all(...args) as EventRow[]).map(toEvent);
  }

  async acquireLease(
    workflowId: string,
    owner: string,
    now: number,
    ttlMs: number,
    stealFrom?: string,
  ): Promise<boolean> {
    const result = this.stmt(SQL.acquireLease).run(
      owner,
      now + ttlMs,
      workflowId,
      now,
      owner,
      stealFrom ?? null,
    );
    return result.changes === 1;
  }

  async renewLeases(owner: string, now: number, ttlMs: number): Promise<void> {
    this.stmt(SQL.renewLeases).run(now + ttlMs, owner);
  }

  async releaseLease(workflowId: string, owner: string): Promise<void> {
    this.stmt(SQL.releaseLease).run(workflowId, owner);
  }

  /** The INSERT of `n` rows into `table`, prepared once per (table, n). */
  private multiRow(table: MultiRowTable, n: number): Database.Statement {
    let byCount = this.multiRowStatements.get(table);
    if (!byCount) {
      byCount = [];
      this.multiRowStatements.set(table, byCount);
    }
    let statement = byCount[n];
    if (!statement) {
      const { insert, row } = MULTI_ROW[table];
      statement = this.db.prepare(insert + new Array<string>(n).fill(row).join(', '));
      byCount[n] = statement;
    }
    return statement;
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs inside the `createWorkflow` transaction. */
  private insertWorkflow(workflow: NewWorkflow, tasks: NewTask[]): WorkflowRecord {
    const at = workflow.createdAt;
    try {
      this.stmt(SQL.insertWorkflow).run(
        workflow.id,
        workflow.name,
        'running',
        workflow.failurePolicy,
        JSON.stringify(workflow.spec),
        workflow.baseDir,
        workflow.source,
        tasks.length,
        at,
        at,
      );
    } catch (error) {
      if (isSqliteError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
        throw new StoreConflictError(`Workflow ${workflow.id} already exists.`);
      }
      throw error;
    }
    const taskRows: unknown[] = [];
    const specRows: unknown[] = [];
    for (const task of tasks) {
      taskRows.push(workflow.id, task.idx, task.state, at);
      specRows.push(workflow.id, task.idx, task.name, JSON.stringify(task.deps), JSON.stringify(task.spec));
      if (taskRows.length === INSERT_CHUNK * 4) this.flushTasks(taskRows, specRows);
    }
    if (taskRows.length > 0) this.flushTasks(taskRows, specRows);
    this.stmt(SQL.insertEvent).run(workflow.id, null, null, null, 'running', at, 'submitted');
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

  /**
   * Runs inside the `commit` transaction: attempts, then tasks, then workflows. Throwing rolls back.
   *
   * Events and inserted attempts are gathered and written by multi-row INSERTs of up to
   * `INSERT_CHUNK` rows, which halves their cost next to one statement per row.
   */
  private applyChanges(changes: ChangeSet): void {
    const rows: unknown[] = [];
    for (const write of changes.attempts ?? []) {
      if (write.kind === 'insert') {
        const a = write.attempt;
        rows.push(a.workflowId, a.taskIdx, a.number, a.status, a.executor, a.node, a.handle, a.queuedAt);
        rows.push(a.startedAt, a.endedAt, a.exitCode, a.signal, a.cpuTimeMs, a.peakRssBytes);
        rows.push(a.stdoutPath, a.stderrPath, a.message);
        if (rows.length === INSERT_CHUNK * ATTEMPT_WIDTH) this.flushAttempts(rows);
      } else {
        // An update may target an attempt inserted just before it.
        if (rows.length > 0) this.flushAttempts(rows);
        this.updateAttempt(write);
      }
    }
    if (rows.length > 0) this.flushAttempts(rows);

    // A change that names no attempt gives its event the task's attempt, read by a subquery when the
    // event row is inserted; so such a row must be written before its task changes again.
    // `unresolved` holds the task indices of the buffered rows of that kind.
    let unresolved: Set<number> | undefined;
    if (changes.tasks?.length) {
      const updateTask = this.stmt(SQL.updateTask);
      for (const c of changes.tasks) {
        if (unresolved?.has(c.idx)) {
          this.flushEvents(rows);
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
        if (result.changes !== 1) throw this.taskConflict(c);
        if (c.attempt === undefined) {
          (unresolved ??= new Set()).add(c.idx);
          rows.push(c.workflowId, c.idx, null, c.workflowId, c.idx);
        } else {
          rows.push(c.workflowId, c.idx, c.attempt, null, null);
        }
        rows.push(c.from, c.to, c.at, c.reason ?? null);
        if (rows.length === INSERT_CHUNK * EVENT_WIDTH) {
          this.flushEvents(rows);
          unresolved?.clear();
        }
      }
    }
    if (changes.workflows?.length) {
      const updateWorkflow = this.stmt(SQL.updateWorkflow);
      for (const w of changes.workflows) {
        const finishedAt = TERMINAL_WORKFLOW_STATES.has(w.to) ? w.at : null;
        const result = updateWorkflow.run(w.to, w.at, finishedAt, w.id, w.from);
        if (result.changes !== 1) throw this.workflowConflict(w);
        rows.push(w.id, null, null, null, null, w.from, w.to, w.at, w.reason ?? null);
        if (rows.length === INSERT_CHUNK * EVENT_WIDTH) this.flushEvents(rows);
      }
    }
    if (rows.length > 0) this.flushEvents(rows);
  }

  /** Inserts the buffered task rows (4 values each) and their spec rows (5 each), and empties both. */
  private flushTasks(taskRows: unknown[], specRows: unknown[]): void {
    const n = taskRows.length / 4;
    this.multiRow('tasks', n).run(taskRows);
    this.multiRow('taskSpecs', n).run(specRows);
    taskRows.length = 0;
    specRows.length = 0;
  }

  /** Inserts the buffered event rows (EVENT_WIDTH values each) and empties the buffer. */
  private flushEvents(rows: unknown[]): void {
    this.multiRow('events', rows.length / EVENT_WIDTH).run(rows);
    rows.length = 0;
  }

  /** Inserts the buffered attempt rows (ATTEMPT_WIDTH values each) and empties the buffer. */
  private flushAttempts(rows: unknown[]): void {
    try {
      this.multiRow('attempts', rows.length / ATTEMPT_WIDTH).run(rows);
    } catch (error) {
      if (isSqliteError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw this.attemptExists(rows);
      throw error;
    }
    rows.length = 0;
  }

  /** Names the first buffered attempt that exists already (or twice in the buffer). */
  private attemptExists(rows: readonly unknown[]): StoreConflictError {
    const exists = this.stmt('SELECT 1 FROM attempts WHERE workflow_id = ? AND task_idx = ? AND number = ?');
    const seen = new Set<string>();
    for (let i = 0; i < rows.length; i += ATTEMPT_WIDTH) {
      const key = rows.slice(i, i + 3) as [string, number, number];
      const text = JSON.stringify(key);
      if (seen.has(text) || exists.get(...key) !== undefined) {
        return new StoreConflictError(
          `Attempt ${key[2]} of task ${key[1]} in workflow ${key[0]} already exists.`,
        );
      }
      seen.add(text);
    }
    return new StoreConflictError('An attempt inserted already exists.');
  }

  /** Only the fields the update carries are written (see `attemptUpdateSql`). */
  private updateAttempt(u: AttemptUpdate): void {
    const o = u.outcome;
    const flags =
      (u.node !== undefined ? SET_NODE : 0) |
      (u.handle !== undefined ? SET_HANDLE : 0) |
      (u.stdoutPath !== undefined ? SET_STDOUT : 0) |
      (u.stderrPath !== undefined ? SET_STDERR : 0) |
      (u.startedAt !== undefined ? SET_STARTED : 0) |
      (o ? SET_OUTCOME : 0);
    let statement = this.attemptUpdates[flags];
    if (!statement) {
      statement = this.db.prepare(attemptUpdateSql(flags));
      this.attemptUpdates[flags] = statement;
    }
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
    if (statement.run(...args).changes !== 1) {
      throw new StoreConflictError(
        `Attempt ${u.number} of task ${u.taskIdx} in workflow ${u.workflowId} does not exist: ` +
          `cannot set its status to ${u.status}.`,
      );
    }
  }

  private taskConflict(change: TaskChange): StoreConflictError {
    const row = this.stmt(SQL.taskState).get(change.workflowId, change.idx) as
      { name: string; state: string } | undefined;
    return new StoreConflictError(taskConflictMessage(change, row));
  }

  private workflowConflict(change: WorkflowChange): StoreConflictError {
    const row = this.stmt(SQL.workflowState).get(change.id) as { state: string } | undefined;
    return new StoreConflictError(workflowConflictMessage(change, row?.state));
  }
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

function placeholders(n: number): string {
  return n === 0 ? 'NULL' : new Array<string>(n).fill('?').join(', ');
}

function isSqliteError(error: unknown, code: string): boolean {
  return error instanceof Database.SqliteError && error.code === code;
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
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
  };
}

function toTask(r: TaskRow): TaskRecord {
  return {
    workflowId: r.workflow_id,
    idx: r.idx,
    name: r.name,
    state: r.state as TaskState,
    attempt: r.attempt,
    readyAt: r.ready_at,
    retryBase: r.retry_base,
    deps: JSON.parse(r.deps) as number[],
    spec: JSON.parse(r.spec) as TaskRecord['spec'],
    updatedAt: r.updated_at,
    memoryBytes: r.memory_bytes,
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
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    signal: r.signal,
    cpuTimeMs: r.cpu_time_ms,
    peakRssBytes: r.peak_rss_bytes,
    stdoutPath: r.stdout_path,
    stderrPath: r.stderr_path,
    message: r.message,
  };
}

function toEvent(r: EventRow): EventRecord {
  return {
    seq: r.seq,
    workflowId: r.workflow_id,
    taskIdx: r.task_idx,
    attempt: r.attempt,
    from: r.from_state,
    to: r.to_state,
    at: r.at,
    reason: r.reason,
  };
}
