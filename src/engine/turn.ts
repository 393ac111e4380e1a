/**
 * One turn's change set: everything the loop will commit in one transaction, and what to do only
 * once that transaction has succeeded. Shared by the modules that fill it so that none of them can
 * act before the commit: their side effects go into `after`.
 */
import type { AttemptWrite, TaskChange, WorkflowChange } from '../store/store.js';
import type { TaskRuntime } from './workflow-runtime.js';

/** Everything one turn will commit, and what to do once it is committed. */
export class Turn {
  readonly tasks: TaskChange[] = [];
  readonly attempts: AttemptWrite[] = [];
  readonly workflows: WorkflowChange[] = [];
  readonly touched = new Set<TaskRuntime>();
  readonly after: Array<() => void> = [];
  /** Requests applied in this turn: answered once it is committed, or rejected if it is not. */
  readonly requests: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  get empty(): boolean {
    return this.tasks.length === 0 && this.attempts.length === 0 && this.workflows.length === 0;
  }
}
