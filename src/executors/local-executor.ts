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
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AttemptOutcome, NodeCapacity, NodeInfo } from '../model/index.js';
import { detectCapacity } from '../host/detect-capacity.js';
import { notifyListeners } from './executor.js';
import type { Executor, ExecutorCapabilities, ExecutorEvent, LaunchRequest } from './executor.js';
import {
  findProcessesByEnv,
  GNU_TIME_FORMAT,
  gnuTimeExecFailureText,
  isGroupRunning,
  isSameProcessRunning,
  parseRusage,
  processStartedAtMs,
  readProcStatSync,
  signalGroup,
  type RusageRecord,
} from './process-tools.js';

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

/** The JSON carried by `started.handle`: enough to find the process again and tell it from pid reuse. */
interface LocalHandle {
  pid: number;
  /** `/proc/PID/stat` field 22; null where unreadable (then the pid alone is never trusted). */
  startTicks: number | null;
  startedAt: number;
  logDir: string;
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
  readonly capabilities: ExecutorCapabilities = {
    gpus: true,
    containers: false,
    maxTasks: Infinity,
    reattach: true,
  };

  private readonly nodeId: string;
  private readonly killGraceMs: number;
  private readonly pollIntervalMs: number;
  private readonly gnuTime: string | null;
  private readonly declared: Partial<NodeCapacity>;
  /**
   * The engine's environment when the executor was made. Copying `process.env` (every read goes
   * through getenv) for each start would cost more than the rest of `start` but the spawn.
   */
  private readonly baseEnv: Readonly<Record<string, string>>;
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
    this.baseEnv = Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
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
    const [file, args] = this.gnuTime
      ? [
          this.gnuTime,
          ['-f', GNU_TIME_FORMAT, '-o', join(req.logDir, 'rusage'), '--', target.file, ...target.args],
        ]
      : [target.file, target.args];

    let fds: [number, number];
    try {
      fds = openLogFiles(req.logDir, stdoutPath, stderrPath);
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
        env: attemptEnv(this.baseEnv, req),
        // Leader of its own process group and session: stoppable as a tree, and it outlives the engine.
        detached: true,
        stdio: ['ignore', out, err],
      });
    } catch (error) {
      // Invalid arguments (a NUL byte in argv, ...) and some spawn errors throw instead of emitting.
      this.failLaunch(req, this.describeSpawnError(error, req, target.file));
      return;
    } finally {
      closeQuietly(out);
      closeQuietly(err);
    }

    const pid = child.pid;
    if (pid === undefined) {
      // ENOENT, EACCES, ...: the 'error' event follows on the next tick.
      child.once('error', (error) => this.failLaunch(req, this.describeSpawnError(error, req, target.file)));
      return;
    }
    const startTicks = readProcStatSync(pid)?.startTicks ?? null;
    const attempt: Watched = {
      req,
      pid,
      startTicks,
      pgid: pid,
      logDir: req.logDir,
      startedAt,
      child,
      wrapped: this.gnuTime !== null,
      leaderExit: null,
      leaderGone: false,
      stop: null,
      ending: false,
      timeoutTimer: null,
      graceTimer: null,
      loopTimer: null,
    };
    this.watched.set(req.attemptId, attempt);
    child.on('error', () => {
      // After a successful spawn only kill() can fail, and the group is signalled directly instead.
    });
    child.once('exit', (code, signal) => this.onLeaderExit(attempt, code, signal));
    this.armTimeout(attempt);
    const handle: LocalHandle = { pid, startTicks, startedAt, logDir: req.logDir };
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
    const known = parseHandle(handle);
    const logDir = known?.logDir ?? req.logDir;

    let found: { pid: number; pgid: number; startTicks: number | null; startedAt: number | null } | null =
      null;
    if (known) {
      if (known.startTicks !== null && (await isSameProcessRunning(known.pid, known.startTicks))) {
        found = { pid: known.pid, pgid: known.pid, startTicks: known.startTicks, startedAt: known.startedAt };
      }
    } else {
      // No handle (the engine died between spawn and recording it): every process of the attempt
      // carries its id in its environment. The group leader is the attempt. Without it, a record
      // means the attempt ended (what survives was left behind on purpose, `cmd &`); with no record,
      // the oldest survivor is followed (its end is all there is left to know).
      const procs = await findProcessesByEnv('STRATA_ATTEMPT_ID', req.attemptId);
      procs.sort((a, b) => a.startTicks - b.startTicks);
      const leader =
        procs.find((p) => p.pid === p.pgrp) ?? ((await readRusageFile(logDir)) ? undefined : procs[0]);
      if (leader) {
        found = {
          pid: leader.pid,
          pgid: leader.pgrp,
          startTicks: leader.startTicks,
          startedAt: processStartedAtMs(leader.startTicks),
        };
      }
    }
    if (this.closed || this.watched.has(req.attemptId)) return this.closed ? 'lost' : 'attached';

    if (found) {
      const attempt: Watched = {
        req,
        ...found,
        logDir,
        child: null,
        wrapped: null,
        leaderExit: null,
        leaderGone: false,
        stop: null,
        ending: false,
        timeoutTimer: null,
        graceTimer: null,
        loopTimer: null,
      };
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
    const immediate = setImmediate(() => {
      this.pendingImmediates.delete(immediate);
      this.emit({ kind: 'finished', attemptId: req.attemptId, outcome });
    });
    this.pendingImmediates.add(immediate);
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
    const outcome: AttemptOutcome = {
      status: 'failed',
      exitCode: null,
      signal: null,
      startedAt: null,
      endedAt: Date.now(),
      cpuTimeMs: null,
      peakRssBytes: null,
      message,
    };
    // Emitted after `start` resolves, as the contract says ("then a `finished` event follows").
    const immediate = setImmediate(() => {
      this.pendingImmediates.delete(immediate);
      this.emit({ kind: 'finished', attemptId: req.attemptId, outcome });
    });
    this.pendingImmediates.add(immediate);
  }

  private describeSpawnError(error: unknown, req: LaunchRequest, command: string): string {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const workdirProblem = checkDirectory(req.workdir);
    if (workdirProblem) return workdirProblem;
    if (this.gnuTime) return `cannot run ${this.gnuTime}: ${errorText(error)}`;
    if (code === 'ENOENT') return `command not found: ${command}`;
    if (code === 'EACCES') return `permission denied: ${command}`;
    return `cannot start ${command}: ${errorText(error)}`;
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
      if (!attempt.leaderGone && attempt.child === null && attempt.startTicks !== null) {
        attempt.leaderGone = !(await isSameProcessRunning(attempt.pid, attempt.startTicks));
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
      const running =
        attempt.startTicks !== null && (await isSameProcessRunning(attempt.pid, attempt.startTicks));
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

/** What to exec, without GNU time; a string is why it cannot be run. */
function commandLine(req: LaunchRequest): { file: string; args: string[] } | string {
  if ('shell' in req.command) return { file: '/bin/sh', args: ['-c', req.command.shell] };
  const [file, ...args] = req.command.argv;
  if (file === undefined || file === '') return 'empty command: argv has no program to run';
  return { file, args };
}

/** The attempt's environment: the engine's, the task's, then Strata's own variables (which win). */
function attemptEnv(base: Readonly<Record<string, string>>, req: LaunchRequest): Record<string, string> {
  return {
    ...base,
    ...req.env,
    STRATA_ATTEMPT_ID: req.attemptId,
    STRATA_WORKFLOW_ID: req.workflowId,
    STRATA_TASK: req.taskName,
    STRATA_ATTEMPT: String(req.attempt),
    // Empty when no GPU was given, so that a task cannot grab one behind the scheduler's back.
    CUDA_VISIBLE_DEVICES: req.gpuIds.join(','),
  };
}

function parseHandle(handle: string | null): LocalHandle | null {
  if (handle === null) return null;
  try {
    const value = JSON.parse(handle) as Partial<LocalHandle> | null;
    if (
      value &&
      Number.isInteger(value.pid) &&
      (value.pid ?? 0) > 0 &&
      (value.startTicks === null || typeof value.startTicks === 'number') &&
      typeof value.startedAt === 'number' &&
      typeof value.logDir === 'string'
    ) {
      return value as LocalHandle;
    }
  } catch {
    // not ours: treated like a missing handle
  }
  return null;
}

/**
 * The GNU time record of an attempt, or null when there is none (yet). Read synchronously: a file of
 * about 100 bytes that was just written costs three quick syscalls, far less than the four thread-pool
 * round trips of an asynchronous read (and this runs once per attempt).
 */
function readRusage(logDir: string): RusageRecord | null {
  try {
    return parseRusage(readFileSync(join(logDir, 'rusage'), 'utf8'));
  } catch {
    return null;
  }
}

/** The record with the time it was written: when the attempt ended, if nobody was watching it. */
async function readRusageFile(logDir: string): Promise<{ rusage: RusageRecord; mtimeMs: number } | null> {
  const path = join(logDir, 'rusage');
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const rusage = parseRusage(text);
    return rusage ? { rusage, mtimeMs: Math.round(info.mtimeMs) } : null;
  } catch {
    return null;
  }
}

/** Creates the log directory and opens (truncating) both log files; returns their fds. */
function openLogFiles(logDir: string, stdoutPath: string, stderrPath: string): [number, number] {
  mkdirSync(logDir, { recursive: true });
  const out = openSync(stdoutPath, 'w');
  try {
    return [out, openSync(stderrPath, 'w')];
  } catch (error) {
    closeQuietly(out);
    throw error;
  }
}

/**
 * GNU time reports a command it could not exec on its stderr (the attempt's `stderr.log`) as
 * `<time>: cannot run <cmd>: <reason>`, then exits 127 (not found) or 126 (not executable).
 */
async function gnuTimeExecFailure(logDir: string, command: string): Promise<string | null> {
  let text: string;
  try {
    text = (await readFile(join(logDir, 'stderr.log'), 'utf8')).slice(0, 4096);
  } catch {
    return null;
  }
  return gnuTimeExecFailureText(text, command);
}

/**
 * How an exited attempt ended. Killed by SIGKILL (not by Strata: cancels and timeouts are handled
 * before this) after reaching at least the memory it asked for: taken as out of memory — the
 * kernel's OOM killer sends SIGKILL — so that the engine retries it asking for more.
 */
function exitOutcome(
  exit: { exitCode: number | null; signal: string | null },
  startedAt: number | null,
  endedAt: number,
  rusage: RusageRecord | null,
  memoryBytes = 0,
): AttemptOutcome {
  const succeeded = exit.exitCode === 0 && exit.signal === null;
  const outcome: AttemptOutcome = {
    status: succeeded ? 'succeeded' : 'failed',
    exitCode: exit.signal === null ? exit.exitCode : null,
    signal: exit.signal,
    startedAt,
    endedAt,
    cpuTimeMs: rusage?.cpuTimeMs ?? null,
    peakRssBytes: rusage?.peakRssBytes ?? null,
  };
  if (!succeeded) {
    outcome.message =
      exit.signal !== null ? `killed by signal ${exit.signal}` : `exited with code ${exit.exitCode}`;
    const peak = outcome.peakRssBytes;
    if (exit.signal === 'SIGKILL' && memoryBytes > 0 && peak !== null && peak >= memoryBytes) {
      outcome.outOfMemory = true;
      outcome.message = `killed by SIGKILL after using ${peak} bytes, its request ${memoryBytes}: out of memory`;
    }
  }
  return outcome;
}

function emptyOutcome(
  status: AttemptOutcome['status'],
  startedAt: number | null,
  endedAt: number,
): AttemptOutcome {
  return { status, exitCode: null, signal: null, startedAt, endedAt, cpuTimeMs: null, peakRssBytes: null };
}

/** Why `dir` cannot be a working directory, or null when it can. */
function checkDirectory(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return `working directory is not a directory: ${dir}`;
    accessSync(dir, fsConstants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `working directory does not exist: ${dir}`;
    return `working directory is not usable: ${dir} (${errorText(error)})`;
  }
}

function clearTimers(attempt: Watched): void {
  if (attempt.timeoutTimer) clearTimeout(attempt.timeoutTimer);
  if (attempt.graceTimer) clearTimeout(attempt.graceTimer);
  if (attempt.loopTimer) clearTimeout(attempt.loopTimer);
  attempt.timeoutTimer = attempt.graceTimer = attempt.loopTimer = null;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
