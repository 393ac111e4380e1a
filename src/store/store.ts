/**
 * The `Store` contract: everything the engine persists, behind one small interface that SQLite
 * (embedded default) and PostgreSQL both implement and one conformance suite checks
 * (`store-conformance.ts`).
 *
 * Rules every implementation keeps:
 * - `commit` is one transaction: every task/workflow state change it carries is applied only if the
 *   row is still in the `from` state it names (optimistic concurrency), and each change appends
 *   exactly one row to the append-only event log. If any change does not match, nothing is written
 *   and `StoreConflictError` is thrown.
 * - Times are epoch milliseconds given by the caller; the store never reads the clock, so that
 *   tests and the simulator control time.
 * - JSON columns (specs, handles) round-trip exactly.
 *
 * @example
 * const store = await openStore({ url: 'sqlite:.strata/strata.db' });
 * await store.createWorkflow(workflow, tasks);
 * await store.commit({ tasks: [{ workflowId, idx: 0, from: 'ready', to: 'queued', at: Date.now() }] });
 */
import type {
  AttemptOutcome,
  AttemptStatus,
  FailurePolicy,
  Role,
  TaskSpec,
  TaskState,
  WorkflowSpec,
  WorkflowState,
} from '../model/index.js';

export interface WorkflowRecord {
  id: string;
  name: string;
  state: WorkflowState;
  failurePolicy: FailurePolicy;
  /** The workflow-level part of the spec; each task's own spec is in its task record. */
  spec: WorkflowSettings;
  /** Absolute directory relative paths in the spec are resolved against. */
  baseDir: string;
  /** Where the spec came from (a file path, or `api`). */
  source: string;
  taskCount: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** The engine instance that currently drives this workflow, and until when its lease holds. */
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** Who submitted it: `name (token id)` of an API token, or `local` for the embedded CLI. */
  submittedBy: string;
}

export interface TaskRecord {
  workflowId: string;
  /** Position of the task in `spec.tasks`; (workflowId, idx) is the task's key. */
  idx: number;
  name: string;
  state: TaskState;
  /** Number of the latest attempt (0 before the first one). */
  attempt: number;
  /** Earliest time the task may be dispatched (retry backoff); 0 means at once. */
  readyAt: number;
  /**
   * Attempts numbered up to this one do not count against the retry budget: a manual `retry` or
   * `resume` sets it to the current attempt, giving the task its full budget again. 0 by default.
   */
  retryBase: number;
  /** Indices of the tasks this one depends on. */
  deps: number[];
  spec: TaskSpec;
  updatedAt: number;
  /**
   * Memory the next attempt asks for when the engine raised it after an out-of-memory failure;
   * null = the spec's request.
   */
  memoryBytes: number | null;
}

export interface AttemptRecord {
  workflowId: string;
  taskIdx: number;
  number: number;
  status: AttemptStatus;
  executor: string;
  node: string | null;
  /** Executor-specific, JSON-serialisable way to find the attempt again after a restart. */
  handle: string | null;
  queuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  cpuTimeMs: number | null;
  peakRssBytes: number | null;
  stdoutPath: string | null;
  stderrPath: string | null;
  message: string | null;
}

export interface EventRecord {
  /** Strictly increasing position in the log. */
  seq: number;
  workflowId: string;
  /** null for workflow-level events. */
  taskIdx: number | null;
  attempt: number | null;
  /** null for the event that creates a workflow. */
  from: string | null;
  to: string;
  at: number;
  reason: string | null;
  /**
   * Present on audit events only (`kind: 'audit'`): who did it (`actor`); `to` is then the action
   * (`submit`, `cancel`, ..., `token-create`) and `reason` its target and outcome. Transitions of
   * tasks and workflows carry neither field.
   */
  kind?: 'audit';
  actor?: string;
}

/** An audit event to append: a state-changing API request, who made it and on what. */
export interface NewAuditEvent {
  /** The workflow it acted on; '' for requests on no workflow (tokens). */
  workflowId: string;
  actor: string;
  /** `submit`, `cancel`, `retry`, `resume`, `token-create`, `token-revoke`. */
  action: string;
  /** What it acted on and how it ended, for people (`task work[3] → 200`). */
  detail: string;
  at: number;
}

/** An API token. The secret itself is never stored: `hash` is its scrypt hash with a per-token salt. */
export interface TokenRecord {
  /** Public part of the token, its key: `strata_<id>_<secret>`. */
  id: string;
  name: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` (base64url), see src/server/token-secrets.ts. */
  hash: string;
  createdAt: number;
  /** null = never expires. */
  expiresAt: number | null;
  /** null = not revoked. */
  revokedAt: number | null;
}

/**
 * The normalised spec without its tasks: a workflow row stays small however many tasks it has
 * (listing workflows never reads task specs).
 */
export type WorkflowSettings = Omit<WorkflowSpec, 'tasks'>;

export interface NewWorkflow {
  id: string;
  name: string;
  failurePolicy: FailurePolicy;
  spec: WorkflowSettings;
  baseDir: string;
  source: string;
  createdAt: number;
  /** Default `local`. */
  submittedBy?: string;
}

export interface NewTask {
  idx: number;
  name: string;
  state: Extract<TaskState, 'pending' | 'ready'>;
  deps: number[];
  spec: TaskSpec;
}

export interface TaskChange {
  workflowId: string;
  idx: number;
  from: TaskState;
  to: TaskState;
  at: number;
  /** New attempt number, when the change starts one (ready → queued). */
  attempt?: number;
  readyAt?: number;
  retryBase?: number;
  /** New memory request (bytes) for the task's next attempts (see `TaskRecord.memoryBytes`). */
  memoryBytes?: number;
  reason?: string;
}

export interface WorkflowChange {
  id: string;
  from: WorkflowState;
  to: WorkflowState;
  at: number;
  reason?: string;
}

export type AttemptWrite =
  | { kind: 'insert'; attempt: AttemptRecord }
  | {
      kind: 'update';
      workflowId: string;
      taskIdx: number;
      number: number;
      status: AttemptStatus;
      node?: string | null;
      handle?: string | null;
      startedAt?: number | null;
      stdoutPath?: string | null;
      stderrPath?: string | null;
      outcome?: AttemptOutcome;
    };

/**
 * One transaction's worth of changes. Order inside: attempts, then tasks, then workflows.
 * The engine puts at most one change per task and per workflow in one change set (so that an
 * implementation may apply each list as one multi-row statement).
 */
export interface ChangeSet {
  /**
   * Lease fencing: the engine writing this set. When given, every workflow the set touches must be
   * leased by this owner (its lease may have run out, as long as nobody took it since), or nothing
   * is written and `StoreLeaseLostError` names the workflows lost. The check and the writes are one
   * transaction, so a lease taken over concurrently is seen by one side or the other, never both.
   */
  owner?: string;
  tasks?: TaskChange[];
  attempts?: AttemptWrite[];
  workflows?: WorkflowChange[];
}

export interface TaskFilter {
  states?: TaskState[];
  limit?: number;
  offset?: number;
  /** Only tasks with a greater idx (keyset paging: the idx of the last task of the previous page). */
  afterIdx?: number;
}

export interface WorkflowFilter {
  states?: WorkflowState[];
  /** Only workflows with exactly this name. */
  name?: string;
  limit?: number;
  /**
   * Only workflows after this one in the list's order (newest first: created earlier, or at the same
   * time with a smaller id). Keyset paging: the last workflow of the previous page.
   */
  before?: { createdAt: number; id: string };
}

/** Keyset paging of attempts, in their order (task idx, then number). */
export interface AttemptPage {
  /** Only attempts after this one. */
  after?: { taskIdx: number; number: number };
  limit?: number;
}

export interface EventFilter {
  workflowId?: string;
  afterSeq?: number;
  limit?: number;
}

export interface Store {
  /** `sqlite` or `postgres`. */
  readonly dialect: string;
  /** Applies the numbered migrations not yet applied; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Writes the workflow (state `running`), all its tasks and a `submitted` event in one transaction. */
  createWorkflow(workflow: NewWorkflow, tasks: NewTask[]): Promise<WorkflowRecord>;
  getWorkflow(id: string): Promise<WorkflowRecord | undefined>;
  /** Newest first. */
  listWorkflows(filter?: WorkflowFilter): Promise<WorkflowRecord[]>;

  /** Ordered by idx. */
  listTasks(workflowId: string, filter?: TaskFilter): Promise<TaskRecord[]>;
  getTask(workflowId: string, idx: number): Promise<TaskRecord | undefined>;
  getTaskByName(workflowId: string, name: string): Promise<TaskRecord | undefined>;
  countTasksByState(workflowId?: string): Promise<Partial<Record<TaskState, number>>>;

  /** Ordered by task idx, then attempt number. */
  listAttempts(workflowId: string, taskIdx?: number, page?: AttemptPage): Promise<AttemptRecord[]>;
  /** Attempts in status `queued` or `running`, across all workflows (recovery). */
  listOpenAttempts(workflowId?: string): Promise<AttemptRecord[]>;

  /**
   * Applies a change set in one transaction; throws `StoreConflictError` (and writes nothing) on a
   * stale `from`, `StoreLeaseLostError` when `changes.owner` no longer holds a workflow it touches.
   */
  commit(changes: ChangeSet): Promise<void>;

  /** Ordered by seq. */
  listEvents(filter?: EventFilter): Promise<EventRecord[]>;

  /**
   * Takes the lease on a workflow for `owner` until `now + ttlMs` if it is free, expired, already
   * held by `owner`, or held by `stealFrom` (an owner the caller knows is dead). Returns whether the
   * caller now holds it.
   */
  acquireLease(
    workflowId: string,
    owner: string,
    now: number,
    ttlMs: number,
    stealFrom?: string,
  ): Promise<boolean>;
  /**
   * Extends every lease `owner` holds to `now + ttlMs`; returns the ids of those workflows (the
   * leases it still holds), in no particular order. One missing from the list was taken over.
   */
  renewLeases(owner: string, now: number, ttlMs: number): Promise<string[]>;
  releaseLease(workflowId: string, owner: string): Promise<void>;

  /** Stores a new token; `StoreConflictError` if its id exists. */
  createToken(token: TokenRecord): Promise<void>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** Oldest first, revoked and expired ones included. */
  listTokens(): Promise<TokenRecord[]>;
  /**
   * Marks a token revoked at `at` (a token revoked before keeps its first time); returns the record
   * after the change, or undefined when there is no such token.
   */
  revokeToken(id: string, at: number): Promise<TokenRecord | undefined>;

  /** Appends an audit event to the event log (same `seq` order as transitions). */
  appendAudit(event: NewAuditEvent): Promise<EventRecord>;
  /** Audit events only, ordered by seq. */
  listAudit(filter?: { afterSeq?: number; limit?: number }): Promise<EventRecord[]>;
}
