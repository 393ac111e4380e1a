/**
 * The `Executor` contract: how the engine starts, watches and stops attempts on some back-end
 * (local processes, Slurm, Kubernetes, edge agents). Every implementation passes the shared
 * conformance suite in `executor-conformance.ts`.
 *
 * An executor never decides *what* runs or *where*: the engine and its scheduler do. It never writes
 * to the store either: it reports what happened through events, and the engine records them.
 *
 * @example
 * const executor = new LocalExecutor({ stateDir: '.strata' });
 * executor.onEvent((e) => console.log(e));
 * await executor.start(request);
 */
import type { AttemptOutcome, Command, NodeInfo, Resources } from '../model/index.js';

export interface LaunchRequest {
  /** Stable id of the attempt, unique across workflows: `${workflowId}/${taskIdx}/${attempt}`. */
  attemptId: string;
  workflowId: string;
  taskName: string;
  attempt: number;
  command: Command;
  /**
   * The task's whole environment (the engine builds it: model/task-env.ts). The executor adds
   * Strata's own variables and nothing else: never its own process environment.
   */
  env: Record<string, string>;
  /** Absolute working directory. */
  workdir: string;
  resources: Resources;
  /** The node the scheduler placed the attempt on (one of `nodes()`). */
  nodeId: string;
  /** GPU indices given to this attempt alone (exported as CUDA_VISIBLE_DEVICES). */
  gpuIds: number[];
  timeoutMs?: number;
  /** Absolute directory for this attempt's stdout/stderr and executor bookkeeping; created by the executor. */
  logDir: string;
}

export type ExecutorEvent =
  | {
      kind: 'started';
      attemptId: string;
      at: number;
      nodeId: string;
      /** What `reattach` needs to find the attempt again (JSON text). */
      handle: string;
      stdoutPath: string;
      stderrPath: string;
    }
  | { kind: 'finished'; attemptId: string; outcome: AttemptOutcome };

/**
 * What an executor can do. The conformance suite reads it to decide which of its cases apply, and
 * says so for each case that does not.
 */
export interface ExecutorCapabilities {
  /**
   * Whether it runs each attempt's command: processes that get the request's argv or shell string,
   * environment and working directory, and write the stdout and stderr files `started` names. False
   * for a test double that only pretends (`NoopExecutor`): only the event contract holds for it.
   */
  runsCommands: boolean;
  gpus: boolean;
  containers: boolean;
  /** Most attempts it can run at once (Infinity when only node capacity limits it). */
  maxTasks: number;
  /** Whether attempts outlive the engine process and can be re-attached after a crash. */
  reattach: boolean;
}

/**
 * The capabilities of an executor of real processes that outlive the engine (local, Slurm), with
 * `over` for one that differs: each executor states only where it departs from that.
 */
export function executorCapabilities(over: Partial<ExecutorCapabilities> = {}): ExecutorCapabilities {
  return { runsCommands: true, gpus: true, containers: false, maxTasks: Infinity, reattach: true, ...over };
}

export interface Executor {
  readonly name: string;
  readonly capabilities: ExecutorCapabilities;
  /** Nodes this executor offers, with their capacity (declared, or detected). */
  nodes(): Promise<NodeInfo[]>;
  /**
   * Starts an attempt. Resolves once it is launched (or has failed to launch: then a `finished`
   * event with status `failed` follows). Emits `started`, then exactly one `finished`.
   */
  start(request: LaunchRequest): Promise<void>;
  /** Stops an attempt and its whole process tree; a `finished` event with status `cancelled` follows. */
  cancel(attemptId: string, reason?: string): Promise<void>;
  /**
   * After an engine restart: finds an attempt launched by an earlier process. `handle` is what the
   * `started` event carried, or null if the engine died before recording it. Returns `attached`
   * (a `finished` event follows when it ends, at once if it already has) or `lost` (it never ran
   * or left no trace: the engine retries it).
   */
  reattach(request: LaunchRequest, handle: string | null): Promise<'attached' | 'lost'>;
  onEvent(listener: (event: ExecutorEvent) => void): void;
  /** Stops watching. Running attempts are left alone when `reattach` is supported, otherwise killed. */
  close(): Promise<void>;
}

/**
 * Reads the JSON an executor put in `started.handle`: `read` returns the handle when the parsed value
 * is one of its own, else null. Anything else (no handle, not JSON, JSON null) is no handle either:
 * a handle that is not ours is treated like a missing one.
 */
export function parseHandleJson<H>(handle: string | null, read: (value: Partial<H>) => H | null): H | null {
  if (handle === null) return null;
  let value: Partial<H> | null;
  try {
    value = JSON.parse(handle) as Partial<H> | null;
  } catch {
    return null;
  }
  return value ? read(value) : null;
}

/**
 * Hands an event to every listener. A listener's bug must not corrupt the executor's bookkeeping:
 * what it throws is re-thrown on its own tick, where it surfaces without unwinding the executor.
 */
export function notifyListeners(
  listeners: Iterable<(event: ExecutorEvent) => void>,
  event: ExecutorEvent,
): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      process.nextTick(() => {
        throw error;
      });
    }
  }
}

/** An outcome with nothing measured: for attempts that never ran, or whose end nobody saw. */
export function emptyOutcome(
  status: AttemptOutcome['status'],
  startedAt: number | null,
  endedAt: number,
): AttemptOutcome {
  return { status, exitCode: null, signal: null, startedAt, endedAt, cpuTimeMs: null, peakRssBytes: null };
}

/** The message of what was thrown: outcome messages and logs carry text, never an object. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
