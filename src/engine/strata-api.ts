/**
 * What a user can ask of Strata, as one interface: the CLI talks to it, the HTTP server exposes it,
 * and it has two implementations — `ControlPlane` (in-process engine and store: embedded mode) and
 * `HttpClient` (a remote `strata server`). Keeping both behind one interface is what makes every
 * CLI command work the same with and without `--server`.
 */
import type { TaskState } from '../model/index.js';
import type { AttemptRecord, EventRecord, TaskRecord, WorkflowRecord } from '../store/store.js';
import type { Page } from './pages.js';

export type { Page } from './pages.js';

export type WorkflowView = Omit<WorkflowRecord, 'spec'> & { counts: Record<TaskState, number> };

export interface TaskDetail {
  task: TaskRecord;
  attempts: AttemptRecord[];
}

export interface SubmitInput {
  /** The workflow spec as YAML or JSON text. */
  text: string;
  /** Where it came from, for messages (a path, or `api`). */
  file: string;
  /** Absolute directory relative paths in the spec are resolved against (on the engine's machine). */
  baseDir: string;
  /**
   * Who submits it (`WorkflowRecord.submittedBy`); default `local`. Set by the server from the
   * request's token, never taken from a request body.
   */
  submittedBy?: string;
}

export interface LogRequest {
  /** Default: the latest attempt. */
  attempt?: number;
  stream: 'stdout' | 'stderr';
  /** Return at most this many bytes from the end; default and most `MAX_LOG_TAIL_BYTES`. */
  tailBytes?: number;
}

/** The HTTP header a log answer carries: `true` when the log holds more than the text sent. */
export const LOG_TRUNCATED_HEADER = 'x-strata-truncated';

/** Most bytes of a log one read returns (and the default). */
export const MAX_LOG_TAIL_BYTES = 1024 * 1024;

export interface LogTail {
  text: string;
  /** Whether the log holds more than `text`: its beginning was left out. */
  truncated: boolean;
}

/** Paging of a list: `limit` items at most (default 100, at most 1,000), after `cursor`. */
export interface PageRequest {
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface WatchOptions {
  /** Only events after this one (its `seq`); default 0, every event of the workflow. */
  afterSeq?: number;
  /** Ends the stream, quietly, when aborted (as a `break` out of the loop does). */
  signal?: AbortSignal;
}

export interface StrataApi {
  submit(input: SubmitInput): Promise<WorkflowView>;
  /** Newest first, a page at a time. */
  listWorkflows(filter?: { states?: WorkflowRecord['state'][] } & PageRequest): Promise<Page<WorkflowView>>;
  /** By id, or by name (the most recent workflow of that name). */
  getWorkflow(ref: string): Promise<WorkflowView>;
  /** In spec order (idx), a page at a time. */
  listTasks(ref: string, filter?: { states?: TaskState[] } & PageRequest): Promise<Page<TaskRecord>>;
  getTask(ref: string, task: string): Promise<TaskDetail>;
  /** A workflow's attempts (or one task's), by task idx then number, a page at a time. */
  listAttempts(ref: string, filter?: { task?: string } & PageRequest): Promise<Page<AttemptRecord>>;
  readLog(ref: string, task: string, request: LogRequest): Promise<LogTail>;
  cancel(ref: string): Promise<WorkflowView>;
  retry(ref: string, task: string): Promise<WorkflowView>;
  resume(ref: string): Promise<WorkflowView>;
  /** Oldest first, after `afterSeq` (or the cursor), a page at a time. */
  listEvents(ref: string, filter?: { afterSeq?: number } & PageRequest): Promise<Page<EventRecord>>;
  /**
   * The workflow's events as they are committed, oldest first: those stored already (after
   * `afterSeq`), then each new one. Ends once the workflow is in a final state (succeeded, failed,
   * cancelled) and its events up to that state were given, or when the caller breaks or aborts.
   * A workflow that is merely interrupted stays `running`: the stream goes on until someone finishes
   * it or the caller stops.
   */
  watch(ref: string, options?: WatchOptions): AsyncIterable<EventRecord>;
}
