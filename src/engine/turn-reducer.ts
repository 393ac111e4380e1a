/**
 * Decides what a turn does, from the in-memory mirror alone: which reports move which tasks, which
 * retries came due, what a stopping workflow cancels, which ready tasks the scheduler places, and
 * which workflows are finished. Every decision is a change recorded in the `Turn` (through `move`,
 * the one place a task changes state); nothing here talks to the store or starts anything.
 */
import {
  isTaskTransitionAllowed,
  retryDelayMs,
  TERMINAL_TASK_STATES,
  WORKFLOW_TRANSITIONS,
} from '../model/index.js';
import type { AttemptOutcome, TaskState } from '../model/index.js';
import type { ReadyTask, Scheduler } from '../scheduler/index.js';
import type { AttemptRecord } from '../store/store.js';
import type { AttemptLauncher, InFlight, Reattach } from './attempt-launcher.js';
import type { CapacityLedger } from './capacity-ledger.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { Turn } from './turn.js';
import { descendantsOf, finalState, resourcesOf } from './workflow-runtime.js';
import type { StopMode, TaskRuntime, WorkflowRuntime } from './workflow-runtime.js';

/** Lost attempts (infrastructure failures) retried for free before they count as failures. */
const MAX_FREE_LOST_ATTEMPTS = 5;

interface ReadyEntry {
  wf: WorkflowRuntime;
  task: TaskRuntime;
}

export class TurnReducer {
  /** Ready tasks in arrival order (FIFO), some possibly stale: checked when dispatched. */
  private readyQueue: ReadyEntry[] = [];
  /** Ready tasks whose retry delay has not passed. */
  private delayed: ReadyEntry[] = [];

  constructor(
    /** The workflows the engine drives (shared with it). */
    private readonly workflows: Map<string, WorkflowRuntime>,
    private readonly launcher: AttemptLauncher,
    private readonly ledger: CapacityLedger,
    private readonly leases: LeaseKeeper,
    private readonly scheduler: Scheduler,
    /** Most tasks considered for dispatch per turn. */
    private readonly maxDispatch: number,
    private readonly clock: () => number,
    private readonly random: () => number,
  ) {}

  /** Ready tasks not yet placed (the loop takes another turn while there are some). */
  get readyWaiting(): number {
    return this.readyQueue.length;
  }

  /** A turn's decisions once its requests are applied, in the order that keeps one change per task. */
  reduce(turn: Turn): void {
    this.takeReports(turn);
    this.promoteDueRetries();
    this.sweepStopping(turn);
    this.dispatch(turn);
    this.finishWorkflows(turn);
  }

  /** When the loop must wake with nothing else to wake it: the next retry due, or the scheduler's ask. */
  nextWakeAt(now: number): number {
    let next = Infinity;
    for (const e of this.delayed) next = Math.min(next, e.task.readyAt);
    const held = this.readyQueue.length > 0 ? this.scheduler.nextWakeAt?.(now) : undefined;
    if (held !== undefined && held > now) next = Math.min(next, held);
    return next;
  }

  /** Starts driving a workflow just created: its tasks without dependencies are ready. */
  drive(wf: WorkflowRuntime): void {
    this.workflows.set(wf.record.id, wf);
    for (const task of wf.tasks) if (task.state === 'ready') this.readyQueue.push({ wf, task });
  }

  /**
   * Starts driving a workflow read back from the store: ready tasks are queued, attempts recorded
   * open are returned to be re-attached, and tasks whose attempt left no record are ready again.
   */
  adopt(turn: Turn, wf: WorkflowRuntime, attempts: readonly AttemptRecord[]): Reattach[] {
    const open = new Map(
      attempts.filter((a) => a.status === 'queued' || a.status === 'running').map((a) => [a.taskIdx, a]),
    );
    const reattach: Reattach[] = [];
    this.workflows.set(wf.record.id, wf);
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
        reattach.push(this.launcher.adopt(wf, task, attempt));
      }
    }
    return reattach;
  }

  /** Stops a workflow (cancel, interrupt); a second request for the same stop changes nothing. */
  stop(turn: Turn, wf: WorkflowRuntime, mode: StopMode, reason: string): void {
    if (wf.stopping === mode) return;
    wf.stopping = mode;
    this.sweep(turn, wf, reason);
  }

  /** Brings finished tasks back (retry/resume) with a fresh retry budget, in topological order. */
  reopen(turn: Turn, wf: WorkflowRuntime, candidates: readonly TaskRuntime[], reason: string): void {
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

  private takeReports(turn: Turn): void {
    for (const report of this.launcher.drainReports()) {
      const flight = this.launcher.flightOf(report.attemptId);
      if (!flight) continue;
      if (turn.touched.has(flight.task)) {
        this.launcher.defer(report); // one change per task per turn: next turn
        continue;
      }
      if (report.kind === 'started') {
        if (flight.task.state !== 'queued') continue;
        this.launcher.recordStarted(turn, flight, report);
        this.move(turn, flight.wf, flight.task, 'running', { attempt: flight.attempt });
      } else this.onFinished(turn, flight, report.outcome);
    }
  }

  private onFinished(turn: Turn, flight: InFlight, outcome: AttemptOutcome): void {
    const { wf, task } = flight;
    const status = this.launcher.recordFinished(turn, flight, outcome);
    const now = this.clock();
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
    const largest = this.ledger.largestMemoryBytes();
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
    this.launcher.stop(turn, wf);
  }

  private dispatch(turn: Turn): void {
    if (this.readyQueue.length === 0) return;
    if (this.ledger.freeCpus() <= 0) return;

    const candidates: ReadyEntry[] = [];
    const keep: ReadyEntry[] = [];
    const now = this.clock();
    let i = 0;
    for (; i < this.readyQueue.length && candidates.length < this.maxDispatch; i++) {
      const entry = this.readyQueue[i]!;
      const { wf, task } = entry;
      // Stale: moved on, or of a workflow dropped (or dropped and adopted again as a new runtime).
      if (task.state !== 'ready' || wf.stopping || this.workflows.get(wf.record.id) !== wf) continue;
      if (turn.touched.has(task)) {
        keep.push(entry);
        continue;
      }
      if (task.readyAt > now) {
        this.delayed.push(entry);
        continue;
      }
      if (!this.ledger.fitsSomeNode(resourcesOf(task))) {
        this.move(turn, wf, task, 'failed', { reason: this.ledger.unschedulable(resourcesOf(task)) });
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
    const placements = this.scheduler.place(ready, this.ledger.views(), now);
    const placed = new Set<number>();
    for (const p of placements) {
      const k = Number(p.key);
      const entry = candidates[k];
      if (!entry) continue;
      placed.add(k);
      const attempt = this.launcher.launch(turn, entry.wf, entry.task, p.nodeId, p.gpuIds, now);
      this.move(turn, entry.wf, entry.task, 'queued', { attempt });
    }
    const unplaced = candidates.filter((_, k) => !placed.has(k));
    this.readyQueue = keep.concat(unplaced, rest);
  }

  private finishWorkflows(turn: Turn): void {
    const now = this.clock();
    for (const wf of [...this.workflows.values()]) {
      if (wf.open > 0) {
        if (wf.stopping === 'interrupt' && wf.active === 0) {
          this.workflows.delete(wf.record.id);
          turn.letGo.set(wf.record.id, wf);
          turn.afterCommit(wf.record.id, () => {
            void this.leases.release(wf.record.id);
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
      turn.letGo.set(wf.record.id, wf);
      turn.afterCommit(wf.record.id, () => {
        void this.leases.release(wf.record.id);
        for (const w of wf.waiters) w(state);
      });
    }
  }

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
}

function describeOutcome(o: AttemptOutcome): string {
  if (o.signal) return `killed by ${o.signal}`;
  if (o.exitCode !== null) return `exit code ${o.exitCode}`;
  return o.status;
}
