/**
 * The numbered schema migrations of both stores, oldest first. Each store applies the ones a database
 * has not seen yet, in order, inside one transaction, and records each in `schema_migrations`.
 *
 * Rules: never edit or renumber a migration that has shipped — add a new one. Each migration carries
 * the same schema in both dialects; the only deliberate differences are types (SQLite INTEGER/TEXT vs
 * PostgreSQL bigint/text/double precision) and the identity column of `events`.
 *
 * Kept as TypeScript, not `.sql` files, so that `tsc` ships them in `dist` with nothing to copy.
 *
 * @example
 * const pending = pendingMigrations([1]); // the migrations after version 1
 */

export interface Migration {
  /** 1, 2, 3, ... with no gaps. */
  version: number;
  /** A few words saying what the migration does. */
  name: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    // Tasks are split in two tables: the engine rewrites a task's state several times, never its
    // spec. task_specs and attempts carry no foreign key: they are written only by this store, with
    // or after their task in one transaction, and on PostgreSQL the per-row key check (which also
    // locks the task row) cost a third of commit throughput. JSON (specs, deps) is kept as text on both sides: it round-trips byte for byte, whereas
    // PostgreSQL's jsonb would reorder keys. No CHECK on state columns: the allowed states live in
    // src/model/states.ts alone, and SQLite cannot change a CHECK without rebuilding the table.
    sqlite: `
CREATE TABLE workflows (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  failure_policy TEXT NOT NULL,
  spec TEXT NOT NULL,
  base_dir TEXT NOT NULL,
  source TEXT NOT NULL,
  task_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER
);
CREATE INDEX workflows_created_idx ON workflows (created_at DESC, id DESC);
CREATE INDEX workflows_state_idx ON workflows (state, created_at DESC, id DESC);
CREATE INDEX workflows_lease_owner_idx ON workflows (lease_owner) WHERE lease_owner IS NOT NULL;

-- A task's hot part: every state change rewrites this row, so it is kept small.
CREATE TABLE tasks (
  workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  ready_at INTEGER NOT NULL,
  retry_base INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workflow_id, idx)
) WITHOUT ROWID;
-- idx last: listing a workflow's tasks in some states comes out in idx order, and a lookup by
-- (workflow_id, idx, state) is exact through either index (PostgreSQL was seen picking this one).
CREATE INDEX tasks_state_idx ON tasks (workflow_id, state, idx);

-- What never changes after submission.
CREATE TABLE task_specs (
  workflow_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,
  deps TEXT NOT NULL,
  spec TEXT NOT NULL,
  PRIMARY KEY (workflow_id, idx)
);
CREATE UNIQUE INDEX task_specs_name_idx ON task_specs (workflow_id, name);

CREATE TABLE attempts (
  workflow_id TEXT NOT NULL,
  task_idx INTEGER NOT NULL,
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  executor TEXT NOT NULL,
  node TEXT,
  handle TEXT,
  queued_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  exit_code INTEGER,
  signal TEXT,
  cpu_time_ms REAL,
  peak_rss_bytes INTEGER,
  stdout_path TEXT,
  stderr_path TEXT,
  message TEXT,
  PRIMARY KEY (workflow_id, task_idx, number)
) WITHOUT ROWID;
CREATE INDEX attempts_open_idx ON attempts (workflow_id, task_idx, number)
  WHERE status IN ('queued', 'running');

-- AUTOINCREMENT: a seq is never handed out twice, even after the newest events are deleted, so
-- that a reader tailing the log with afterSeq never skips or repeats one.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow_id TEXT NOT NULL,
  task_idx INTEGER,
  attempt INTEGER,
  from_state TEXT,
  to_state TEXT NOT NULL,
  at INTEGER NOT NULL,
  reason TEXT
);
CREATE INDEX events_workflow_idx ON events (workflow_id, seq);
`,
    postgres: `
CREATE TABLE workflows (
  id text PRIMARY KEY,
  name text NOT NULL,
  state text NOT NULL,
  failure_policy text NOT NULL,
  spec text NOT NULL,
  base_dir text NOT NULL,
  source text NOT NULL,
  task_count integer NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint,
  lease_owner text,
  lease_expires_at bigint
);
CREATE INDEX workflows_created_idx ON workflows (created_at DESC, id DESC);
CREATE INDEX workflows_state_idx ON workflows (state, created_at DESC, id DESC);
CREATE INDEX workflows_lease_owner_idx ON workflows (lease_owner) WHERE lease_owner IS NOT NULL;

-- A task's hot part. A state change cannot be a HOT update (state is indexed), so every one writes
-- a new row version and an entry in each index: few columns and two indexes keep that cheap.
CREATE TABLE tasks (
  workflow_id text NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  idx integer NOT NULL,
  state text NOT NULL,
  attempt integer NOT NULL,
  ready_at bigint NOT NULL,
  retry_base integer NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (workflow_id, idx)
);
-- idx last: listing a workflow's tasks in some states comes out in idx order, and a lookup by
-- (workflow_id, idx, state) is exact through either index (PostgreSQL was seen picking this one).
CREATE INDEX tasks_state_idx ON tasks (workflow_id, state, idx);

-- What never changes after submission.
CREATE TABLE task_specs (
  workflow_id text NOT NULL,
  idx integer NOT NULL,
  name text NOT NULL,
  deps text NOT NULL,
  spec text NOT NULL,
  PRIMARY KEY (workflow_id, idx)
);
CREATE UNIQUE INDEX task_specs_name_idx ON task_specs (workflow_id, name);

CREATE TABLE attempts (
  workflow_id text NOT NULL,
  task_idx integer NOT NULL,
  number integer NOT NULL,
  status text NOT NULL,
  executor text NOT NULL,
  node text,
  handle text,
  queued_at bigint NOT NULL,
  started_at bigint,
  ended_at bigint,
  exit_code integer,
  signal text,
  cpu_time_ms double precision,
  peak_rss_bytes bigint,
  stdout_path text,
  stderr_path text,
  message text,
  PRIMARY KEY (workflow_id, task_idx, number)
);
CREATE INDEX attempts_open_idx ON attempts (workflow_id, task_idx, number)
  WHERE status IN ('queued', 'running');

CREATE TABLE events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workflow_id text NOT NULL,
  task_idx integer,
  attempt integer,
  from_state text,
  to_state text NOT NULL,
  at bigint NOT NULL,
  reason text
);
CREATE INDEX events_workflow_idx ON events (workflow_id, seq);
`,
  },
  {
    version: 2,
    name: 'workflows by name',
    // `strata status NAME` and every command that takes a workflow by name look up the newest one.
    sqlite: 'CREATE INDEX workflows_name_idx ON workflows (name, created_at DESC, id DESC);',
    postgres: 'CREATE INDEX workflows_name_idx ON workflows (name, created_at DESC, id DESC);',
  },
  {
    version: 3,
    name: 'task memory request',
    // The memory the engine asks for after an out-of-memory failure, kept with the task's state so
    // that a restart does not fall back to the spec's request (and fail once more). NULL = the spec's.
    sqlite: 'ALTER TABLE tasks ADD COLUMN memory_bytes INTEGER;',
    postgres: 'ALTER TABLE tasks ADD COLUMN memory_bytes bigint;',
  },
  {
    version: 4,
    name: 'api tokens, submitter and audit events',
    // Tokens are found by id and checked against `hash` (scrypt, per-token salt; never the secret).
    // `submitted_by` names who submitted a workflow (`local` for the embedded CLI). Audit events
    // share the append-only log with the transitions: `kind` tells them apart, `actor` says who.
    sqlite: `
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
ALTER TABLE workflows ADD COLUMN submitted_by TEXT NOT NULL DEFAULT 'local';
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'transition';
ALTER TABLE events ADD COLUMN actor TEXT;
CREATE INDEX events_audit_idx ON events (seq) WHERE kind = 'audit';
`,
    postgres: `
CREATE TABLE tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  hash text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint,
  revoked_at bigint
);
ALTER TABLE workflows ADD COLUMN submitted_by text NOT NULL DEFAULT 'local';
ALTER TABLE events ADD COLUMN kind text NOT NULL DEFAULT 'transition';
ALTER TABLE events ADD COLUMN actor text;
CREATE INDEX events_audit_idx ON events (seq) WHERE kind = 'audit';
`,
  },
];

/** The newest schema version this build of Strata knows. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;

/**
 * The migrations still to apply to a database that has `applied` versions, in order. Throws when the
 * database is newer than this build (a downgrade): running old code on a newer schema could corrupt it.
 */
export function pendingMigrations(applied: readonly number[]): Migration[] {
  const newest = Math.max(0, ...applied);
  if (newest > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `The database schema is at version ${newest}, but this build of Strata only knows versions up to ` +
        `${LATEST_SCHEMA_VERSION}. Upgrade Strata, or point it at another database.`,
    );
  }
  const done = new Set(applied);
  return MIGRATIONS.filter((m) => !done.has(m.version));
}
