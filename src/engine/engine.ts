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
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Executor, ExecutorEvent, LaunchRequest } from '../executors/executor.js';
import {
  isTaskTransitionAllowed,
  retryDelayMs,
  TERMINAL_TASK_STATES,
  TERMINAL_WORKFLOW_STATES,
  WORKFLOW_TRANSITIONS,
} from '../model/index.js';
import type {
  AttemptOutcome,
  NodeInfo,
  Resources,
  TaskState,
  WorkflowSpec,
  WorkflowState,
} from '../model/index.js';
import { fitsCapacity, IndexedFirstFitPolicy } from '../scheduler/index.js';
import type { NodeView, ReadyTask, Scheduler } from '../scheduler/index.js';
import { newAttemptRecord } from '../store/attempt-record.js';
import type {
  AttemptWrite,
  NewTask,
  Store,
  TaskChange,
  WorkflowChange,
  WorkflowRecord,
} from '../store/store.js';
import { coerceError, EngineError } from './errors.js';
import { currentOwnerId, isOwnerDead } from './owner.js';
import { needsValidation, validateAttempt } from './validate-attempt.js';
import { countsOf, descendantsOf, finalState, loadRuntime } from './workflow-runtime.js';
import type { StopMode, TaskRuntime, WorkflowRuntime } from './workflow-runtime.js';

/** Lost attempts (infrastructure failures) retried for free before they count as failures. */
const MAX_FREE_LOST_ATTEMPTS = 5;

export interface AttemptEndedInfo {
  workflowId: string;
  task: string;
  status: AttemptOutcome['status'];
  queueWaitMs: number | null;
  runMs: number | null;
}

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

interface InFlight {
  wf: WorkflowRuntime;
  task: TaskRuntime;
  attempt: number;
  request: LaunchRequest;
  queuedAt: number;
  startedAt: number | null;
  stdoutPath: string | null;
  /** The executor's `start` has returned (cancel must wait for it). */
  launched: boolean;
  /** Why Strata is stopping it, if it is. */
  stop: StopMode | null;
}

interface ReadyEntry {
  wf: WorkflowRuntime;
  task: TaskRuntime;
}

/** Everything one turn will commit, and what to do once it is committed. */
class Turn {
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

/** Emitted after each committed turn, with the changes it carried (progress bars, live views). */
export interface TurnEvent {
  kind: 'turn';
  tasks: readonly TaskChange[];
  workflows: readonly WorkflowChange[];
}

export class Engine extends EventEmitter<{ turn: [TurnEvent]; error: [Error] }> {
  readonly owner: string;
  private readonly store: Store;
  private readonly executor: Executor;
  private readonly stateDir: string;
  private readonly scheduler: Scheduler;
  private readonly leaseTtlMs: number;
  private readonly maxDispatch: number;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly observer: EngineObserver | undefined;

  private readonly workflows = new Map<string, WorkflowRuntime>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly inbox: ExecutorEvent[] = [];
  private readyQueue: ReadyEntry[] = [];
  private delayed: ReadyEntry[] = [];
  private nodes: NodeInfo[] = [];
  private readonly free = new Map<string, { cpus: number; memoryBytes: number; gpuIds: number[] }>();
  private readonly createdDirs = new Set<string>();

  private looping = false;
  private wakeRequested = false;
  private closed = false;
  private delayTimer: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  /** Requests (cancel, retry, adopt ...) run inside the loop, so that turns never interleave. */
  private requests: Array<{ apply: (turn: Turn) => void; resolve: () => void; reject: (e: Error) => void }> =
    [];
  private readonly adopting = new Map<string, Promise<boolean>>();
  private fatal: Error | null = null;

  constructor(options: EngineOptions) {
    super();
    this.store = options.store;
    this.executor = options.executor;
    this.stateDir = resolve(options.stateDir);
    // The same policy object the digital twin runs online (`onlineScheduler('first-fit')`).
    this.scheduler = options.scheduler ?? new IndexedFirstFitPolicy();
    this.owner = options.owner ?? currentOwnerId();
    this.leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.maxDispatch = options.maxDispatchPerTurn ?? 5000;
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.observer = options.observer;
  }

  /** Learns the executor's nodes, subscribes to its events and starts renewing leases. */
  async init(): Promise<void> {
    this.nodes = await this.executor.nodes();
    for (const n of this.nodes) {
      this.free.set(n.id, {
        cpus: n.capacity.cpus,
        memoryBytes: n.capacity.memoryBytes,
        gpuIds: [...n.capacity.gpuIds],
      });
    }
    this.executor.onEvent((e) => this.onExecutorEvent(e));
    this.leaseTimer = setInterval(
      () => {
        this.store
          .renewLeases(this.owner, this.clock(), this.leaseTtlMs)
          .catch((e) => this.fail(coerceError(e)));
      },
      Math.max(100, Math.floor(this.leaseTtlMs / 3)),
    );
    this.leaseTimer.unref();
  }

  /** Nodes the engine places work on, with what is free on each now. */
  nodeViews(): NodeView[] {
    return this.nodes.map((n) => ({ id: n.id, capacity: n.capacity, free: this.free.get(n.id)! }));
  }

  /** How many workflows this engine drives now. */
  drivenWorkflows(): number {
    return this.workflows.size;
  }

  /** Slots in use: CPUs held by in-flight attempts, out of the total. */
  slots(): { usedCpus: number; totalCpus: number; inFlight: number } {
    let total = 0;
    let free = 0;
    for (const n of this.nodes) {
      total += n.capacity.cpus;
      free += this.free.get(n.id)?.cpus ?? 0;
    }
    return { usedCpus: total - free, totalCpus: total, inFlight: this.inFlight.size };
  }

  // ---------------------------------------------------------------- requests

  /**
   * Stores a validated workflow and starts driving it — or, with `drive: false`, only stores it, for
   * a server or a later `resume` to run.
   */
  async submit(
    spec: WorkflowSpec,
    where: { baseDir: string; source: string },
    options: { drive?: boolean } = {},
  ): Promise<WorkflowRecord> {
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
      },
      tasks,
    );
    if (options.drive === false) return record;
    // Fresh from our own hands: build the mirror from what we have instead of reading it back.
    if (!(await this.store.acquireLease(record.id, this.owner, now, this.leaseTtlMs))) {
      throw new Error(`could not take the lease on the new workflow ${record.id}`);
    }
    const taskRecords = tasks.map((t) => ({
      workflowId: id,
      idx: t.idx,
      name: t.name,
      state: t.state,
      attempt: 0,
      readyAt: 0,
      retryBase: 0,
      deps: t.deps,
      spec: t.spec,
      updatedAt: now,
      memoryBytes: null,
    }));
    const wf = loadRuntime(record, taskRecords, []);
    await this.request(() => {
      this.workflows.set(id, wf);
      for (const task of wf.tasks) if (task.state === 'ready') this.readyQueue.push({ wf, task });
    });
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
    const open = new Map(
      attempts.filter((a) => a.status === 'queued' || a.status === 'running').map((a) => [a.taskIdx, a]),
    );
    const reattach: Array<{ flight: InFlight; handle: string | null }> = [];
    await this.request((turn) => {
      this.workflows.set(workflowId, wf);
      for (const task of wf.tasks) {
        if (task.state === 'ready') this.enqueueReady(wf, task);
        else if (task.state === 'pending' && task.remaining === 0) {
          this.move(turn, wf, task, 'ready', { reason: 'all dependencies had succeeded' });
          this.enqueueReady(wf, task);
        } else if (task.state === 'queued' || task.state === 'running') {
          const attempt = open.get(task.idx);
          if (!attempt || attempt.number !== task.attempt) {
            this.move(turn, wf, task, 'ready', { reason: 'attempt record missing after restart' });
            this.enqueueReady(wf, task);
            continue;
          }
          // GPU ids are not part of the attempt record: a re-attached attempt holds CPUs and memory only.
          const nodeId = attempt.node ?? this.nodes[0]?.id ?? 'local';
          const request = this.launchRequest(wf, task, attempt.number, nodeId, []);
          const flight: InFlight = {
            wf,
            task,
            attempt: attempt.number,
            request,
            queuedAt: attempt.queuedAt,
            startedAt: attempt.startedAt,
            stdoutPath: attempt.stdoutPath,
            launched: true,
            stop: null,
          };
          this.hold(flight);
          this.inFlight.set(request.attemptId, flight);
          reattach.push({ flight, handle: attempt.handle });
        }
      }
    });
    for (const { flight, handle } of reattach) {
      const result = await this.executor.reattach(flight.request, handle).catch(() => 'lost' as const);
      if (result === 'lost') {
        this.inbox.push({
          kind: 'finished',
          attemptId: flight.request.attemptId,
          outcome: {
            status: 'lost',
            exitCode: null,
            signal: null,
            startedAt: flight.startedAt,
            endedAt: this.clock(),
            cpuTimeMs: null,
            peakRssBytes: null,
            message: 'the attempt left no trace after the engine restarted',
          },
        });
        this.wake();
      }
    }
    return true;
  }

  /** Takes the lease and reads a workflow's state from the store; undefined if another engine holds it. */
  private async load(workflowId: string) {
    const record = await this.store.getWorkflow(workflowId);
    if (!record) throw new EngineError('WORKFLOW_NOT_FOUND', `no workflow ${workflowId}`);
    const now = this.clock();
    let holds = await this.store.acquireLease(workflowId, this.owner, now, this.leaseTtlMs);
    if (!holds && record.leaseOwner && isOwnerDead(record.leaseOwner)) {
      holds = await this.store.acquireLease(workflowId, this.owner, now, this.leaseTtlMs, record.leaseOwner);
    }
    if (!holds) return undefined;
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
    if (!this.looping && this.inbox.length === 0) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  /** Stops the loop and timers. Attempts in flight keep running where the executor allows re-attaching. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.delayTimer) clearTimeout(this.delayTimer);
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    while (this.looping) await new Promise((r) => setTimeout(r, 5));
    for (const id of this.workflows.keys()) {
      await this.store.releaseLease(id, this.owner).catch(() => undefined);
    }
    this.workflows.clear();
  }

  // ---------------------------------------------------------------- the loop

  private onExecutorEvent(event: ExecutorEvent): void {
    const flight = this.inFlight.get(event.attemptId);
    if (!flight) return; // an attempt of a workflow this engine does not drive (any more)
    if (
      event.kind === 'finished' &&
      event.outcome.status === 'succeeded' &&
      needsValidation(flight.task.spec)
    ) {
      // Validate before the report reaches the loop: the task stays running until it is judged.
      const env = { ...process.env, ...flight.request.env };
      validateAttempt(flight.task.spec, flight.request.workdir, flight.stdoutPath, env)
        .then((problem) => {
          this.inbox.push(
            problem ? { ...event, outcome: { ...event.outcome, status: 'failed', message: problem } } : event,
          );
          this.wake();
        })
        .catch((e) => this.fail(coerceError(e)));
      return;
    }
    this.inbox.push(event);
    this.wake();
  }

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
        turn = new Turn();
        this.applyRequests(turn);
        this.takeReports(turn);
        this.promoteDueRetries();
        this.sweepStopping(turn);
        this.dispatch(turn);
        this.finishWorkflows(turn);
        if (turn.empty) {
          for (const action of turn.after) action();
          for (const r of turn.requests) r.resolve();
          continue;
        }
        await this.commitTurn(turn);
        // Reports deferred because their task had already changed this turn go in the next one.
        if (this.inbox.length > 0 || this.readyQueue.length > 0) this.wakeRequested = true;
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

  /** Queues a change to be made inside the loop; resolves once it is committed. */
  private request(apply: (turn: Turn) => void): Promise<void> {
    this.assertUsable();
    return new Promise((resolve, reject) => {
      this.requests.push({ apply, resolve, reject });
      this.wake();
    });
  }

  private applyRequests(turn: Turn): void {
    const requests = this.requests.splice(0, this.requests.length);
    for (const r of requests) {
      try {
        r.apply(turn); // validates before it changes anything, so a refusal leaves the turn clean
        turn.requests.push(r);
      } catch (e) {
        r.reject(coerceError(e));
      }
    }
  }

  private async commitTurn(turn: Turn): Promise<void> {
    await this.store.commit({ tasks: turn.tasks, attempts: turn.attempts, workflows: turn.workflows });
    for (const action of turn.after) action();
    for (const r of turn.requests.splice(0)) r.resolve();
    this.observer?.committed?.({ tasks: turn.tasks, workflows: turn.workflows });
    this.emit('turn', { kind: 'turn', tasks: turn.tasks, workflows: turn.workflows });
  }

  /** A store failure leaves memory and store possibly apart: stop, and let a restart recover. */
  private fail(error: Error): void {
    if (this.fatal) return;
    this.fatal = error;
    this.closed = true;
    for (const wf of this.workflows.values()) for (const w of wf.waiters) w('interrupted');
    for (const r of this.requests.splice(0)) r.reject(error);
    this.emit('error', error);
  }

  private assertUsable(): void {
    if (this.fatal) throw this.fatal;
    if (this.closed) throw new Error('engine is closed');
  }

  private takeReports(turn: Turn): void {
    const reports = this.inbox.splice(0, this.inbox.length);
    for (const report of reports) {
      const flight = this.inFlight.get(report.attemptId);
      if (!flight) continue;
      if (turn.touched.has(flight.task)) {
        this.inbox.push(report); // one change per task per turn: next turn
        continue;
      }
      if (report.kind === 'started') this.onStarted(turn, flight, report);
      else this.onFinished(turn, flight, report.outcome);
    }
  }

  private onStarted(turn: Turn, flight: InFlight, report: Extract<ExecutorEvent, { kind: 'started' }>): void {
    const { wf, task } = flight;
    if (task.state !== 'queued') return;
    flight.startedAt = report.at;
    flight.stdoutPath = report.stdoutPath;
    turn.attempts.push({
      kind: 'update',
      workflowId: wf.record.id,
      taskIdx: task.idx,
      number: flight.attempt,
      status: 'running',
      node: report.nodeId,
      handle: report.handle,
      startedAt: report.at,
      stdoutPath: report.stdoutPath,
      stderrPath: report.stderrPath,
    });
    this.move(turn, wf, task, 'running', { attempt: flight.attempt });
  }

  private onFinished(turn: Turn, flight: InFlight, outcome: AttemptOutcome): void {
    const { wf, task } = flight;
    this.inFlight.delete(flight.request.attemptId);
    this.release(flight);
    const now = this.clock();
    const status = flight.stop && outcome.status !== 'succeeded' ? 'cancelled' : outcome.status;
    turn.attempts.push({
      kind: 'update',
      workflowId: wf.record.id,
      taskIdx: task.idx,
      number: flight.attempt,
      status,
      outcome: { ...outcome, status },
    });
    const startedAt = outcome.startedAt ?? flight.startedAt;
    this.observer?.attemptEnded?.({
      workflowId: wf.record.id,
      task: task.name,
      status,
      queueWaitMs: startedAt !== null ? Math.max(0, startedAt - flight.queuedAt) : null,
      runMs: startedAt !== null ? Math.max(0, outcome.endedAt - startedAt) : null,
    });
    const why = outcome.message ?? describeOutcome(outcome);

    if (status === 'succeeded') {
      this.move(turn, wf, task, 'succeeded', { attempt: flight.attempt });
      for (const d of task.dependents) {
        const dep = wf.tasks[d]!;
        dep.remaining -= 1;
        if (dep.remaining === 0 && dep.state === 'pending' && !wf.stopping) {
          this.move(turn, wf, dep, 'ready', { reason: `${task.name} succeeded` });
          this.enqueueReady(wf, dep);
        }
      }
      return;
    }
    if (status === 'cancelled') {
      if (flight.stop === 'interrupt') this.move(turn, wf, task, 'ready', { reason: 'interrupted' });
      else this.move(turn, wf, task, 'cancelled', { reason: why });
      return;
    }
    if (status === 'lost' && task.lost < MAX_FREE_LOST_ATTEMPTS) {
      task.lost += 1;
      this.move(turn, wf, task, 'ready', { reason: `attempt ${flight.attempt} lost: ${why}` });
      this.enqueueReady(wf, task);
      return;
    }
    task.failures += 1;
    if (task.failures < task.spec.retry.maxAttempts && !wf.stopping) {
      const delay = retryDelayMs(task.spec.retry, task.failures + 1, this.random);
      const before = task.memoryBytes;
      const more = status === 'failed' && outcome.outOfMemory ? this.growMemory(task, outcome) : '';
      this.move(turn, wf, task, 'ready', {
        readyAt: now + delay,
        // Stored with the move, so that a restart asks for the grown request too.
        ...(task.memoryBytes !== before ? { memoryBytes: task.memoryBytes } : {}),
        reason: `attempt ${flight.attempt} ${status}: ${why}; retry in ${delay} ms${more}`,
      });
      this.enqueueReady(wf, task);
      return;
    }
    this.move(turn, wf, task, 'failed', { reason: `attempt ${flight.attempt} ${status}: ${why}` });
    this.onTaskFailed(turn, wf, task);
  }

  /**
   * After an out-of-memory failure the next attempt asks for more: twice the request, or 1.25 × the
   * peak the attempt reached if that is more, capped at the largest node's memory. Returns what to
   * add to the retry's reason.
   */
  private growMemory(task: TaskRuntime, outcome: AttemptOutcome): string {
    const largest = Math.max(0, ...this.nodes.map((n) => n.capacity.memoryBytes));
    const peak = outcome.peakRssBytes ?? 0;
    const wanted = Math.max(2 * task.memoryBytes, Math.ceil(1.25 * peak));
    const next = largest > 0 ? Math.min(largest, wanted) : wanted;
    if (!(next > task.memoryBytes)) return '; out of memory, and no node has more to give';
    task.memoryBytes = next;
    return `; out of memory: the retry asks for ${next} bytes`;
  }

  private onTaskFailed(turn: Turn, wf: WorkflowRuntime, task: TaskRuntime): void {
    for (const d of descendantsOf(wf, task)) {
      if ((d.state === 'pending' || d.state === 'ready') && !turn.touched.has(d)) {
        this.move(turn, wf, d, 'upstream-failed', { reason: `${task.name} failed` });
      }
    }
    if (wf.record.failurePolicy === 'fail-fast' && !wf.stopping) {
      wf.stopping = 'fail-fast';
      this.sweep(turn, wf, `fail-fast: ${task.name} failed`);
    }
  }

  private promoteDueRetries(): void {
    if (this.delayed.length === 0) return;
    const now = this.clock();
    const still: ReadyEntry[] = [];
    for (const entry of this.delayed) {
      if (entry.task.readyAt <= now) this.readyQueue.push(entry);
      else still.push(entry);
    }
    this.delayed = still;
  }

  private sweepStopping(turn: Turn): void {
    for (const wf of this.workflows.values()) if (wf.stopping) this.sweep(turn, wf, 'stopping');
  }

  /** Moves what has not started to `cancelled` (or leaves it for resume) and kills attempts in flight. */
  private sweep(turn: Turn, wf: WorkflowRuntime, reason: string): void {
    if (wf.stopping !== 'interrupt') {
      for (const t of wf.tasks) {
        if ((t.state === 'pending' || t.state === 'ready') && !turn.touched.has(t)) {
          this.move(turn, wf, t, 'cancelled', { reason });
        }
      }
    }
    for (const flight of this.inFlight.values()) {
      if (flight.wf !== wf || flight.stop) continue;
      flight.stop = wf.stopping;
      if (flight.launched) turn.after.push(() => this.killAttempt(flight));
    }
  }

  private killAttempt(flight: InFlight): void {
    this.executor
      .cancel(flight.request.attemptId, flight.stop ?? 'cancel')
      .catch((e) => this.fail(coerceError(e)));
  }

  private dispatch(turn: Turn): void {
    if (this.readyQueue.length === 0) return;
    let freeCpus = 0;
    for (const f of this.free.values()) freeCpus += f.cpus;
    if (freeCpus <= 0) return;

    const candidates: ReadyEntry[] = [];
    const keep: ReadyEntry[] = [];
    const now = this.clock();
    let i = 0;
    for (; i < this.readyQueue.length && candidates.length < this.maxDispatch; i++) {
      const entry = this.readyQueue[i]!;
      const { wf, task } = entry;
      if (task.state !== 'ready' || wf.stopping || !this.workflows.has(wf.record.id)) continue; // stale
      if (turn.touched.has(task)) {
        keep.push(entry);
        continue;
      }
      if (task.readyAt > now) {
        this.delayed.push(entry);
        continue;
      }
      if (!this.nodes.some((n) => fitsCapacity(resourcesOf(task), n.capacity))) {
        this.move(turn, wf, task, 'failed', { reason: unschedulable(resourcesOf(task), this.nodes) });
        this.onTaskFailed(turn, wf, task);
        continue;
      }
      candidates.push(entry);
    }
    const rest = this.readyQueue.slice(i);
    if (candidates.length === 0) {
      this.readyQueue = keep.concat(rest);
      return;
    }
    const ready: ReadyTask[] = candidates.map((c, k) => ({
      key: String(k),
      resources: resourcesOf(c.task),
    }));
    const placements = this.scheduler.place(ready, this.nodeViews(), now);
    const placed = new Set<number>();
    for (const p of placements) {
      const k = Number(p.key);
      const entry = candidates[k];
      if (!entry) continue;
      placed.add(k);
      this.launch(turn, entry.wf, entry.task, p.nodeId, p.gpuIds, now);
    }
    const unplaced = candidates.filter((_, k) => !placed.has(k));
    this.readyQueue = keep.concat(unplaced, rest);
  }

  private launch(
    turn: Turn,
    wf: WorkflowRuntime,
    task: TaskRuntime,
    nodeId: string,
    gpuIds: number[],
    now: number,
  ): void {
    const attempt = task.attempt + 1;
    const request = this.launchRequest(wf, task, attempt, nodeId, gpuIds);
    const flight: InFlight = {
      wf,
      task,
      attempt,
      request,
      queuedAt: now,
      startedAt: null,
      stdoutPath: null,
      launched: false,
      stop: null,
    };
    this.hold(flight);
    this.inFlight.set(request.attemptId, flight);
    turn.attempts.push({
      kind: 'insert',
      attempt: newAttemptRecord({
        workflowId: wf.record.id,
        taskIdx: task.idx,
        number: attempt,
        executor: this.executor.name,
        node: nodeId,
        queuedAt: now,
      }),
    });
    this.move(turn, wf, task, 'queued', { attempt });
    turn.after.push(() => {
      this.prepareDirs(task, request);
      this.executor
        .start(request)
        .then(() => {
          flight.launched = true;
          if (flight.stop) this.killAttempt(flight);
        })
        .catch((e) => this.fail(coerceError(e)));
    });
  }

  private launchRequest(
    wf: WorkflowRuntime,
    task: TaskRuntime,
    attempt: number,
    nodeId: string,
    gpuIds: number[],
  ): LaunchRequest {
    const baseDir = wf.record.baseDir;
    const workdir = task.spec.workdir ? resolve(baseDir, task.spec.workdir) : baseDir;
    return {
      attemptId: `${wf.record.id}/${task.idx}/${attempt}`,
      workflowId: wf.record.id,
      taskName: task.name,
      attempt,
      command: task.spec.command,
      env: task.spec.env,
      workdir,
      resources: resourcesOf(task),
      nodeId,
      gpuIds,
      ...(task.spec.timeoutMs !== undefined ? { timeoutMs: task.spec.timeoutMs } : {}),
      // One folder per attempt directly under the workflow's: one mkdir per attempt, not three.
      logDir: join(this.stateDir, 'logs', wf.record.id, `${safeName(task.name)}.${attempt}`),
    };
  }

  /** The workdir and the folders of declared outputs exist before the command runs. */
  private prepareDirs(task: TaskRuntime, request: LaunchRequest): void {
    const { workdir } = request;
    const dirs = [
      dirname(request.logDir),
      workdir,
      ...task.spec.outputs.map((o) => dirname(isAbsolute(o) ? o : resolve(workdir, o))),
    ];
    for (const dir of dirs) {
      if (this.createdDirs.has(dir)) continue;
      try {
        mkdirSync(dir, { recursive: true });
        this.createdDirs.add(dir);
      } catch {
        // The executor reports a workdir it cannot use; a missing output folder fails validation.
      }
    }
  }

  private finishWorkflows(turn: Turn): void {
    const now = this.clock();
    for (const wf of [...this.workflows.values()]) {
      if (wf.open > 0) {
        if (wf.stopping === 'interrupt' && wf.active === 0) {
          this.workflows.delete(wf.record.id);
          turn.after.push(() => {
            void this.store.releaseLease(wf.record.id, this.owner).catch(() => undefined);
            for (const w of wf.waiters) w('interrupted');
          });
        }
        continue;
      }
      if (wf.active > 0) continue;
      const state = finalState(wf);
      if (wf.record.state !== state) {
        if (!WORKFLOW_TRANSITIONS[wf.record.state].includes(state)) {
          throw new Error(`workflow ${wf.record.id}: ${wf.record.state} → ${state} is not allowed`);
        }
        turn.workflows.push({ id: wf.record.id, from: wf.record.state, to: state, at: now });
        wf.record = { ...wf.record, state, finishedAt: now };
      }
      this.workflows.delete(wf.record.id);
      turn.after.push(() => {
        void this.store.releaseLease(wf.record.id, this.owner).catch(() => undefined);
        for (const w of wf.waiters) w(state);
      });
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Changes a task's state in memory and records the change (and its event) in the turn. */
  private move(
    turn: Turn,
    wf: WorkflowRuntime,
    task: TaskRuntime,
    to: TaskState,
    extra: {
      attempt?: number;
      readyAt?: number;
      retryBase?: number;
      memoryBytes?: number;
      reason?: string;
    } = {},
  ): void {
    const from = task.state;
    if (!isTaskTransitionAllowed(from, to)) {
      throw new Error(`task ${task.name} of ${wf.record.id}: ${from} → ${to} is not allowed`);
    }
    if (turn.touched.has(task)) throw new Error(`task ${task.name} changed twice in one turn`);
    turn.touched.add(task);
    const wasOpen = !TERMINAL_TASK_STATES.has(from);
    const isOpen = !TERMINAL_TASK_STATES.has(to);
    if (wasOpen && !isOpen) wf.open -= 1;
    if (!wasOpen && isOpen) wf.open += 1;
    task.state = to;
    if (extra.attempt !== undefined) task.attempt = extra.attempt;
    if (extra.retryBase !== undefined) task.retryBase = extra.retryBase;
    task.readyAt = to === 'ready' ? (extra.readyAt ?? 0) : task.readyAt;
    turn.tasks.push({
      workflowId: wf.record.id,
      idx: task.idx,
      from,
      to,
      at: this.clock(),
      ...(extra.attempt !== undefined ? { attempt: extra.attempt } : {}),
      ...(to === 'ready' ? { readyAt: task.readyAt } : {}),
      ...(extra.retryBase !== undefined ? { retryBase: extra.retryBase } : {}),
      ...(extra.memoryBytes !== undefined ? { memoryBytes: extra.memoryBytes } : {}),
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    });
  }

  private enqueueReady(wf: WorkflowRuntime, task: TaskRuntime): void {
    if (task.readyAt > this.clock()) this.delayed.push({ wf, task });
    else this.readyQueue.push({ wf, task });
  }

  private hold(flight: InFlight): void {
    flight.wf.active += 1;
    const free = this.free.get(flight.request.nodeId);
    if (!free) return;
    const r = flight.request.resources;
    free.cpus -= r.cpus;
    free.memoryBytes -= r.memoryBytes;
    free.gpuIds = free.gpuIds.filter((g) => !flight.request.gpuIds.includes(g));
  }

  private release(flight: InFlight): void {
    flight.wf.active -= 1;
    const free = this.free.get(flight.request.nodeId);
    if (!free) return;
    const r = flight.request.resources;
    free.cpus += r.cpus;
    free.memoryBytes += r.memoryBytes;
    free.gpuIds = [...free.gpuIds, ...flight.request.gpuIds].sort((a, b) => a - b);
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
    let next = Infinity;
    for (const e of this.delayed) next = Math.min(next, e.task.readyAt);
    const held = this.readyQueue.length > 0 ? this.scheduler.nextWakeAt?.(now) : undefined;
    if (held !== undefined && held > now) next = Math.min(next, held);
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
    return this.request((turn) => {
      if (wf.stopping === mode) return;
      wf.stopping = mode;
      this.sweep(turn, wf, reason);
    });
  }

  /** Brings finished tasks back (retry/resume) with a fresh retry budget, in topological order. */
  private reopen(wf: WorkflowRuntime, candidates: readonly TaskRuntime[], reason: string): Promise<void> {
    return this.request((turn) => this.reopenNow(turn, wf, candidates, reason));
  }

  private reopenNow(
    turn: Turn,
    wf: WorkflowRuntime,
    candidates: readonly TaskRuntime[],
    reason: string,
  ): void {
    if (!this.workflows.has(wf.record.id)) this.workflows.set(wf.record.id, wf);
    const reopened = new Set<number>();
    const now = this.clock();
    for (const t of [...candidates].sort((a, b) => a.idx - b.idx)) {
      if (!['failed', 'cancelled', 'upstream-failed'].includes(t.state)) continue;
      // Stay blocked if an ancestor outside this set is still failed.
      const blocked = t.deps.some((d) => {
        const dep = wf.tasks[d]!;
        return dep.state !== 'succeeded' && !reopened.has(d) && TERMINAL_TASK_STATES.has(dep.state);
      });
      if (blocked) continue;
      t.remaining = t.deps.filter((d) => wf.tasks[d]!.state !== 'succeeded').length;
      t.failures = 0;
      t.lost = 0;
      this.move(turn, wf, t, t.remaining === 0 ? 'ready' : 'pending', { retryBase: t.attempt, reason });
      if (t.state === 'ready') this.enqueueReady(wf, t);
      reopened.add(t.idx);
    }
    wf.stopping = null;
    if (reopened.size > 0 && wf.record.state !== 'running') {
      turn.workflows.push({ id: wf.record.id, from: wf.record.state, to: 'running', at: now, reason });
      wf.record = { ...wf.record, state: 'running', finishedAt: null };
    }
  }
}

function describeOutcome(o: AttemptOutcome): string {
  if (o.signal) return `killed by ${o.signal}`;
  if (o.exitCode !== null) return `exit code ${o.exitCode}`;
  return o.status;
}

function unschedulable(r: Resources, nodes: readonly NodeInfo[]): string {
  const largest = nodes.reduce(
    (m, n) => ({
      cpus: Math.max(m.cpus, n.capacity.cpus),
      memoryBytes: Math.max(m.memoryBytes, n.capacity.memoryBytes),
      gpus: Math.max(m.gpus, n.capacity.gpuIds.length),
    }),
    { cpus: 0, memoryBytes: 0, gpus: 0 },
  );
  return (
    `unschedulable: needs ${r.cpus} CPUs, ${r.memoryBytes} bytes of memory and ${r.gpus} GPUs; ` +
    `the largest node offers ${largest.cpus} CPUs, ${largest.memoryBytes} bytes and ${largest.gpus} GPUs`
  );
}

/** A task name as a folder name (array members keep their index: `work[3]`). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._[\]-]/g, '_');
}

/** Sortable, unique: `wf-<base36 time>-<random>`. */
function newWorkflowId(now: number): string {
  return `wf-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** What the next attempt of a task asks for: its spec's resources, with memory grown after an OOM. */
function resourcesOf(task: TaskRuntime): Resources {
  return task.memoryBytes === task.spec.resources.memoryBytes
    ? task.spec.resources
    : { ...task.spec.resources, memoryBytes: task.memoryBytes };
}
