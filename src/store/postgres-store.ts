/**
 * `Store` on PostgreSQL through a `pg.Pool`: for many users and several control-plane replicas.
 *
 * Every write is a constant number of round trips whatever its size (postgres-writes.ts): rows
 * travel as arrays and are expanded server-side with `unnest`, never one statement per row. A change
 * whose row did not match makes the whole transaction roll back with `StoreConflictError`.
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
import { coerceError, redactSecrets } from '../model/index.js';
import type { TaskState } from '../model/index.js';
import { StoreUrlError } from './errors.js';
import { pendingMigrations } from './migrations.js';
import { isUniqueViolation, toStoreError } from './postgres-errors.js';
import { tokenExists } from './conflicts.js';
import { BEGIN, LOCK_MIGRATE, SQL } from './postgres-sql.js';
import { quoteIdent, withSearchPath } from './postgres-url.js';
import { applyChanges, checkLeases, insertWorkflow } from './postgres-writes.js';
import * as Rows from './rows.js';
import type * as S from './store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Schema holding Strata's tables, created by `migrate()` if missing. Default `public`. */
  schema?: string;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
}

export class PostgresStore implements S.Store {
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
      // pg's own message is masked too: it may quote the connection string or a password.
      throw new Error(
        redactSecrets(
          `Cannot connect to PostgreSQL at ${this.connectionString}: ${coerceError(error).message}`,
        ),
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

  async createWorkflow(workflow: S.NewWorkflow, tasks: S.NewTask[]): Promise<S.WorkflowRecord> {
    await this.transaction((c) => insertWorkflow(c, this.schema, workflow, tasks));
    return Rows.createdWorkflow(workflow, tasks.length);
  }

  async getWorkflow(id: string): Promise<S.WorkflowRecord | undefined> {
    const result = await this.pool.query<Rows.WorkflowRow>(SQL.getWorkflow, [id]);
    const row = result.rows[0];
    return row && Rows.toWorkflow(row);
  }

  async listWorkflows(filter: S.WorkflowFilter = {}): Promise<S.WorkflowRecord[]> {
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
    if (filter.before) {
      args.push(filter.before.createdAt, filter.before.id);
      const [c, id] = [args.length - 1, args.length];
      conditions.push(`(created_at < $${c} OR (created_at = $${c} AND id < $${id}))`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT ${Rows.WORKFLOW_COLUMNS} FROM workflows ${where} ORDER BY created_at DESC, id DESC LIMIT $1`;
    const result = await this.pool.query<Rows.WorkflowRow>(sql, args);
    return result.rows.map(Rows.toWorkflow);
  }

  async listTasks(workflowId: string, filter: S.TaskFilter = {}): Promise<S.TaskRecord[]> {
    const args: unknown[] = [workflowId, filter.limit ?? null, filter.offset ?? 0];
    let where = '';
    if (filter.states) {
      args.push(filter.states);
      where += ` AND t.state = ANY($${args.length}::text[])`;
    }
    if (filter.afterIdx !== undefined) {
      args.push(filter.afterIdx);
      where += ` AND t.idx > $${args.length}`;
    }
    const sql = `${Rows.TASK_SELECT} WHERE t.workflow_id = $1${where} ORDER BY t.idx LIMIT $2 OFFSET $3`;
    const result = await this.pool.query<Rows.TaskRow>(sql, args);
    return result.rows.map(Rows.toTask);
  }

  async getTask(workflowId: string, idx: number): Promise<S.TaskRecord | undefined> {
    const row = (await this.pool.query<Rows.TaskRow>(SQL.getTask, [workflowId, idx])).rows[0];
    return row && Rows.toTask(row);
  }

  async getTaskByName(workflowId: string, name: string): Promise<S.TaskRecord | undefined> {
    const row = (await this.pool.query<Rows.TaskRow>(SQL.getTaskByName, [workflowId, name])).rows[0];
    return row && Rows.toTask(row);
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
    return Rows.toStateCounts(result.rows);
  }

  async listAttempts(
    workflowId: string,
    taskIdx?: number,
    page: S.AttemptPage = {},
  ): Promise<S.AttemptRecord[]> {
    const args: unknown[] = [workflowId, page.limit ?? null];
    let where = '';
    if (taskIdx !== undefined) {
      args.push(taskIdx);
      where += ` AND task_idx = $${args.length}`;
    }
    if (page.after) {
      args.push(page.after.taskIdx, page.after.number);
      const [t, n] = [args.length - 1, args.length];
      where += ` AND (task_idx > $${t} OR (task_idx = $${t} AND number > $${n}))`;
    }
    const result = await this.pool.query<Rows.AttemptRow>(
      `SELECT ${Rows.ATTEMPT_COLUMNS} FROM attempts WHERE workflow_id = $1${where} ORDER BY task_idx, number LIMIT $2`,
      args,
    );
    return result.rows.map(Rows.toAttempt);
  }

  async listOpenAttempts(workflowId?: string): Promise<S.AttemptRecord[]> {
    const open = `SELECT ${Rows.ATTEMPT_COLUMNS} FROM attempts WHERE status IN ('queued', 'running')`;
    const order = ' ORDER BY workflow_id, task_idx, number';
    const result =
      workflowId === undefined
        ? await this.pool.query<Rows.AttemptRow>(open + order)
        : await this.pool.query<Rows.AttemptRow>(`${open} AND workflow_id = $1${order}`, [workflowId]);
    return result.rows.map(Rows.toAttempt);
  }

  async commit(changes: S.ChangeSet): Promise<void> {
    if (!changes.tasks?.length && !changes.attempts?.length && !changes.workflows?.length) return;
    await this.transaction(async (c) => {
      if (changes.owner !== undefined) await checkLeases(c, changes);
      await applyChanges(c, this.schema, changes);
    });
  }

  async listEvents(filter: S.EventFilter = {}): Promise<S.EventRecord[]> {
    const byWorkflow = filter.workflowId === undefined ? '' : ' AND workflow_id = $3';
    const sql = `SELECT ${Rows.EVENT_COLUMNS} FROM events WHERE seq > $1${byWorkflow} ORDER BY seq LIMIT $2`;
    const args: unknown[] = [filter.afterSeq ?? 0, filter.limit ?? null];
    if (filter.workflowId !== undefined) args.push(filter.workflowId);
    const result = await this.pool.query<Rows.EventRow>(sql, args);
    return result.rows.map(Rows.toEvent);
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

  async renewLeases(owner: string, now: number, ttlMs: number): Promise<string[]> {
    const result = await this.pool.query<{ id: string }>(SQL.renewLeases, [owner, now + ttlMs]);
    return result.rows.map((r) => r.id);
  }

  async releaseLease(workflowId: string, owner: string): Promise<void> {
    await this.pool.query(SQL.releaseLease, [workflowId, owner]);
  }

  async createToken(token: S.TokenRecord): Promise<void> {
    try {
      await this.pool.query(SQL.insertToken, Rows.tokenValues(token));
    } catch (error) {
      if (isUniqueViolation(error, 'tokens_pkey')) throw tokenExists(token.id);
      throw error;
    }
  }

  async getToken(id: string): Promise<S.TokenRecord | undefined> {
    const row = (await this.pool.query<Rows.TokenRow>(SQL.getToken, [id])).rows[0];
    return row && Rows.toToken(row);
  }

  async listTokens(): Promise<S.TokenRecord[]> {
    return (await this.pool.query<Rows.TokenRow>(SQL.listTokens)).rows.map(Rows.toToken);
  }

  async revokeToken(id: string, at: number): Promise<S.TokenRecord | undefined> {
    const row = (await this.pool.query<Rows.TokenRow>(SQL.revokeToken, [id, at])).rows[0];
    return row && Rows.toToken(row);
  }

  async appendAudit(e: S.NewAuditEvent): Promise<S.EventRecord> {
    const result = await this.pool.query<Rows.EventRow>(SQL.insertAudit, [
      this.schema,
      e.workflowId,
      e.action,
      e.at,
      e.detail,
      e.actor,
    ]);
    return Rows.toEvent(result.rows[0]!);
  }

  async listAudit(filter: { afterSeq?: number; limit?: number } = {}): Promise<S.EventRecord[]> {
    const result = await this.pool.query<Rows.EventRow>(SQL.listAudit, [
      filter.afterSeq ?? 0,
      filter.limit ?? null,
    ]);
    return result.rows.map(Rows.toEvent);
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
}
