/**
 * The SQL of the SQLite store and the cache of its prepared statements: better-sqlite3 compiles a
 * statement once per connection, and the write path reuses the same few hundred times per commit.
 */
import type Database from 'better-sqlite3';
import { SET_HANDLE, SET_NODE, SET_OUTCOME, SET_STARTED, SET_STDERR, SET_STDOUT } from './attempt-update.js';
import {
  ATTEMPT_COLUMNS,
  ATTEMPT_WIDTH,
  EVENT_COLUMNS,
  TASK_SELECT,
  TOKEN_COLUMNS,
  WORKFLOW_COLUMNS,
  WORKFLOW_INSERT_COLUMNS,
} from './rows.js';

export const SQL = {
  // Binds `workflowValues`, then the creation time again for updated_at.
  insertWorkflow:
    `INSERT INTO workflows (${WORKFLOW_INSERT_COLUMNS}) ` +
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
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
  attemptExists: 'SELECT 1 FROM attempts WHERE workflow_id = ? AND task_idx = ? AND number = ?',
  acquireLease:
    'UPDATE workflows SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND (lease_owner IS NULL ' +
    'OR lease_expires_at <= ? OR lease_owner = ? OR lease_owner = ?)',
  renewLeases: 'UPDATE workflows SET lease_expires_at = ? WHERE lease_owner = ? RETURNING id',
  leaseOwner: 'SELECT lease_owner FROM workflows WHERE id = ?',
  releaseLease:
    'UPDATE workflows SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?',
  insertAudit:
    'INSERT INTO events (workflow_id, task_idx, attempt, from_state, to_state, at, reason, kind, actor) ' +
    `VALUES (?, NULL, NULL, NULL, ?, ?, ?, 'audit', ?) RETURNING ${EVENT_COLUMNS}`,
  listAudit: `SELECT ${EVENT_COLUMNS} FROM events WHERE kind = 'audit' AND seq > ? ORDER BY seq LIMIT ?`,
  insertToken: `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  getToken: `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = ?`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id`,
  revokeToken: `UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING ${TOKEN_COLUMNS}`,
} as const;

/** Rows per multi-row INSERT (tasks, events, attempts): one statement per row costs about twice as much. */
export const INSERT_CHUNK = 64;
const EVENT_INSERT =
  'INSERT INTO events (workflow_id, task_idx, attempt, from_state, to_state, at, reason) VALUES ';
const EVENT_ROW =
  '(?, ?, coalesce(?, (SELECT attempt FROM tasks WHERE workflow_id = ? AND idx = ?)), ?, ?, ?, ?)';
/** Values per buffered event row (`EVENT_ROW`'s placeholders). */
export const EVENT_WIDTH = 9;
const TASK_INSERT =
  'INSERT INTO tasks (workflow_id, idx, state, attempt, ready_at, retry_base, updated_at) VALUES ';
const TASK_SPEC_INSERT = 'INSERT INTO task_specs (workflow_id, idx, name, deps, spec) VALUES ';
const ATTEMPT_INSERT = `INSERT INTO attempts (${ATTEMPT_COLUMNS}) VALUES `;
const ATTEMPT_ROW = `(${placeholders(ATTEMPT_WIDTH)})`;

/** The tables written by multi-row INSERTs: the statement head and one row's placeholders. */
const MULTI_ROW = {
  tasks: { insert: TASK_INSERT, row: '(?, ?, ?, 0, 0, 0, ?)' },
  taskSpecs: { insert: TASK_SPEC_INSERT, row: '(?, ?, ?, ?, ?)' },
  events: { insert: EVENT_INSERT, row: EVENT_ROW },
  attempts: { insert: ATTEMPT_INSERT, row: ATTEMPT_ROW },
} as const;
type MultiRowTable = keyof typeof MULTI_ROW;

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

/** `n` comma-separated `?`, or `NULL` for none (`IN (NULL)` matches nothing, as an empty list should). */
export function placeholders(n: number): string {
  return n === 0 ? 'NULL' : new Array<string>(n).fill('?').join(', ');
}

/** The prepared statements of one connection, each compiled on first use. */
export class SqliteStatements {
  /** Prepared statements by SQL text. */
  private readonly bySql = new Map<string, Database.Statement>();
  private readonly multiRows = new Map<MultiRowTable, Array<Database.Statement | undefined>>();
  /** Attempt update statements by the set of fields they write (a bit mask, at most 64). */
  private readonly attemptUpdates: Array<Database.Statement | undefined> = [];

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.bySql.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.bySql.set(sql, statement);
    }
    return statement;
  }

  /** The INSERT of `n` rows into `table`, prepared once per (table, n). */
  multiRow(table: MultiRowTable, n: number): Database.Statement {
    let byCount = this.multiRows.get(table);
    if (!byCount) {
      byCount = [];
      this.multiRows.set(table, byCount);
    }
    let statement = byCount[n];
    if (!statement) {
      const { insert, row } = MULTI_ROW[table];
      statement = this.db.prepare(insert + new Array<string>(n).fill(row).join(', '));
      byCount[n] = statement;
    }
    return statement;
  }

  /** The UPDATE of an attempt writing the fields in `flags` (see `attemptUpdateFlags`). */
  attemptUpdate(flags: number): Database.Statement {
    let statement = this.attemptUpdates[flags];
    if (!statement) {
      statement = this.db.prepare(attemptUpdateSql(flags));
      this.attemptUpdates[flags] = statement;
    }
    return statement;
  }
}
