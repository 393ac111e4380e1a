/**
 * The durable workflow engine. It drives each workflow it holds the lease on through the task state
 * machine (model/states.ts), asks the scheduler where ready tasks go, hands attempts to the executor,
 * and records every transition, with its event, in the store.
 *
 * How it stays fast and safe at once: one loop, many tasks per turn. Each turn gathers executor
 * reports, retries that came due and dispatchable tasks into ONE change set, commits it in one
 * transaction, and only then acts on it (starts attempts, kills them, answers waiters). A task
 * changes at most once per turn. If the process dies at any point, what was committed is the truth:
 * `adopt` rebuilds the in-memory mirror from the store, re-attaches attempts that outlived the
 * crash, and retries those that left no trace — a task that had succeeded never runs again.
 *
 * It must never: act on a change before it is committed, or hold a workflow without its lease.
 *
 * @example
 * const engine = new Engine({ store, executor, stateDir: '.strata' });
 * await engine.init();
 * const wf = await engine.submit(spec, { baseDir: process.cwd(), source: 'wf.yaml' });
 * const state = await engine.waitFor(wf.id); // 'succeeded' | 'failed' | 'cancelled' | 'interrupted'
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Executor } from '../executors/executor.js';
import { TERMINAL_WORKFLOW_STATES } from '../model/index.js';
import type { TaskState, WorkflowSpec, WorkflowState } from '../model/index.js';
import { IndexedFirstFitPolicy } from '../scheduler/index.js';
import type { NodeView } from '../scheduler/index.js';
import type { NewTask, Store, WorkflowRecord } from '../store/store.js';
import { newTaskRecord } from '../store/attempt-record.js';
import { AttemptLauncher } from './attempt-launcher.js';
import type { Reattach } from './attempt-launcher.js';
import { CapacityLedger } from './capacity-ledger.js';
import { coerceError } from '../model/index.js';
import { EngineError } from './errors.js';
import { LeaseKeeper } from './lease-keeper.js';
import { commitFenced } from './refused-commit.js';
import type { DroppedEvent, EngineObserver, EngineOptions, TurnEvent } from './engine-options.js';
import { currentOwnerId } from './owner.js';
import { Turn } from './turn.js';
import type { TurnRequest } from './turn.js';
import { TurnReducer } from './turn-reducer.js';
import { countsOf, descendantsOf, loadRuntime } from './workflow-runtime.js';
import type { StopMode, TaskRuntime, WorkflowRuntime } from './workflow-runtime.js';

export type { AttemptEndedInfo } from './attempt-launcher.js';
export type { DroppedEvent, EngineObserver, EngineOptions, TurnEvent } from './engine-options.js';

/**
 * The coordinator: owns the loop, the requests and the store; what a turn decides is the
 * `TurnReducer`'s, what is free where the `CapacityLedger`'s, the leases the `LeaseKeeper`'s, and
 * talking to the executor the `AttemptLauncher`'s.
 */
export class Engine extends EventEmitter<{ turn: [TurnEvent]; error: [Error]; dropped: [DroppedEvent] }> {
  readonly owner: string;
  private readonly store: Store;
  private readonly executor: Executor;
  private readonly clock: () => number;
  private readonly observer: EngineObserver | undefined;
  private readonly ledger = new CapacityLedger();
  private readonly leases: LeaseKeeper;
  private readonly launcher: AttemptLauncher;
  private readonly reducer: TurnReducer;

  private readonly workflows = new Map<string, WorkflowRuntime>();
  private looping = false;
  private wakeRequested = false;
  private closed = false;
  private delayTimer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  /** Requests (cancel, retry, adopt ...) run inside the loop, so that turns never interleave. */
  private requests: Array<TurnRequest & { apply: (turn: Turn) => void }> = [];
  /** Workflows whose lease renewal found taken over, to drop at the next turn (id → why). */
  private readonly drops = new Map<string, string>();
  private readonly adopting = new Map<string, Promise<boolean>>();
  private fatal: Error | null = null;

  constructor(options: EngineOptions) {
    super();
    this.store = options.store;
    this.executor = options.executor;
    // The same policy object the digital twin runs online (`onlineScheduler('first-fit')`).
    const scheduler = options.scheduler ?? new IndexedFirstFitPolicy();
    this.owner = options.owner ?? currentOwnerId();
    this.clock = options.clock ?? Date.now;
    this.observer = options.observer;
    this.leases = new LeaseKeeper(
      this.store,
      this.owner,
      options.leaseTtlMs ?? 30_000,
      this.clock,
      () => this.workflows.keys(),
      (ids) => {
        for (const id of ids) this.drops.set(id, 'its lease was taken over by another engine');
        this.wake();
      },
    );
    this.launcher = new AttemptLauncher(
      this.executor,
      resolve(options.stateDir),
      this.ledger,
      this.clock,
      this.observer,
      () => this.wake(),
      (e: Error) => this.fail(e),
    );
    this.reducer = new TurnReducer(
      this.workflows,
      this.launcher,
      this.ledger,
      this.leases,
      scheduler,
      options.maxDispatchPerTurn ?? 5000,
      this.clock,
      options.random ?? Math.random,
    );
  }

  /** Learns the executor's nodes, subscribes to its events and starts renewing leases. */
  async init(): Promise<void> {
    this.ledger.setNodes(await this.executor.nodes());
    this.launcher.listen();
    this.leases.start();
  }

  /** Nodes the engine places work on, with what is free on each now. */
  nodeViews(): NodeView[] {
    return this.ledger.views();
  }

  /** How many workflows this engine drives now. */
  drivenWorkflows(): number {
    return this.workflows.size;
  }

  /** Slots in use: CPUs held by in-flight attempts, out of the total. */
  slots(): { usedCpus: number; totalCpus: number; inFlight: number } {
    const { usedCpus, totalCpus } = this.ledger.cpus();
    return { usedCpus, totalCpus, inFlight: this.launcher.inFlightCount };
  }

  // ---------------------------------------------------------------- requests

  /**
   * Stores a validated workflow and starts driving it — or, with `drive: false`, only stores it, for
   * a server or a later `resume` to run.
   */
  async submit(
    spec: WorkflowSpec,
    where: { baseDir: string; source: string; submittedBy?: string },
    options: { drive?: boolean } = {},
  ): Promise<WorkflowRecord> {
    this.assertUsable();
    const now = this.clock();
    const id = newWorkflowId(now);
    const index = new Map(spec.tasks.map((t, i) => [t.name, i]));
    const tasks: NewTask[] = spec.tasks.map((t, idx) => {
      const deps = t.deps.map((d) => {
        const i = index.get(d);
        if (i === undefined)
          throw new EngineError('SPEC_INVALID', `task ${t.name} depends on unknown task ${d}`);
        return i;
      });
      return { idx, name: t.name, state: deps.length === 0 ? 'ready' : 'pending', deps, spec: t };
    });
    const record = await this.store.createWorkflow(
      {
        id,
        name: spec.name,
        failurePolicy: spec.failurePolicy,
        spec: { name: spec.name, failurePolicy: spec.failurePolicy },
        baseDir: resolve(where.baseDir),
        source: where.source,
        createdAt: now,
        ...(where.submittedBy !== undefined ? { submittedBy: where.submittedBy } : {}),
      },
      tasks,
    );
    if (options.drive === false) return record;
    // Stored without a lease, it is any healthy engine's to adopt: never take it if this one failed.
    this.assertUsable(` (workflow ${id} is stored: another engine, or this one restarted, runs it)`);
    // Fresh from our own hands: build the mirror from what we have instead of reading it back.
    if (!(await this.leases.acquire(record.id, now))) {
      throw new Error(`could not take the lease on the new workflow ${record.id}`);
    }
    const taskRecords = tasks.map((t) => newTaskRecord(id, t, now));
    const wf = loadRuntime(record, taskRecords, []);
    try {
      await this.request(() => this.reducer.drive(wf), id);
    } catch (e) {
      await this.leases.release(id);
      throw e;
    }
    return record;
  }

  /**
   * Takes the lease on a workflow and drives it: rebuilds its state from the store, re-attaches
   * attempts that outlived an earlier process, retries those that are lost. Returns false when
   * another live engine holds it.
   */
  async adopt(workflowId: string): Promise<boolean> {
    this.assertUsable();
    if (this.workflows.has(workflowId)) return true;
    let pending = this.adopting.get(workflowId);
    if (!pending) {
      pending = this.adoptNow(workflowId).finally(() => this.adopting.delete(workflowId));
      this.adopting.set(workflowId, pending);
    }
    return pending;
  }

  private async adoptNow(workflowId: string): Promise<boolean> {
    const loaded = await this.load(workflowId);
    if (!loaded) return false;
    const { wf, attempts } = loaded;
    let reattach: Reattach[] = [];
    await this.request((turn) => {
      reattach = this.reducer.adopt(turn, wf, attempts);
    }, workflowId);
    await this.launcher.reattach(reattach);
    return true;
  }

  /** Takes the lease and reads a workflow's state from the store; undefined if another engine holds it. */
  private async load(workflowId: string) {
    const record = await this.store.getWorkflow(workflowId);
    if (!record) throw new EngineError('WORKFLOW_NOT_FOUND', `no workflow ${workflowId}`);
    if (!(await this.leases.take(workflowId, record.leaseOwner))) return undefined;
    const [tasks, attempts] = await Promise.all([
      this.store.listTasks(workflowId),
      this.store.listAttempts(workflowId),
    ]);
    return { wf: loadRuntime(record, tasks, attempts), attempts };
  }

  /** Adopts every running workflow that no live engine holds (server start-up). */
  async adoptAll(): Promise<string[]> {
    const running = await this.store.listWorkflows({ states: ['running'] });
    const adopted: string[] = [];
    for (const wf of running) if (await this.adopt(wf.id)) adopted.push(wf.id);
    return adopted;
  }

  /** Resolves when the workflow finishes (or this engine is told to interrupt it). */
  waitFor(workflowId: string): Promise<WorkflowState | 'interrupted'> {
    const wf = this.workflows.get(workflowId);
    if (!wf) {
      return this.store.getWorkflow(workflowId).then((r) => {
        if (!r) throw new EngineError('WORKFLOW_NOT_FOUND', `no workflow ${workflowId}`);
        return r.state;
      });
    }
    return new Promise((res) => wf.waiters.push(res));
  }

  /** Counts of tasks by state for a workflow this engine drives, or undefined. */
  progress(workflowId: string): Record<TaskState, number> | undefined {
    const wf = this.workflows.get(workflowId);
    return wf ? countsOf(wf) : undefined;
  }

  /** Cancels a workflow: tasks not started are cancelled at once, running attempts are killed. */
  async cancel(workflowId: string, reason = 'cancelled by user'): Promise<void> {
    const wf = await this.held(workflowId);
    if (TERMINAL_WORKFLOW_STATES.has(wf.record.state) && wf.open === 0) {
      throw new EngineError('WORKFLOW_FINISHED', `workflow ${workflowId} already ${wf.record.state}`);
    }
    await this.stop(wf, 'cancel', reason);
  }

  /**
   * Stops driving a workflow without finishing it (Ctrl-C): running attempts are killed and their
   * tasks go back to `ready`; the workflow stays `running` for a later `resume`.
   */
  async interrupt(workflowId: string): Promise<void> {
    const wf = this.workflows.get(workflowId);
    if (!wf) return;
    await this.stop(wf, 'interrupt', 'interrupted');
  }

  /** Runs a failed, cancelled or upstream-failed task again, with those downstream of it. */
  async retry(workflowId: string, taskName: string): Promise<void> {
    const wf = await this.held(workflowId);
    const task = wf.tasks.find((t) => t.name === taskName);
    if (!task) {
      throw new EngineError('TASK_NOT_FOUND', `workflow ${workflowId} has no task ${taskName}`);
    }
    if (!['failed', 'cancelled', 'upstream-failed'].includes(task.state)) {
      throw new EngineError(
        'TASK_NOT_RETRYABLE',
        `task ${taskName} is ${task.state}; only failed, cancelled or upstream-failed tasks can be retried`,
      );
    }
    await this.reopen(wf, [task, ...descendantsOf(wf, task)], `retry of ${taskName} requested`);
  }

  /** Runs every failed, cancelled or upstream-failed task of a workflow again. */
  async resume(workflowId: string): Promise<void> {
    const wf = await this.held(workflowId);
    if (wf.record.state === 'succeeded') {
      throw new EngineError('WORKFLOW_NOT_RESUMABLE', `workflow ${workflowId} already succeeded`);
    }
    if (
      !wf.tasks.some((t) => ['failed', 'cancelled', 'upstream-failed'].includes(t.state)) &&
      wf.open === 0
    ) {
      throw new EngineError('WORKFLOW_NOT_RESUMABLE', `workflow ${workflowId} has nothing to run again`);
    }
    await this.reopen(wf, wf.tasks, 'resume requested');
  }

  /** Resolves when the loop has nothing left to do right now (tests, benchmarks). */
  idle(): Promise<void> {
    if (!this.looping && this.launcher.reportsWaiting === 0) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  /** Stops the loop and timers. Attempts in flight keep running where the executor allows re-attaching. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.delayTimer) clearTimeout(this.delayTimer);
    this.leases.stop();
    while (this.looping) await new Promise((r) => setTimeout(r, 5));
    for (const id of this.workflows.keys()) await this.leases.release(id);
    this.workflows.clear();
  }

  // ---------------------------------------------------------------- the loop

  private wake(): void {
    if (this.closed || this.fatal) return;
    this.wakeRequested = true;
    if (!this.looping) {
      this.looping = true;
      setImmediate(() => void this.loop());
    }
  }

  private async loop(): Promise<void> {
    let turn: Turn | null = null;
    try {
      while (this.wakeRequested && !this.closed) {
        this.wakeRequested = false;
        this.applyDrops();
        turn = new Turn();
        this.applyRequests(turn);
        this.reducer.reduce(turn);
        if (turn.empty) {
          for (const action of turn.after) action.run();
          for (const r of turn.requests) r.resolve();
          continue;
        }
        await this.commitTurn(turn);
        // Reports deferred because their task had already changed this turn go in the next one.
        if (this.launcher.reportsWaiting > 0 || this.reducer.readyWaiting > 0) this.wakeRequested = true;
      }
    } catch (e) {
      const error = coerceError(e);
      for (const r of turn?.requests ?? []) r.reject(error);
      this.fail(error);
    } finally {
      this.looping = false;
      this.armDelayTimer();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Queues a change to be made inside the loop (for `workflowId`); resolves once it is committed. */
  private request(apply: (turn: Turn) => void, workflowId?: string): Promise<void> {
    this.assertUsable();
    return new Promise((resolve, reject) => {
      this.requests.push({ apply, resolve, reject, workflowId });
      this.wake();
    });
  }

  private applyRequests(turn: Turn): void {
    const requests = this.requests.splice(0, this.requests.length);
    for (const r of requests) {
      try {
        r.apply(turn); // validates before it changes anything, so a refusal leaves the turn clean
        turn.requests.push({ resolve: r.resolve, reject: r.reject, workflowId: r.workflowId });
      } catch (e) {
        r.reject(coerceError(e));
      }
    }
  }

  /**
   * Commits the turn, fenced by this engine's leases. A commit refused for some workflows (their
   * lease was taken over, or their rows were not as the mirror said) drops just those, and the rest
   * of the turn is committed again; any other failure is thrown (and stops the engine).
   */
  private async commitTurn(first: Turn): Promise<void> {
    const turn = await commitFenced(this.store, this.owner, first, (lost, error, refused) => {
      for (const id of lost) this.drop(id, error.message, refused.letGo.get(id));
    });
    for (const action of turn.after) action.run();
    for (const r of turn.requests.splice(0)) r.resolve();
    this.observer?.committed?.({ tasks: turn.tasks, workflows: turn.workflows });
    this.emit('turn', { kind: 'turn', tasks: turn.tasks, workflows: turn.workflows });
  }

  /** Drops the workflows whose lease renewal found taken over (`LeaseKeeper`'s `onLost`). */
  private applyDrops(): void {
    for (const [id, reason] of this.drops) this.drop(id, reason);
    this.drops.clear();
  }

  /**
   * Stops driving one workflow without finishing it: its attempts are left running (the engine that
   * holds or takes its lease re-attaches them), its waiters hear `interrupted`, its lease (if still
   * ours) is given back so that a healthy engine adopts it at once.
   */
  private drop(workflowId: string, reason: string, letGo?: WorkflowRuntime): void {
    void this.leases.release(workflowId);
    // A workflow the refused turn had finished is no longer in the map, but its waiters still wait.
    const wf = this.workflows.get(workflowId) ?? letGo;
    if (!wf) return;
    this.workflows.delete(workflowId);
    this.launcher.forget(wf);
    for (const w of wf.waiters.splice(0)) w('interrupted');
    this.emit('dropped', { workflowId, reason });
  }

  /**
   * A store failure leaves memory and store possibly apart: stop, and let a restart recover. The
   * leases go back at once (renewing stops), so that a healthy engine adopts the workflows.
   */
  private fail(error: Error): void {
    if (this.fatal) return;
    this.fatal = error;
    this.closed = true;
    this.leases.stop();
    for (const id of this.workflows.keys()) void this.leases.release(id);
    for (const wf of this.workflows.values()) for (const w of wf.waiters) w('interrupted');
    for (const r of this.requests.splice(0)) r.reject(error);
    this.emit('error', error);
  }

  /** Throws `ENGINE_FAILED` once the engine has stopped after a fault (`more` is added to its message). */
  private assertUsable(more = ''): void {
    if (this.fatal) {
      throw new EngineError(
        'ENGINE_FAILED',
        `this Strata engine stopped after a fault: ${this.fatal.message}${more}`,
        'restart the process; its workflows are taken over by a healthy engine meanwhile',
      );
    }
    if (this.closed) throw new Error('engine is closed');
  }

  /**
   * Wakes the loop at the next retry due, or when the scheduler said it would place a task it holds
   * back (`Scheduler.nextWakeAt`): nothing else would wake the engine then.
   */
  private armDelayTimer(): void {
    if (this.delayTimer) clearTimeout(this.delayTimer);
    this.delayTimer = null;
    if (this.closed) return;
    const now = this.clock();
    const next = this.reducer.nextWakeAt(now);
    if (!Number.isFinite(next)) return;
    this.delayTimer = setTimeout(() => this.wake(), Math.max(1, next - now));
  }

  /** The runtime of a workflow this engine holds, adopting it first if needed. */
  private async held(workflowId: string): Promise<WorkflowRuntime> {
    const leased = () =>
      new EngineError(
        'WORKFLOW_LEASED',
        `workflow ${workflowId} is being driven by another Strata process`,
        'send the request to the server that runs it (--server URL), or wait for that process to stop',
      );
    if (!(await this.adopt(workflowId))) throw leased();
    const wf = this.workflows.get(workflowId);
    if (wf) return wf;
    // It was finished: load it again (not driven until a retry or resume reopens it).
    const loaded = await this.load(workflowId);
    if (!loaded) throw leased();
    return loaded.wf;
  }

  private stop(wf: WorkflowRuntime, mode: StopMode, reason: string): Promise<void> {
    return this.request((turn) => this.reducer.stop(turn, wf, mode, reason), wf.record.id);
  }

  /** Brings finished tasks back (retry/resume) with a fresh retry budget, in topological order. */
  private reopen(wf: WorkflowRuntime, candidates: readonly TaskRuntime[], reason: string): Promise<void> {
    return this.request((turn) => this.reducer.reopen(turn, wf, candidates, reason), wf.record.id);
  }
}

/** Sortable, unique: `wf-<base36 time>-<random>`. */
function newWorkflowId(now: number): string {
  return `wf-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}
