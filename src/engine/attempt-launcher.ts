/**
 * The engine's side of the executor: turns a placement into a launch request, starts and kills
 * attempts, and brings the executor's reports back into the loop (a successful exit only after its
 * outputs are validated). It records each attempt's row in the turn, but starts or kills nothing
 * before that turn is committed: those actions go into `turn.after`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseHandleJson } from '../executors/executor.js';
import type { Executor, ExecutorEvent, LaunchRequest } from '../executors/executor.js';
import type { AttemptOutcome } from '../model/index.js';
import type { AttemptRecord } from '../store/store.js';
import type { CapacityLedger } from './capacity-ledger.js';
import { coerceError } from '../model/index.js';
import type { Turn } from './turn.js';
import { needsValidation, validateAttempt } from './validate-attempt.js';
import { ServerEnvironment } from './server-env.js';
import { resourcesOf } from './workflow-runtime.js';
import type { StopMode, TaskRuntime, WorkflowRuntime } from './workflow-runtime.js';
import { newAttemptRecord } from '../store/attempt-record.js';

/** How often the executor is asked to find an adopted attempt before it is taken as lost. */
const REATTACH_TRIES = 3;

export interface AttemptEndedInfo {
  workflowId: string;
  task: string;
  status: AttemptOutcome['status'];
  queueWaitMs: number | null;
  runMs: number | null;
}

export interface InFlight {
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

/** An attempt that outlived an earlier engine, to hand back to the executor. */
export interface Reattach {
  flight: InFlight;
  handle: string | null;
}

export class AttemptLauncher {
  private readonly inFlight = new Map<string, InFlight>();
  /** Executor reports waiting for the next turn. */
  private readonly inbox: ExecutorEvent[] = [];
  /** Where each task's base and inherited variables come from (never the whole of it). */
  private readonly serverEnv = new ServerEnvironment();

  constructor(
    private readonly executor: Executor,
    /** Where attempt logs go: `<stateDir>/logs/<workflow>/<task>.<attempt>/`. */
    private readonly stateDir: string,
    private readonly ledger: CapacityLedger,
    private readonly clock: () => number,
    private readonly observer: { attemptEnded?(info: AttemptEndedInfo): void } | undefined,
    /** Asks the loop for a turn (a report arrived). */
    private readonly wake: () => void,
    /** The executor failed us: the engine must stop. */
    private readonly fail: (error: Error) => void,
  ) {}

  /** Subscribes to the executor's reports. */
  listen(): void {
    this.executor.onEvent((e) => this.onExecutorEvent(e));
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get reportsWaiting(): number {
    return this.inbox.length;
  }

  flightOf(attemptId: string): InFlight | undefined {
    return this.inFlight.get(attemptId);
  }

  /** Takes every report received so far. */
  drainReports(): ExecutorEvent[] {
    return this.inbox.splice(0, this.inbox.length);
  }

  /** Puts a report back for the next turn (its task has already changed in this one). */
  defer(report: ExecutorEvent): void {
    this.inbox.push(report);
  }

  /**
   * Records a new attempt of `task` on `nodeId` in the turn and holds its resources; the executor
   * starts it once the turn is committed. Returns the attempt's number.
   */
  launch(
    turn: Turn,
    wf: WorkflowRuntime,
    task: TaskRuntime,
    nodeId: string,
    gpuIds: number[],
    now: number,
  ): number {
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
    turn.attempts.push({
      kind: 'insert',
      attempt: newAttemptRecord({
        workflowId: wf.record.id,
        taskIdx: task.idx,
        number: attempt,
        executor: this.executor.name,
        node: nodeId,
        queuedAt: now,
        // Where the attempt's trace will be, before the executor reports anything: an engine that
        // adopts it after a crash looks there, whatever its own state directory (see `adopt`).
        handle: JSON.stringify({ logDir: request.logDir }),
      }),
    });
    turn.afterCommit(wf.record.id, () => {
      this.prepareDirs(task, request);
      this.executor
        .start(request)
        .then(() => {
          flight.launched = true;
          if (flight.stop) this.kill(flight);
        })
        .catch((e) => this.fail(coerceError(e)));
    });
    return attempt;
  }

  /** Holds again for an attempt recorded open before a restart (see `reattach`). */
  adopt(wf: WorkflowRuntime, task: TaskRuntime, attempt: AttemptRecord): Reattach {
    // GPU ids are not part of the attempt record: a re-attached attempt holds CPUs and memory only.
    const nodeId = attempt.node ?? this.ledger.defaultNodeId();
    const request = this.launchRequest(wf, task, attempt.number, nodeId, []);
    // The engine that launched it may have had another state directory (another host or `--home`).
    const recorded = recordedLogDir(attempt.handle);
    if (recorded) request.logDir = recorded;
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
    return { flight, handle: attempt.handle };
  }

  /**
   * Stops driving the attempts of a workflow this engine no longer holds, without killing them:
   * the engine that took the workflow over re-attaches them. Their reports are ignored from now on.
   */
  forget(wf: WorkflowRuntime): void {
    for (const [id, flight] of this.inFlight) {
      if (flight.wf !== wf) continue;
      this.inFlight.delete(id);
      this.release(flight);
    }
  }

  /**
   * Hands adopted attempts back to the executor; one it cannot find is reported lost. An executor
   * that fails to look (it threw) is asked again a few times: an attempt is declared lost only on
   * the executor's word, never because looking failed once.
   */
  async reattach(list: readonly Reattach[]): Promise<void> {
    for (const { flight, handle } of list) {
      let result: 'attached' | 'lost' | Error = new Error('not asked');
      for (let tries = 0; tries < REATTACH_TRIES && result instanceof Error; tries++) {
        if (tries > 0) await new Promise((r) => setTimeout(r, 200 * tries));
        if (this.inFlight.get(flight.request.attemptId) !== flight) break; // dropped meanwhile
        result = await this.executor.reattach(flight.request, handle).catch((e) => coerceError(e));
      }
      if (this.inFlight.get(flight.request.attemptId) !== flight) continue;
      if (result !== 'attached') {
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
            message:
              result instanceof Error
                ? `the attempt could not be found again after the engine restarted: ${result.message}`
                : 'the attempt left no trace after the engine restarted',
          },
        });
        this.wake();
      }
    }
  }

  /** Records that the executor started an attempt. */
  recordStarted(turn: Turn, flight: InFlight, report: Extract<ExecutorEvent, { kind: 'started' }>): void {
    flight.startedAt = report.at;
    flight.stdoutPath = report.stdoutPath;
    turn.attempts.push({
      kind: 'update',
      workflowId: flight.wf.record.id,
      taskIdx: flight.task.idx,
      number: flight.attempt,
      status: 'running',
      node: report.nodeId,
      handle: report.handle,
      startedAt: report.at,
      stdoutPath: report.stdoutPath,
      stderrPath: report.stderrPath,
    });
  }

  /**
   * Records an attempt's end and frees what it held. Returns its status as recorded: an attempt
   * Strata was stopping that did not succeed counts as cancelled.
   */
  recordFinished(turn: Turn, flight: InFlight, outcome: AttemptOutcome): AttemptOutcome['status'] {
    const { wf, task } = flight;
    this.inFlight.delete(flight.request.attemptId);
    this.release(flight);
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
    return status;
  }

  /** Marks a workflow's attempts in flight as stopping, and kills them once the turn is committed. */
  stop(turn: Turn, wf: WorkflowRuntime): void {
    for (const flight of this.inFlight.values()) {
      if (flight.wf !== wf || flight.stop) continue;
      flight.stop = wf.stopping;
      if (flight.launched) turn.afterCommit(wf.record.id, () => this.kill(flight));
    }
  }

  private kill(flight: InFlight): void {
    this.executor
      .cancel(flight.request.attemptId, flight.stop ?? 'cancel')
      .catch((e) => this.fail(coerceError(e)));
  }

  private onExecutorEvent(event: ExecutorEvent): void {
    const flight = this.inFlight.get(event.attemptId);
    if (!flight) return; // an attempt of a workflow this engine does not drive (any more)
    if (
      event.kind === 'finished' &&
      event.outcome.status === 'succeeded' &&
      needsValidation(flight.task.spec)
    ) {
      // Validate before the report reaches the loop: the task stays running until it is judged.
      // The validator gets the task's environment, not the engine's.
      const env = flight.request.env;
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

  private hold(flight: InFlight): void {
    flight.wf.active += 1;
    this.ledger.hold(flight.request);
    this.inFlight.set(flight.request.attemptId, flight);
  }

  private release(flight: InFlight): void {
    flight.wf.active -= 1;
    this.ledger.release(flight.request);
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
      env: this.serverEnv.forTask(task.spec),
      workdir,
      resources: resourcesOf(task),
      nodeId,
      gpuIds,
      ...(task.spec.timeoutMs !== undefined ? { timeoutMs: task.spec.timeoutMs } : {}),
      // One folder per attempt directly under the workflow's: one mkdir per attempt, not three.
      logDir: join(this.stateDir, 'logs', wf.record.id, `${safeName(task.name)}.${attempt}`),
    };
  }

  /**
   * The workdir and the folders of declared outputs exist before the command runs. Made every time
   * (one `mkdir` that finds the folder there): remembering which were made would miss one deleted
   * since, and fail every later attempt in it.
   */
  private prepareDirs(task: TaskRuntime, request: LaunchRequest): void {
    const { workdir } = request;
    const dirs = new Set([
      dirname(request.logDir),
      workdir,
      ...task.spec.outputs.map((o) => dirname(isAbsolute(o) ? o : resolve(workdir, o))),
    ]);
    for (const dir of dirs) {
      try {
        // The state and log folders are the owner's alone; a task's own folders follow the umask.
        mkdirSync(
          dir,
          dir === dirname(request.logDir) ? { recursive: true, mode: 0o700 } : { recursive: true },
        );
      } catch {
        // The executor reports a workdir it cannot use; a missing output folder fails validation.
      }
    }
  }
}

/** The `logDir` an attempt's handle (or its launch note) names, if any. */
function recordedLogDir(handle: string | null): string | null {
  const note = parseHandleJson<{ logDir: string }>(handle, (v) =>
    typeof v.logDir === 'string' && isAbsolute(v.logDir) ? { logDir: v.logDir } : null,
  );
  return note?.logDir ?? null;
}

/** A task name as a folder name (array members keep their index: `work[3]`). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._[\]-]/g, '_');
}
