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
import type { TaskState } from '../model/index.js';
import { tokenExists } from './conflicts.js';
import { pendingMigrations } from './migrations.js';
import * as Rows from './rows.js';
import { placeholders, SQL, SqliteStatements } from './sqlite-statements.js';
import { BULK_TASKS, SqliteBulkWriter } from './sqlite-bulk.js';
import { DEFAULT_BUSY_RETRY, retryBusy, type BusyRetry } from './sqlite-busy.js';
import { applyChanges, checkLeases, insertWorkflow } from './sqlite-writes.js';
import type * as S from './store.js';

export class SqliteStore implements S.Store {
  readonly dialect = 'sqlite';
  /** The file (or `:memory:`) this store writes. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements: SqliteStatements;
  private readonly commitTx: (changes: S.ChangeSet) => void;
  private readonly createTx: (workflow: S.NewWorkflow, tasks: S.NewTask[]) => S.WorkflowRecord;

  private readonly busy: BusyRetry;
  /** Writes workflows of `BULK_TASKS` tasks or more in steps (undefined for `:memory:`). */
  private readonly bulk: SqliteBulkWriter | undefined;

  /**
   * Opens (creating if missing) the database file; the directory must exist. Call `migrate()` next.
   * `busy` bounds how long a write waits for another process's write lock (see sqlite-busy.ts).
   */
  constructor(path: string, options: { busy?: Partial<BusyRetry> } = {}) {
    this.path = path;
    this.busy = { ...DEFAULT_BUSY_RETRY, ...options.busy };
    this.db = new Database(path, { timeout: this.busy.busyTimeoutMs });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${Math.round(this.busy.busyTimeoutMs)}`);
    this.db.pragma('foreign_keys = ON');
    // 32 MiB of page cache (the default is 2 MiB): a running workflow of 10,000s of tasks stays in memory.
    this.db.pragma('cache_size = -32768');
    this.statements = new SqliteStatements(this.db);
    const commitTx = this.db.transaction((changes: S.ChangeSet) => {
      if (changes.owner !== undefined) checkLeases(this.statements, changes);
      applyChanges(this.statements, changes);
    });
    const createTx = this.db.transaction((workflow: S.NewWorkflow, tasks: S.NewTask[]) =>
      insertWorkflow(this.statements, workflow, tasks),
    );
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads then writes cannot
    // wait for another process's lock and fails with SQLITE_BUSY instead.
    this.commitTx = (changes) => commitTx.immediate(changes);
    this.createTx = (workflow, tasks) => createTx.immediate(workflow, tasks);
    this.bulk = path === ':memory:' ? undefined : new SqliteBulkWriter(path, this.db, this.busy);
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
    await retryBusy(() => run.immediate(), this.busy);
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
    this.bulk?.close();
    if (this.db.open) this.db.close();
  }

  async createWorkflow(workflow: S.NewWorkflow, tasks: S.NewTask[]): Promise<S.WorkflowRecord> {
    if (this.bulk && tasks.length >= BULK_TASKS) return this.bulk.createWorkflow(workflow, tasks);
    return retryBusy(() => this.createTx(workflow, tasks), this.busy);
  }

  async getWorkflow(id: string): Promise<S.WorkflowRecord | undefined> {
    const row = this.statements.get(SQL.getWorkflow).get(id) as Rows.WorkflowRow | undefined;
    return row && Rows.toWorkflow(row);
  }

  async listWorkflows(filter: S.WorkflowFilter = {}): Promise<S.WorkflowRecord[]> {
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
    if (filter.before) {
      conditions.push('(created_at < ? OR (created_at = ? AND id < ?))');
      args.push(filter.before.createdAt, filter.before.createdAt, filter.before.id);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT ${Rows.WORKFLOW_COLUMNS} FROM workflows ${where} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.statements.get(sql).all(...args, filter.limit ?? -1) as Rows.WorkflowRow[];
    return rows.map(Rows.toWorkflow);
  }

  async listTasks(workflowId: string, filter: S.TaskFilter = {}): Promise<S.TaskRecord[]> {
    const states = filter.states;
    const where =
      (states ? ` AND t.state IN (${placeholders(states.length)})` : '') +
      (filter.afterIdx !== undefined ? ' AND t.idx > ?' : '');
    const sql = `${Rows.TASK_SELECT} WHERE t.workflow_id = ?${where} ORDER BY t.idx LIMIT ? OFFSET ?`;
    const after = filter.afterIdx !== undefined ? [filter.afterIdx] : [];
    const rows = this.statements
      .get(sql)
      .all(workflowId, ...(states ?? []), ...after, filter.limit ?? -1, filter.offset ?? 0) as Rows.TaskRow[];
    return rows.map(Rows.toTask);
  }

  async getTask(workflowId: string, idx: number): Promise<S.TaskRecord | undefined> {
    const row = this.statements.get(SQL.getTask).get(workflowId, idx) as Rows.TaskRow | undefined;
    return row && Rows.toTask(row);
  }

  async getTaskByName(workflowId: string, name: string): Promise<S.TaskRecord | undefined> {
    const row = this.statements.get(SQL.getTaskByName).get(workflowId, name) as Rows.TaskRow | undefined;
    return row && Rows.toTask(row);
  }

  async countTasksByState(workflowId?: string): Promise<Partial<Record<TaskState, number>>> {
    const sql =
      workflowId === undefined
        ? 'SELECT state, count(*) AS n FROM tasks GROUP BY state'
        : 'SELECT state, count(*) AS n FROM tasks WHERE workflow_id = ? GROUP BY state';
    const args = workflowId === undefined ? [] : [workflowId];
    const rows = this.statements.get(sql).all(...args) as Array<{ state: TaskState; n: number }>;
    return Rows.toStateCounts(rows);
  }

  async listAttempts(
    workflowId: string,
    taskIdx?: number,
    page: S.AttemptPage = {},
  ): Promise<S.AttemptRecord[]> {
    const sql =
      `SELECT ${Rows.ATTEMPT_COLUMNS} FROM attempts WHERE workflow_id = ?` +
      (taskIdx === undefined ? '' : ' AND task_idx = ?') +
      (page.after ? ' AND (task_idx > ? OR (task_idx = ? AND number > ?))' : '') +
      ' ORDER BY task_idx, number LIMIT ?';
    const args: unknown[] = taskIdx === undefined ? [workflowId] : [workflowId, taskIdx];
    if (page.after) args.push(page.after.taskIdx, page.after.taskIdx, page.after.number);
    args.push(page.limit ?? -1);
    return (this.statements.get(sql).all(...args) as Rows.AttemptRow[]).map(Rows.toAttempt);
  }

  async listOpenAttempts(workflowId?: string): Promise<S.AttemptRecord[]> {
    const sql =
      `SELECT ${Rows.ATTEMPT_COLUMNS} FROM attempts WHERE status IN ('queued', 'running')` +
      (workflowId === undefined ? '' : ' AND workflow_id = ?') +
      ' ORDER BY workflow_id, task_idx, number';
    const args = workflowId === undefined ? [] : [workflowId];
    return (this.statements.get(sql).all(...args) as Rows.AttemptRow[]).map(Rows.toAttempt);
  }

  async commit(changes: S.ChangeSet): Promise<void> {
    if (!changes.tasks?.length && !changes.attempts?.length && !changes.workflows?.length) return;
    await retryBusy(() => this.commitTx(changes), this.busy);
  }

  async listEvents(filter: S.EventFilter = {}): Promise<S.EventRecord[]> {
    const sql =
      `SELECT ${Rows.EVENT_COLUMNS} FROM events WHERE seq > ?` +
      (filter.workflowId === undefined ? '' : ' AND workflow_id = ?') +
      ' ORDER BY seq LIMIT ?';
    const args: unknown[] = [filter.afterSeq ?? 0];
    if (filter.workflowId !== undefined) args.push(filter.workflowId);
    args.push(filter.limit ?? -1);
    return (this.statements.get(sql).all(...args) as Rows.EventRow[]).map(Rows.toEvent);
  }

  async acquireLease(
    workflowId: string,
    owner: string,
    now: number,
    ttlMs: number,
    stealFrom?: string,
  ): Promise<boolean> {
    const acquire = this.statements.get(SQL.acquireLease);
    const args = [owner, now + ttlMs, workflowId, now, owner, stealFrom ?? null];
    return (await retryBusy(() => acquire.run(...args), this.busy)).changes === 1;
  }

  async renewLeases(owner: string, now: number, ttlMs: number): Promise<string[]> {
    const renew = this.statements.get(SQL.renewLeases);
    const rows = await retryBusy(() => renew.all(now + ttlMs, owner) as Array<{ id: string }>, this.busy);
    return rows.map((r) => r.id);
  }

  async releaseLease(workflowId: string, owner: string): Promise<void> {
    const release = this.statements.get(SQL.releaseLease);
    await retryBusy(() => release.run(workflowId, owner), this.busy);
  }

  async createToken(token: S.TokenRecord): Promise<void> {
    try {
      await retryBusy(() => this.statements.get(SQL.insertToken).run(...Rows.tokenValues(token)), this.busy);
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw tokenExists(token.id);
      }
      throw error;
    }
  }

  async getToken(id: string): Promise<S.TokenRecord | undefined> {
    const row = this.statements.get(SQL.getToken).get(id) as Rows.TokenRow | undefined;
    return row && Rows.toToken(row);
  }

  async listTokens(): Promise<S.TokenRecord[]> {
    return (this.statements.get(SQL.listTokens).all() as Rows.TokenRow[]).map(Rows.toToken);
  }

  async revokeToken(id: string, at: number): Promise<S.TokenRecord | undefined> {
    const revoke = this.statements.get(SQL.revokeToken);
    const row = (await retryBusy(() => revoke.get(at, id), this.busy)) as Rows.TokenRow | undefined;
    return row && Rows.toToken(row);
  }

  async appendAudit(e: S.NewAuditEvent): Promise<S.EventRecord> {
    const insert = this.statements.get(SQL.insertAudit);
    const row = (await retryBusy(
      () => insert.get(e.workflowId, e.action, e.at, e.detail, e.actor),
      this.busy,
    )) as Rows.EventRow;
    return Rows.toEvent(row);
  }

  async listAudit(filter: { afterSeq?: number; limit?: number } = {}): Promise<S.EventRecord[]> {
    const rows = this.statements.get(SQL.listAudit).all(filter.afterSeq ?? 0, filter.limit ?? -1);
    return (rows as Rows.EventRow[]).map(Rows.toEvent);
  }
}
