/**
 * The engine's in-memory mirror of the workflows it drives: the DAG with dependents, per-task
 * state and the counters that make every decision O(1). The store stays the single source of
 * truth: this mirror is rebuilt from it on every start (see `loadRuntime`), and changed only
 * together with a change set that is committed before anything acts on it.
 */
import { emptyTaskCounts, TERMINAL_TASK_STATES } from '../model/index.js';
import type { Resources, TaskSpec, TaskState, WorkflowState } from '../model/index.js';
import type { AttemptRecord, TaskRecord, WorkflowRecord } from '../store/store.js';

export interface TaskRuntime {
  readonly idx: number;
  readonly name: string;
  readonly spec: TaskSpec;
  readonly deps: readonly number[];
  readonly dependents: number[];
  state: TaskState;
  attempt: number;
  readyAt: number;
  retryBase: number;
  /** Deps not yet succeeded. */
  remaining: number;
  /** Failed or timed-out attempts since `retryBase` (count against the budget). */
  failures: number;
  /** Lost attempts since `retryBase` (infrastructure: do not count against the budget, up to a cap). */
  lost: number;
  /**
   * Memory the next attempt asks for: the spec's, grown after an attempt ran out of memory. Kept in
   * memory only: after an engine restart it starts from the spec again (one more out-of-memory
   * attempt at most before it grows back).
   */
  memoryBytes: number;
}

export type StopMode = 'cancel' | 'fail-fast' | 'interrupt';

export interface WorkflowRuntime {
  record: WorkflowRecord;
  readonly tasks: TaskRuntime[];
  /** Tasks not in a terminal state. */
  open: number;
  /** Attempts in flight (queued or running in an executor). */
  active: number;
  /** Set when the workflow is being stopped: no more dispatching, in-flight attempts are killed. */
  stopping: StopMode | null;
  /** Resolved when the workflow reaches a terminal state, or is interrupted. */
  waiters: Array<(state: WorkflowState | 'interrupted') => void>;
}

export function countsOf(wf: WorkflowRuntime): Record<TaskState, number> {
  const counts = emptyTaskCounts();
  for (const t of wf.tasks) counts[t.state] += 1;
  return counts;
}

/** The state a finished workflow ends in, derived from its tasks. */
export function finalState(wf: WorkflowRuntime): WorkflowState {
  let cancelled = false;
  for (const t of wf.tasks) {
    if (t.state === 'failed' || t.state === 'upstream-failed') return 'failed';
    if (t.state === 'cancelled') cancelled = true;
  }
  return cancelled ? 'cancelled' : 'succeeded';
}

/** Counts failures and losses per task since its retry base, from the attempt history. */
function attemptTallies(attempts: readonly AttemptRecord[], tasks: readonly TaskRecord[]) {
  const failures = new Map<number, number>();
  const lost = new Map<number, number>();
  for (const a of attempts) {
    const task = tasks[a.taskIdx];
    if (!task || a.number <= task.retryBase) continue;
    if (a.status === 'failed' || a.status === 'timed-out')
      failures.set(a.taskIdx, (failures.get(a.taskIdx) ?? 0) + 1);
    if (a.status === 'lost') lost.set(a.taskIdx, (lost.get(a.taskIdx) ?? 0) + 1);
  }
  return { failures, lost };
}

export function loadRuntime(
  record: WorkflowRecord,
  tasks: readonly TaskRecord[],
  attempts: readonly AttemptRecord[],
): WorkflowRuntime {
  const { failures, lost } = attemptTallies(attempts, tasks);
  const runtime: TaskRuntime[] = tasks.map((t) => ({
    idx: t.idx,
    name: t.name,
    spec: t.spec,
    deps: t.deps,
    dependents: [],
    state: t.state,
    attempt: t.attempt,
    readyAt: t.readyAt,
    retryBase: t.retryBase,
    remaining: 0,
    failures: failures.get(t.idx) ?? 0,
    lost: lost.get(t.idx) ?? 0,
    memoryBytes: t.memoryBytes ?? t.spec.resources.memoryBytes,
  }));
  let open = 0;
  for (const t of runtime) {
    for (const d of t.deps) {
      const dep = runtime[d];
      if (!dep) throw new Error(`task ${t.name} of ${record.id} depends on missing index ${d}`);
      dep.dependents.push(t.idx);
      if (dep.state !== 'succeeded') t.remaining += 1;
    }
    if (!TERMINAL_TASK_STATES.has(t.state)) open += 1;
  }
  return { record, tasks: runtime, open, active: 0, stopping: null, waiters: [] };
}

/** Every task reachable from `start` through dependents, in index (topological) order. */
export function descendantsOf(wf: WorkflowRuntime, start: TaskRuntime): TaskRuntime[] {
  const seen = new Set<number>();
  const stack = [...start.dependents];
  while (stack.length > 0) {
    const idx = stack.pop()!;
    if (seen.has(idx)) continue;
    seen.add(idx);
    const t = wf.tasks[idx];
    if (t) stack.push(...t.dependents);
  }
  return [...seen].sort((a, b) => a - b).map((i) => wf.tasks[i]!);
}

/** What the next attempt of a task asks for: its spec's resources, with memory grown after an OOM. */
export function resourcesOf(task: TaskRuntime): Resources {
  return task.memoryBytes === task.spec.resources.memoryBytes
    ? task.spec.resources
    : { ...task.spec.resources, memoryBytes: task.memoryBytes };
}
