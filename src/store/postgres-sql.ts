/**
 * The SQL of the PostgreSQL store. Each write is one statement over whole columns of rows (arrays
 * expanded server-side with `unnest`), so a commit costs a constant number of round trips.
 */
import { SET_HANDLE, SET_NODE, SET_OUTCOME, SET_STARTED, SET_STDERR, SET_STDOUT } from './attempt-update.js';
import {
  ATTEMPT_COLUMNS,
  EVENT_COLUMNS,
  TASK_SELECT,
  TOKEN_COLUMNS,
  WORKFLOW_COLUMNS,
  WORKFLOW_INSERT_COLUMNS,
} from './rows.js';

/** Advisory lock classes (first key of the two-key form); the second key is a hash of the schema. */
export const LOCK_MIGRATE = 727_100_001;
const LOCK_EVENTS = 727_100_002;

export const SQL = {
  // Binds `workflowValues`: the creation time ($8) is updated_at too.
  insertWorkflow:
    `INSERT INTO workflows (${WORKFLOW_INSERT_COLUMNS}) ` +
    `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, 'running')`,
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
  renewLeases: 'UPDATE workflows SET lease_expires_at = $2 WHERE lease_owner = $1 RETURNING id',
  // Locks the rows a fenced commit writes (in id order): a take-over waits for the commit, or the
  // commit sees the new owner.
  leaseOwners: 'SELECT id, lease_owner FROM workflows WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
  releaseLease:
    'UPDATE workflows SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2',
  // One statement, so the event lock is held until it commits, as for the transitions' events.
  insertAudit: `
WITH lock AS (SELECT pg_advisory_xact_lock(${LOCK_EVENTS}, hashtext($1)))
INSERT INTO events (workflow_id, task_idx, attempt, from_state, to_state, at, reason, kind, actor)
SELECT $2, NULL, NULL, NULL, $3, $4, $5, 'audit', $6 FROM lock
RETURNING ${EVENT_COLUMNS}`,
  listAudit: `SELECT ${EVENT_COLUMNS} FROM events WHERE kind = 'audit' AND seq > $1 ORDER BY seq LIMIT $2`,
  insertToken: `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  getToken: `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = $1`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id`,
  revokeToken: `UPDATE tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
} as const;

/**
 * Every write of ours joins a few hundred or thousand keys (an unnest) to their rows by primary key,
 * which a nested loop over the index does in O(keys). Left free, the planner often prefers hashing
 * the whole table, O(table) per commit, which is several times slower by 30,000 tasks and grows
 * without bound. Sent in the same round trip as BEGIN, and scoped to the transaction.
 */
export const BEGIN = 'BEGIN; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off';
