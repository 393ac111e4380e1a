/**
 * The record an attempt starts as: queued, with nothing yet known about where or how it runs. One
 * factory, so that a new `AttemptRecord` field is added in one place rather than in every writer.
 */
import type { AttemptRecord } from './store.js';

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
