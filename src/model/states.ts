/**
 * Task and workflow state machines. The table of allowed transitions is the single source of
 * truth: the engine refuses any other move, and the store writes one event per move.
 */

export const TASK_STATES = [
  'pending',
  'ready',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'upstream-failed',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** A count of zero for every task state (a fresh object each call). */
export function emptyTaskCounts(): Record<TaskState, number> {
  return Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
}

export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'upstream-failed',
]);

/** Allowed task transitions. `running → ready` and `queued → ready` are retries (a new attempt follows). */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['ready', 'cancelled', 'upstream-failed'],
  // ready → failed: the task can never fit on any node (unschedulable).
  ready: ['queued', 'failed', 'cancelled', 'upstream-failed'],
  // queued → succeeded/failed: the attempt ran and ended while no engine recorded its start (it was
  // re-attached after a crash and found finished).
  queued: ['running', 'succeeded', 'ready', 'failed', 'cancelled'],
  running: ['succeeded', 'failed', 'ready', 'cancelled'],
  succeeded: [],
  // A failed, cancelled or upstream-failed task comes back through `retry` / `resume`.
  failed: ['pending', 'ready'],
  cancelled: ['pending', 'ready'],
  'upstream-failed': ['pending', 'ready', 'cancelled'],
};

export function isTaskTransitionAllowed(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

export const WORKFLOW_STATES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/** Allowed workflow transitions: a finished workflow comes back to `running` through retry/resume. */
export const WORKFLOW_TRANSITIONS: Readonly<Record<WorkflowState, readonly WorkflowState[]>> = {
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: ['running'],
  cancelled: ['running'],
};

export const TERMINAL_WORKFLOW_STATES: ReadonlySet<WorkflowState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
]);

export type FailurePolicy = 'fail-fast' | 'continue';
