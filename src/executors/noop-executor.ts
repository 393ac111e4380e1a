/**
 * A test double of an executor: it "runs" attempts without any process, for engine tests and engine
 * benchmarks (where spawning would hide the engine's own cost). It is not a real executor: it declares
 * `runsCommands: false`, so the conformance suite checks only its event contract, and it cannot
 * re-attach anything.
 *
 * Attempts without a delay finish in one batch per event-loop turn (one `setImmediate` for all of
 * them), so that it sustains well over 100,000 attempts a second.
 *
 * @example
 * const executor = new NoopExecutor({
 *   behaviour: (req) => (req.taskName === 'flaky' ? { status: 'failed', exitCode: 1 } : {}),
 * });
 */
import type { AttemptOutcome, NodeCapacity, NodeInfo } from '../model/index.js';
import { executorCapabilities } from './executor.js';
import type { Executor, ExecutorCapabilities, ExecutorEvent, LaunchRequest } from './executor.js';

/** How a fake attempt ends. */
export interface NoopBehaviour {
  /** Default `'succeeded'`. */
  status?: AttemptOutcome['status'];
  /** Default 0 when it succeeds, 1 when it fails, null otherwise. */
  exitCode?: number;
  /** How long it "runs"; default 0 (finishes on the next turn of the event loop). */
  delayMs?: number;
  /** Report it as out of memory, with this peak memory (bytes) if given. */
  outOfMemory?: boolean;
  peakRssBytes?: number;
}

export interface NoopExecutorOptions {
  /** Default: a node too large to ever be full (1e9 CPUs, 4 PiB, no GPUs). */
  capacity?: NodeCapacity;
  behaviour?: (req: LaunchRequest) => NoopBehaviour;
}

interface Pending {
  req: LaunchRequest;
  startedAt: number;
  status: AttemptOutcome['status'];
  exitCode: number | null;
  message?: string;
  outOfMemory?: boolean;
  peakRssBytes: number | null;
  timer: NodeJS.Timeout | null;
  /** In the batch of the next turn. */
  batched: boolean;
}

const HUGE_CAPACITY: NodeCapacity = { cpus: 1e9, memoryBytes: 2 ** 52, gpuIds: [] };

export class NoopExecutor implements Executor {
  readonly name = 'noop';
  readonly capabilities: ExecutorCapabilities = executorCapabilities({
    runsCommands: false,
    reattach: false,
  });

  private readonly capacity: NodeCapacity;
  private readonly behaviour: (req: LaunchRequest) => NoopBehaviour;
  private readonly listeners: ((event: ExecutorEvent) => void)[] = [];
  private readonly pending = new Map<string, Pending>();
  /** Attempts due on the next turn, finished together by one `setImmediate`. */
  private batch: Pending[] = [];
  private batchImmediate: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(options: NoopExecutorOptions = {}) {
    this.capacity = options.capacity ?? HUGE_CAPACITY;
    this.behaviour = options.behaviour ?? (() => ({}));
  }

  async nodes(): Promise<NodeInfo[]> {
    return [
      {
        id: 'noop',
        executor: this.name,
        capacity: { ...this.capacity, gpuIds: [...this.capacity.gpuIds] },
        labels: {},
      },
    ];
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  async start(req: LaunchRequest): Promise<void> {
    if (this.closed) throw new Error('this NoopExecutor is closed');
    if (this.pending.has(req.attemptId)) throw new Error(`attempt ${req.attemptId} is already running here`);
    const behaviour = this.behaviour(req);
    const startedAt = Date.now();
    const status = behaviour.status ?? 'succeeded';
    const attempt: Pending = {
      req,
      startedAt,
      status,
      exitCode: behaviour.exitCode ?? (status === 'succeeded' ? 0 : status === 'failed' ? 1 : null),
      ...(behaviour.outOfMemory ? { outOfMemory: true, message: 'ran out of memory' } : {}),
      peakRssBytes: behaviour.peakRssBytes ?? null,
      timer: null,
      batched: false,
    };
    this.pending.set(req.attemptId, attempt);
    this.emit({
      kind: 'started',
      attemptId: req.attemptId,
      at: startedAt,
      nodeId: req.nodeId,
      handle: '{}',
      stdoutPath: '/dev/null',
      stderrPath: '/dev/null',
    });

    const delayMs = behaviour.delayMs ?? 0;
    const timeoutMs = req.timeoutMs;
    if (timeoutMs !== undefined && delayMs > timeoutMs) {
      attempt.status = 'timed-out';
      attempt.exitCode = null;
      attempt.message = `timed out after ${timeoutMs} ms`;
      attempt.timer = setTimeout(() => this.finish(attempt), timeoutMs);
    } else if (delayMs > 0) {
      attempt.timer = setTimeout(() => this.finish(attempt), delayMs);
    } else {
      this.enqueue(attempt);
    }
  }

  async cancel(attemptId: string, reason?: string): Promise<void> {
    const attempt = this.pending.get(attemptId);
    if (!attempt || attempt.status === 'cancelled') return;
    if (attempt.timer) clearTimeout(attempt.timer);
    attempt.timer = null;
    attempt.status = 'cancelled';
    attempt.exitCode = null;
    attempt.message = reason ? `cancelled: ${reason}` : 'cancelled';
    // Not emitted from inside `cancel`: the `finished` event follows, as with a real executor. If it is
    // already batched, the batch emits it with the new status.
    if (!attempt.batched) this.enqueue(attempt);
  }

  async reattach(): Promise<'attached' | 'lost'> {
    return 'lost';
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const attempt of this.pending.values()) if (attempt.timer) clearTimeout(attempt.timer);
    if (this.batchImmediate) clearImmediate(this.batchImmediate);
    this.batchImmediate = null;
    this.batch = [];
    this.pending.clear();
  }

  private enqueue(attempt: Pending): void {
    attempt.batched = true;
    this.batch.push(attempt);
    this.batchImmediate ??= setImmediate(() => {
      const due = this.batch;
      this.batch = [];
      this.batchImmediate = null;
      for (const each of due) this.finish(each);
    });
  }

  private finish(attempt: Pending): void {
    if (this.pending.get(attempt.req.attemptId) !== attempt) return;
    this.pending.delete(attempt.req.attemptId);
    const outcome: AttemptOutcome = {
      status: attempt.status,
      exitCode: attempt.exitCode,
      signal: null,
      startedAt: attempt.startedAt,
      endedAt: Date.now(),
      cpuTimeMs: null,
      peakRssBytes: attempt.peakRssBytes,
    };
    if (attempt.message !== undefined) outcome.message = attempt.message;
    if (attempt.outOfMemory) outcome.outOfMemory = true;
    this.emit({ kind: 'finished', attemptId: attempt.req.attemptId, outcome });
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
