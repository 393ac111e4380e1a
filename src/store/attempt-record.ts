/**
 * The records a task and an attempt start as: a task with no attempt yet, an attempt queued with
 * nothing yet known about where or how it runs. One factory each, so that a new `TaskRecord` or
 * `AttemptRecord` field is added in one place rather than in every writer.
 */
import type { AttemptRecord, NewTask, TaskRecord } from './store.js';

/**
 * The record `createWorkflow` writes for a new task of workflow `workflowId` at `createdAt`: no
 * attempt yet, ready at once, its full retry budget and the spec's memory request.
 */
export function newTaskRecord(workflowId: string, task: NewTask, createdAt: number): TaskRecord {
  return {
    workflowId,
    idx: task.idx,
    name: task.name,
    state: task.state,
    attempt: 0,
    readyAt: 0,
    retryBase: 0,
    deps: task.deps,
    spec: task.spec,
    updatedAt: createdAt,
    memoryBytes: null,
  };
}

/** The fields every new attempt names; any other field may be given to override its default. */
export type NewAttemptFields = Pick<
  AttemptRecord,
  'workflowId' | 'taskIdx' | 'number' | 'executor' | 'queuedAt'
> &
  Partial<AttemptRecord>;

/**
 * A queued attempt with every field it is not given null.
 *
 * @example
 * newAttemptRecord({ workflowId: 'wf-1', taskIdx: 0, number: 1, executor: 'local', queuedAt: now })
 */
export function newAttemptRecord(fields: NewAttemptFields): AttemptRecord {
  const { workflowId, taskIdx, number, executor, queuedAt, ...given } = fields;
  // Keys in the order AttemptRecord declares them; a field given overrides its default in place.
  return {
    workflowId,
    taskIdx,
    number,
    status: 'queued',
    executor,
    node: null,
    handle: null,
    queuedAt,
    startedAt: null,
    endedAt: null,
    exitCode: null,
    signal: null,
    cpuTimeMs: null,
    peakRssBytes: null,
    stdoutPath: null,
    stderrPath: null,
    message: null,
    ...given,
  };
}
