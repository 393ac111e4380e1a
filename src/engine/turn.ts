/**
 * One turn's change set: everything the loop will commit in one transaction, and what to do only
 * once that transaction has succeeded. Shared by the modules that fill it so that none of them can
 * act before the commit: their side effects go into `after`, each under the workflow it acts for,
 * so that a turn whose commit refused some workflows (their lease was lost) can be committed again
 * without them (`without`).
 */
import type { AttemptWrite, TaskChange, WorkflowChange } from '../store/store.js';
import type { TaskRuntime, WorkflowRuntime } from './workflow-runtime.js';

/** A request applied in a turn: answered once it is committed, or rejected if it is not. */
export interface TurnRequest {
  resolve: () => void;
  reject: (e: Error) => void;
  /** The workflow it acts on, if one. */
  workflowId?: string | undefined;
}

/** Everything one turn will commit, and what to do once it is committed. */
export class Turn {
  readonly tasks: TaskChange[] = [];
  readonly attempts: AttemptWrite[] = [];
  readonly workflows: WorkflowChange[] = [];
  readonly touched = new Set<TaskRuntime>();
  readonly after: Array<{ workflowId: string; run: () => void }> = [];
  readonly requests: TurnRequest[] = [];
  /** Workflows this turn stops driving (finished or interrupted), until it is committed. */
  readonly letGo = new Map<string, WorkflowRuntime>();
  get empty(): boolean {
    return this.tasks.length === 0 && this.attempts.length === 0 && this.workflows.length === 0;
  }

  /** Queues `run` for once the turn is committed, as an action for `workflowId`. */
  afterCommit(workflowId: string, run: () => void): void {
    this.after.push({ workflowId, run });
  }

  /**
   * The same turn without anything for the workflows in `lost`: their changes, actions and requests
   * (the requests left out are returned, to be rejected).
   */
  without(lost: ReadonlySet<string>): { turn: Turn; dropped: TurnRequest[] } {
    const turn = new Turn();
    turn.tasks.push(...this.tasks.filter((t) => !lost.has(t.workflowId)));
    turn.attempts.push(
      ...this.attempts.filter((a) => !lost.has(a.kind === 'insert' ? a.attempt.workflowId : a.workflowId)),
    );
    turn.workflows.push(...this.workflows.filter((w) => !lost.has(w.id)));
    turn.after.push(...this.after.filter((a) => !lost.has(a.workflowId)));
    for (const [id, wf] of this.letGo) if (!lost.has(id)) turn.letGo.set(id, wf);
    const dropped: TurnRequest[] = [];
    for (const r of this.requests) {
      if (r.workflowId !== undefined && lost.has(r.workflowId)) dropped.push(r);
      else turn.requests.push(r);
    }
    return { turn, dropped };
  }
}
