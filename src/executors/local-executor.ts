/**
 * The local executor: runs each attempt as a child process group on this machine.
 *
 * Why it looks the way it does:
 * - Each attempt leads its own process group (`detached: true`), so that a timeout or a cancel can stop
 *   the whole tree it forked, and so that it keeps running when the engine dies: after a restart the
 *   engine re-attaches to it instead of running it twice.
 * - The exit status of a process goes to its parent alone. When the engine that spawned an attempt is
 *   gone, only GNU time, wrapped around the command, can tell how it ended: it writes the exit status,
 *   CPU time and peak memory to `<logDir>/rusage`. GNU time is also the only wrapper (no shell).
 * - `start` is a hot path (thousands of short attempts a minute): one `mkdir`, two `open`s, one spawn,
 *   one read of `/proc/PID/stat`; at the end one read of the small GNU time record. All synchronous:
 *   measured, thread-pool round trips cost more than these calls, and `start` then has no window in
 *   which a `cancel` could slip between its steps. stdout and stderr go straight to files, never
 *   through Node.
 *
 * It never decides what runs or where, and never writes to the store: it reports through events.
 *
 * @example
 * const executor = new LocalExecutor({ capacity: { cpus: 8 }, killGraceMs: 2000 });
 * executor.onEvent((event) => console.log(event.kind, event.attemptId));
 * await executor.start(request);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AttemptOutcome, NodeCapacity, NodeInfo } from '../model/index.js';
import { detectCapacity } from '../host/detect-capacity.js';
import { emptyOutcome, errorText, executorCapabilities, notifyListeners } from './executor.js';
import type { Executor, ExecutorCapabilities, ExecutorEvent, LaunchRequest } from './executor.js';
import {
  attemptEnv,
  closeQuietly,
  commandLine,
  describeSpawnError,
  openLogFiles,
  spawnLine,
  type LocalHandle,
} from './local-launch.js';
import { exitOutcome, gnuTimeExecFailure, readRusage, readRusageFile } from './local-outcome.js';
import { findAttempt, knownHandle, writeLaunchTrace } from './local-trace.js';
import { isAttemptRunning, isGroupRunning, readProcStatSync, signalGroup } from './process-tools.js';

export interface LocalExecutorOptions {
  /**
   * Declared capacity; anything not declared is detected (cpus: `os.availableParallelism()`, memory:
   * `os.totalmem()`, GPUs: `nvidia-smi --query-gpu=index --format=csv,noheader` if it exists, else none).
   */
  capacity?: Partial<NodeCapacity>;
  /** Default `'local'`. */
  nodeId?: string;
  /** A stop sends SIGTERM to the process group, then SIGKILL after this many ms. Default 5000. */
  killGraceMs?: number;
  /** How often a re-attached attempt is checked for exit. Default 250. */
  pollIntervalMs?: number;
  /**
   * GNU time, used for accounting. Default `/usr/bin/time` when it exists. Without it (or with `null`)
   * commands run bare: CPU time and peak RSS are reported as null, and an attempt that ends while no
   * engine is watching is reported `lost` after a restart (its exit status died with its parent).
   */
  gnuTime?: string | null;
}

type StopReason = 'timed-out' | 'cancelled';

/** One attempt this executor watches, launched here or re-attached. */
interface Watched {
  req: LaunchRequest;
  /** The process whose end ends the attempt (GNU time, or the command itself). */
  pid: number;
  startTicks: number | null;
  /** Process group of the attempt: what a stop signals. */
  pgid: number;
  logDir: string;
  startedAt: number | null;
  /** The ChildProcess when launched by this executor; null when re-attached (watched through /proc). */
  child: ChildProcess | null;
  /** Whether the command runs under GNU time (unknown, hence null, for re-attached attempts). */
  wrapped: boolean | null;
  leaderExit: { code: number | null; signal: NodeJS.Signals | null } | null;
  leaderGone: boolean;
  stop: { reason: StopReason; message: string; escalatedAt: number | null } | null;
  /** Set once the outcome is being assembled: nothing may stop or finish it again. */
  ending: boolean;
  timeoutTimer: NodeJS.Timeout | null;
  graceTimer: NodeJS.Timeout | null;
  loopTimer: NodeJS.Timeout | null;
}

const DEFAULT_GNU_TIME = '/usr/bin/time';
/** After SIGKILL, how long to wait for the group to vanish (a process in uninterruptible I/O lingers). */
const AFTER_KILL_WAIT_MS = 2000;

export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly capabilities: ExecutorCapabilities = executorCapabilities();

  private readonly nodeId: string;
  private readonly killGraceMs: number;
  private readonly pollIntervalMs: number;
  private readonly gnuTime: string | null;
  private readonly declared: Partial<NodeCapacity>;
  private capacityPromise: Promise<NodeCapacity> | null = null;
  private readonly listeners: ((event: ExecutorEvent) => void)[] = [];
  private readonly watched = new Map<string, Watched>();
  /** Finished-at-once re-attachments, emitted on the next turn so that `reattach` resolves first. */
  private readonly pendingImmediates = new Set<NodeJS.Immediate>();
  private closed = false;

  constructor(options: LocalExecutorOptions = {}) {
    this.nodeId = options.nodeId ?? 'local';
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.declared = options.capacity ?? {};
    this.gnuTime =
      options.gnuTime === undefined
        ? existsSync(DEFAULT_GNU_TIME)
          ? DEFAULT_GNU_TIME
          : null
        : options.gnuTime;
  }

  /** Whether commands run under GNU time (and so report CPU time and peak RSS). */
  get accounting(): boolean {
    return this.gnuTime !== null;
  }

  async nodes(): Promise<NodeInfo[]> {
    this.capacityPromise ??= detectCapacity(this.declared);
    const capacity = await this.capacityPromise;
    return [
      {
        id: this.nodeId,
        executor: this.name,
        capacity: { ...capacity, gpuIds: [...capacity.gpuIds] },
        labels: { hostname: hostname() },
      },
    ];
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  async start(req: LaunchRequest): Promise<void> {
    this.assertOpen();
    const id = req.attemptId;
    if (this.watched.has(id)) throw new Error(`attempt ${id} is already running here`);
    const stdoutPath = join(req.logDir, 'stdout.log');
    const stderrPath = join(req.logDir, 'stderr.log');
    const target = commandLine(req);
    if (typeof target === 'string') {
      this.failLaunch(req, target);
      return;
    }
    const [file, args] = spawnLine(target, this.gnuTime, req.logDir);

    let fds: [number, number];
    try {
      fds = openLogFiles(req.logDir, stdoutPath, stderrPath, this.gnuTime);
    } catch (error) {
      this.failLaunch(req, `cannot write the logs of the attempt in ${req.logDir}: ${errorText(error)}`);
      return;
    }
    const [out, err] = fds;

    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: req.workdir,
        // The request's environment and Strata's variables: nothing of the engine's own (task-env.ts).
        env: attemptEnv(req),
        // Leader of its own process group and session: stoppable as a tree, and it outlives the engine.
        detached: true,
        stdio: ['ignore', out, err],
      });
    } catch (error) {
      // Invalid arguments (a NUL byte in argv, ...) and some spawn errors throw instead of emitting.
      this.failLaunch(req, describeSpawnError(error, req, target.file, this.gnuTime));
      return;
    } finally {
      closeQuietly(out);
      closeQuietly(err);
    }

    const pid = child.pid;
    if (pid === undefined) {
      // ENOENT, EACCES, ...: the 'error' event follows on the next tick.
      child.once('error', (error) =>
        this.failLaunch(req, describeSpawnError(error, req, target.file, this.gnuTime)),
      );
      return;
    }
    const startTicks = readProcStatSync(pid)?.startTicks ?? null;
    const handle: LocalHandle = { pid, startTicks, startedAt, logDir: req.logDir, host: hostname() };
    writeLaunchTrace(handle);
    const attempt = watchedAttempt(req, {
      pid,
      startTicks,
      pgid: pid,
      logDir: req.logDir,
      startedAt,
      child,
      wrapped: this.gnuTime !== null,
    });
    this.watched.set(req.attemptId, attempt);
    child.on('error', () => {
      // After a successful spawn only kill() can fail, and the group is signalled directly instead.
    });
    child.once('exit', (code, signal) => this.onLeaderExit(attempt, code, signal));
    this.armTimeout(attempt);
    this.emit({
      kind: 'started',
      attemptId: req.attemptId,
      at: startedAt,
      nodeId: this.nodeId,
      handle: JSON.stringify(handle),
      stdoutPath,
      stderrPath,
    });
  }

  async cancel(attemptId: string, reason?: string): Promise<void> {
    const attempt = this.watched.get(attemptId);
    if (attempt) this.stop(attempt, 'cancelled', reason ? `cancelled: ${reason}` : 'cancelled');
  }

  async reattach(req: LaunchRequest, handle: string | null): Promise<'attached' | 'lost'> {
    this.assertOpen();
    if (this.watched.has(req.attemptId)) return 'attached';
    const known = knownHandle(handle, req.logDir);
    const logDir = known?.logDir ?? req.logDir;
    const found = await findAttempt(req, known, logDir);
    if (this.closed || this.watched.has(req.attemptId)) return this.closed ? 'lost' : 'attached';

    if (found) {
      const attempt = watchedAttempt(req, { ...found, logDir, child: null, wrapped: null });
      this.watched.set(req.attemptId, attempt);
      this.armTimeout(attempt);
      this.pollReattached(attempt);
      return 'attached';
    }

    // It ended while nobody watched: only GNU time's file knows how.
    const record = await readRusageFile(logDir);
    if (!record || this.closed) return 'lost';
    const endedAt = record.mtimeMs;
    const outcome = exitOutcome(
      record.rusage,
      known?.startedAt ?? endedAt - record.rusage.wallMs,
      endedAt,
      record.rusage,
      req.resources.memoryBytes,
    );
    this.finishLater(req.attemptId, outcome);
    return 'attached';
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const immediate of this.pendingImmediates) clearImmediate(immediate);
    this.pendingImmediates.clear();
    for (const attempt of this.watched.values()) {
      clearTimers(attempt);
      // A stop already asked for must not be forgotten: nobody would escalate it later.
      if (attempt.stop && attempt.stop.escalatedAt === null) signalGroup(attempt.pgid, 'SIGKILL');
      // Running attempts are left alone (re-attachable); only our hold on the event loop goes.
      attempt.child?.unref();
    }
    this.watched.clear();
  }

  // --- internals -----------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('this LocalExecutor is closed');
  }

  private emit(event: ExecutorEvent): void {
    if (this.closed) return;
    notifyListeners(this.listeners, event);
  }

  /** An attempt that never ran (so `startedAt` is null): its `finished` follows `start`, no `started`. */
  private failLaunch(req: LaunchRequest, message: string): void {
    const outcome: AttemptOutcome = { ...emptyOutcome('failed', null, Date.now()), message };
    // Emitted after `start` resolves, as the contract says ("then a `finished` event follows").
    this.finishLater(req.attemptId, outcome);
  }

  /** Emits `finished` on the next turn, for an attempt this executor does not watch. */
  private finishLater(attemptId: string, outcome: AttemptOutcome): void {
    const immediate = setImmediate(() => {
      this.pendingImmediates.delete(immediate);
      this.emit({ kind: 'finished', attemptId, outcome });
    });
    this.pendingImmediates.add(immediate);
  }

  private armTimeout(attempt: Watched): void {
    const timeoutMs = attempt.req.timeoutMs;
    if (timeoutMs === undefined) return;
    const elapsed = attempt.startedAt === null ? 0 : Date.now() - attempt.startedAt;
    attempt.timeoutTimer = setTimeout(
      () => this.stop(attempt, 'timed-out', `timed out after ${timeoutMs} ms`),
      Math.max(0, timeoutMs - elapsed),
    );
  }

  /** SIGTERM to the whole group now, SIGKILL after the grace period; finishes once the group is gone. */
  private stop(attempt: Watched, reason: StopReason, message: string): void {
    if (attempt.stop || attempt.ending) return;
    attempt.stop = { reason, message, escalatedAt: null };
    if (attempt.timeoutTimer) clearTimeout(attempt.timeoutTimer);
    attempt.timeoutTimer = null;
    signalGroup(attempt.pgid, 'SIGTERM');
    attempt.graceTimer = setTimeout(() => {
      attempt.graceTimer = null;
      if (attempt.stop) attempt.stop.escalatedAt = Date.now();
      signalGroup(attempt.pgid, 'SIGKILL');
    }, this.killGraceMs);
    if (attempt.loopTimer) clearTimeout(attempt.loopTimer); // replaces a re-attach poll
    this.waitForStop(attempt, 10);
  }

  private waitForStop(attempt: Watched, delayMs: number): void {
    this.loop(attempt, delayMs, async () => {
      const stop = attempt.stop;
      if (!stop) return;
      if (!attempt.leaderGone && attempt.child === null) {
        attempt.leaderGone = !(await isAttemptRunning(attempt.pid, attempt.startTicks));
      }
      const gone = attempt.leaderGone && !(await isGroupRunning(attempt.pgid));
      const stuck = stop.escalatedAt !== null && Date.now() - stop.escalatedAt > AFTER_KILL_WAIT_MS;
      if (gone || stuck) {
        await this.finishStopped(attempt, stuck && !gone);
      } else {
        this.waitForStop(attempt, Math.min(delayMs * 2, 200));
      }
    });
  }

  private pollReattached(attempt: Watched): void {
    this.loop(attempt, this.pollIntervalMs, async () => {
      if (attempt.stop) return; // the stop loop has taken over
      const running = await isAttemptRunning(attempt.pid, attempt.startTicks);
      if (attempt.stop) return;
      if (running) {
        this.pollReattached(attempt);
        return;
      }
      attempt.leaderGone = true;
      attempt.ending = true;
      const record = await readRusageFile(attempt.logDir);
      const endedAt = record?.mtimeMs ?? Date.now();
      this.finish(
        attempt,
        record
          ? exitOutcome(record.rusage, attempt.startedAt, endedAt, record.rusage)
          : {
              ...emptyOutcome('lost', attempt.startedAt, endedAt),
              message: 'the attempt ended while re-attached, but left no exit status (no GNU time record)',
            },
      );
    });
  }

  /** Runs `body` after `delayMs`, unless the attempt ends or the executor closes first. */
  private loop(attempt: Watched, delayMs: number, body: () => Promise<void>): void {
    attempt.loopTimer = setTimeout(() => {
      attempt.loopTimer = null;
      if (this.closed || this.watched.get(attempt.req.attemptId) !== attempt) return;
      body().catch((error: unknown) => {
        this.finish(attempt, {
          ...emptyOutcome('lost', attempt.startedAt, Date.now()),
          message: `lost track of the attempt: ${errorText(error)}`,
        });
      });
    }, delayMs);
  }

  private onLeaderExit(attempt: Watched, code: number | null, signal: NodeJS.Signals | null): void {
    attempt.leaderExit = { code, signal };
    attempt.leaderGone = true;
    if (attempt.stop || attempt.ending) return; // the stop loop sees `leaderGone`
    attempt.ending = true;
    if (attempt.timeoutTimer) clearTimeout(attempt.timeoutTimer);
    attempt.timeoutTimer = null;
    void this.finishExited(attempt, code, signal);
  }

  private async finishExited(
    attempt: Watched,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    const endedAt = Date.now();
    const rusage = attempt.wrapped ? readRusage(attempt.logDir) : null;
    const exit = rusage ?? { exitCode: code, signal };
    const outcome = exitOutcome(exit, attempt.startedAt, endedAt, rusage, attempt.req.resources.memoryBytes);
    if (
      attempt.wrapped &&
      (exit.exitCode === 127 || exit.exitCode === 126) &&
      'argv' in attempt.req.command
    ) {
      const notRun = await gnuTimeExecFailure(attempt.logDir, attempt.req.command.argv[0] ?? '');
      if (notRun) outcome.message = notRun;
    }
    this.finish(attempt, outcome);
  }

  private async finishStopped(attempt: Watched, stuck: boolean): Promise<void> {
    const stop = attempt.stop;
    if (!stop || attempt.ending) return;
    attempt.ending = true;
    const endedAt = Date.now();
    // GNU time dies with the group on SIGTERM, so its record is usually empty; the command may also
    // have ended on its own just before the stop.
    const rusage = readRusage(attempt.logDir);
    const killedWith = stop.escalatedAt === null ? 'SIGTERM' : 'SIGKILL';
    const exit =
      rusage ??
      (attempt.wrapped === false && attempt.leaderExit
        ? { exitCode: attempt.leaderExit.code, signal: attempt.leaderExit.signal }
        : { exitCode: null, signal: killedWith });
    this.finish(attempt, {
      status: stop.reason,
      exitCode: exit.exitCode,
      signal: exit.signal,
      startedAt: attempt.startedAt,
      endedAt,
      cpuTimeMs: rusage?.cpuTimeMs ?? null,
      peakRssBytes: rusage?.peakRssBytes ?? null,
      message: stuck ? `${stop.message}; some processes survived SIGKILL` : stop.message,
    });
  }

  private finish(attempt: Watched, outcome: AttemptOutcome): void {
    if (this.watched.get(attempt.req.attemptId) !== attempt) return; // already finished, or closed
    this.watched.delete(attempt.req.attemptId);
    clearTimers(attempt);
    this.emit({ kind: 'finished', attemptId: attempt.req.attemptId, outcome });
  }
}

/** A newly watched attempt: where its processes are, and nothing happened to it yet. */
function watchedAttempt(
  req: LaunchRequest,
  where: Pick<Watched, 'pid' | 'startTicks' | 'pgid' | 'logDir' | 'startedAt' | 'child' | 'wrapped'>,
): Watched {
  return {
    req,
    ...where,
    leaderExit: null,
    leaderGone: false,
    stop: null,
    ending: false,
    timeoutTimer: null,
    graceTimer: null,
    loopTimer: null,
  };
}

function clearTimers(attempt: Watched): void {
  if (attempt.timeoutTimer) clearTimeout(attempt.timeoutTimer);
  if (attempt.graceTimer) clearTimeout(attempt.graceTimer);
  if (attempt.loopTimer) clearTimeout(attempt.loopTimer);
  attempt.timeoutTimer = attempt.graceTimer = attempt.loopTimer = null;
}
