/** What an `Engine` is built with, and what it emits. */
import type { Executor } from '../executors/executor.js';
import type { Scheduler } from '../scheduler/index.js';
import type { Store, TaskChange, WorkflowChange } from '../store/store.js';
import type { AttemptEndedInfo } from './attempt-launcher.js';

/** Hooks for metrics (the server wires prom-client to these). */
export interface EngineObserver {
  committed?(changes: { tasks: readonly TaskChange[]; workflows: readonly WorkflowChange[] }): void;
  attemptEnded?(info: AttemptEndedInfo): void;
}

export interface EngineOptions {
  store: Store;
  executor: Executor;
  /** Where attempt logs go: `<stateDir>/logs/<workflow>/<task>.<attempt>/`. */
  stateDir: string;
  scheduler?: Scheduler;
  /** Lease owner id; default `host:pid:start` of this process. */
  owner?: string;
  leaseTtlMs?: number;
  /** Most tasks considered for dispatch per turn. */
  maxDispatchPerTurn?: number;
  clock?: () => number;
  random?: () => number;
  observer?: EngineObserver;
}

/** Emitted after each committed turn, with the changes it carried (progress bars, live views). */
export interface TurnEvent {
  kind: 'turn';
  tasks: readonly TaskChange[];
  workflows: readonly WorkflowChange[];
}

/** A workflow this engine stopped driving without finishing it (its lease was lost, or a conflict). */
export interface DroppedEvent {
  workflowId: string;
  reason: string;
}
