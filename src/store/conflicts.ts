/**
 * The `StoreConflictError`s both back-ends throw, written once so that a conflict reads the same
 * whichever store found it (callers and the conformance suite match on these messages).
 */
import { StoreConflictError } from './errors.js';
import type { AttemptUpdate } from './attempt-update.js';
import type { TaskChange, WorkflowChange } from './store.js';

export function workflowExists(id: string): StoreConflictError {
  return new StoreConflictError(`Workflow ${id} already exists.`, id);
}

export function tokenExists(id: string): StoreConflictError {
  return new StoreConflictError(`Token ${id} already exists.`);
}

/** `key` is an attempt's primary key: workflow id, task index, attempt number. */
export function attemptExists(key: readonly [string, number, number]): StoreConflictError {
  return new StoreConflictError(
    `Attempt ${key[2]} of task ${key[1]} in workflow ${key[0]} already exists.`,
    key[0],
  );
}

/** An attempt inserted twice, when the back-end cannot name it; `detail` is what the database said. */
export function attemptInsertedTwice(detail?: string): StoreConflictError {
  const more = detail === undefined ? '.' : `: ${detail}`;
  return new StoreConflictError(`An attempt inserted already exists${more}`);
}

export function attemptMissing(u: AttemptUpdate): StoreConflictError {
  return new StoreConflictError(
    `Attempt ${u.number} of task ${u.taskIdx} in workflow ${u.workflowId} does not exist: ` +
      `cannot set its status to ${u.status}.`,
    u.workflowId,
  );
}

/** `row` is the task as it is now (its name and state), undefined if there is no such task. */
export function taskConflict(
  change: TaskChange,
  row: { name: string; state: string } | undefined,
): StoreConflictError {
  const move = `${change.from} → ${change.to}`;
  if (!row) {
    return new StoreConflictError(
      `Task ${change.idx} of workflow ${change.workflowId} does not exist: cannot apply ${move}.`,
      change.workflowId,
    );
  }
  return new StoreConflictError(
    `Task ${change.idx} (${row.name}) of workflow ${change.workflowId} is ${row.state}, not ${change.from}: ` +
      `cannot apply ${move} (another writer changed it first).`,
    change.workflowId,
  );
}

/** `state` is the workflow's state now, undefined if there is no such workflow. */
export function workflowConflict(change: WorkflowChange, state: string | undefined): StoreConflictError {
  const move = `${change.from} → ${change.to}`;
  if (state === undefined) {
    return new StoreConflictError(`Workflow ${change.id} does not exist: cannot apply ${move}.`, change.id);
  }
  return new StoreConflictError(
    `Workflow ${change.id} is ${state}, not ${change.from}: cannot apply ${move} (another writer changed it first).`,
    change.id,
  );
}

/** The database aborted one of two writers racing for the same rows (a deadlock, say). */
export function writersRaced(reason: string): StoreConflictError {
  return new StoreConflictError(`Another writer changed the same rows at once: ${reason}`);
}
