/**
 * Storing a large workflow without holding the event loop. better-sqlite3 is synchronous: one
 * transaction inserting 100,000 tasks holds the process for about two seconds, and with it every
 * request, lease renewal and turn. A workflow of `BULK_TASKS` tasks or more is therefore written on a
 * connection of its own, in one transaction (`BEGIN IMMEDIATE` … `COMMIT`: atomic as before, rolled
 * back by a crash), a chunk at a time, letting the event loop run between chunks.
 *
 * While that connection holds the write lock, the main connection's writes (turns, leases) fail at
 * once with `SQLITE_BUSY` and are retried asynchronously by `retryBusy` (its busy timeout is set to 0
 * meanwhile, so that no write waits for the lock inside SQLite, blocking). Reads go on (WAL). Bulk
 * writes run one at a time.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pLimit from 'p-limit';
import { retryBusy, type BusyRetry } from './sqlite-busy.js';
import { SqliteStatements } from './sqlite-statements.js';
import { insertWorkflowSteps } from './sqlite-writes.js';
import type { NewTask, NewWorkflow, WorkflowRecord } from './store.js';

/** From how many tasks a workflow is written in steps (below it, one synchronous transaction is quicker). */
export const BULK_TASKS = 5000;
/** Chunks (multi-row INSERTs of 64 tasks) written between two pauses: about 2,000 tasks. */
const CHUNKS_PER_STEP = 32;

export class SqliteBulkWriter {
  private connection?: { db: Database.Database; statements: SqliteStatements };
  private readonly oneAtATime = pLimit(1);

  constructor(
    private readonly path: string,
    private readonly main: Database.Database,
    private readonly busy: BusyRetry,
  ) {}

  createWorkflow(workflow: NewWorkflow, tasks: NewTask[]): Promise<WorkflowRecord> {
    return this.oneAtATime(() => this.insert(workflow, tasks));
  }

  close(): void {
    if (this.connection?.db.open) this.connection.db.close();
  }

  private async insert(workflow: NewWorkflow, tasks: NewTask[]): Promise<WorkflowRecord> {
    const { db, statements } = this.open();
    await retryBusy(() => db.exec('BEGIN IMMEDIATE'), this.busy);
    this.main.pragma('busy_timeout = 0');
    try {
      const steps = insertWorkflowSteps(statements, workflow, tasks);
      for (let chunks = 1; ; chunks++) {
        const step = steps.next();
        if (step.done) {
          db.exec('COMMIT');
          return step.value;
        }
        if (chunks % CHUNKS_PER_STEP === 0) await nextTurn();
      }
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    } finally {
      this.main.pragma(`busy_timeout = ${Math.round(this.busy.busyTimeoutMs)}`);
    }
  }

  private open(): { db: Database.Database; statements: SqliteStatements } {
    if (!this.connection) {
      const db = new Database(this.path, { timeout: this.busy.busyTimeoutMs });
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      this.connection = { db, statements: new SqliteStatements(db) };
    }
    return this.connection;
  }
}
