/**
 * The Slurm executor: each attempt is a Slurm batch job (or one element of a job array), submitted
 * with `sbatch --parsable`, watched with `squeue --json`, stopped with `scancel`, and read back
 * from `sacct` or the job completion log once Slurm's controller has forgotten it.
 *
 * Why it looks the way it does:
 * - Throughput. Starts that arrive in the same tick (the engine starts a turn's attempts together)
 *   are grouped by shape (workflow, resources, time limit) and each group goes as ONE `sbatch
 *   --array`. One `squeue --json` per poll covers every tracked job: the number of processes per
 *   poll never grows with the number of jobs.
 * - Robustness. A controller that cannot be reached is not a failure: tasks stay queued or running
 *   in Strata and are reconciled on the first poll that reads the queue again. A submission whose
 *   answer was lost is found again by the token in its comment before it is ever submitted twice.
 *   Slurm is told `--no-requeue`: Strata retries with a new attempt, Slurm never reruns a job behind
 *   its back.
 * - `started` is emitted when Slurm runs the job (a job pending in Slurm's queue is `queued` in
 *   Strata). The handle is the job id; a re-attach without handle finds the job by the attempt id in
 *   its comment.
 * - Commands go through a `CommandRunner`: here, or on a login node over SSH. Everything Slurm runs
 *   is written by `batchScript`, where every value is shell-quoted.
 *
 * It must never report a failure it has not seen (an unreachable controller says nothing about a
 * job), never submit an attempt twice, and never write to the store.
 *
 * @example
 * const executor = new SlurmExecutor({ partition: 'debug', pollIntervalMs: 1000 });
 * executor.onEvent((event) => console.log(event.kind, event.attemptId));
 * await executor.start(request);
 */
import { randomBytes } from 'node:crypto';
import type { AttemptOutcome, NodeInfo } from '../../model/index.js';
import { errorText, executorCapabilities, notifyListeners } from '../executor.js';
import type { Executor, ExecutorCapabilities, ExecutorEvent, LaunchRequest } from '../executor.js';
import {
  batchComment,
  batchScript,
  batchSize,
  jobName,
  requestProblem,
  sbatchArgv,
  shapeKey,
  STDERR_FILE,
  STDOUT_FILE,
} from './batch-script.js';
import { LocalCommandRunner, SshCommandRunner, type CommandRunner } from './command-runner.js';
import { JobHistory } from './job-history.js';
import { findByAttempt, findByToken, parseHandle, type SlurmHandle } from './job-lookup.js';
import { jobOutcome } from './job-outcome.js';
import { QueueReader } from './queue-reader.js';
import { isTransient, readSbatchAnswer } from './slurm-answers.js';
import { isEndState, isRunningState, type SlurmJobRecord, type StopIntent } from './slurm-records.js';
import {
  clearTimer,
  endedNow,
  queueNode,
  type Batch,
  type SlurmExecutorOptions,
  type Tracked,
} from './slurm-tracked.js';

export type { SlurmExecutorOptions } from './slurm-tracked.js';

export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  readonly capabilities: ExecutorCapabilities = executorCapabilities();

  private readonly runner: CommandRunner;
  private readonly options: SlurmExecutorOptions;
  private readonly pollIntervalMs: number;
  private readonly nodeId: string;
  private readonly listeners: ((event: ExecutorEvent) => void)[] = [];
  private readonly tracked = new Map<string, Tracked>();
  private waiting: Tracked[] = [];
  private flushing: Promise<void> | null = null;
  private readonly retrying = new Set<Batch>();
  private stopQueue: Tracked[] = [];
  private stopFlush: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pollDueAt = 0;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private closed = false;
  private readonly counters = { sbatch: 0, arrays: 0, squeue: 0, scancel: 0, completionLookups: 0 };
  private readonly queue: QueueReader;
  private readonly history: JobHistory;

  constructor(options: SlurmExecutorOptions = {}) {
    this.options = options;
    this.runner =
      options.runner ?? (options.ssh ? new SshCommandRunner(options.ssh) : new LocalCommandRunner());
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.nodeId = options.nodeId ?? (options.partition ? `slurm:${options.partition}` : 'slurm');
    this.queue = new QueueReader(this.runner, options, this.counters);
    this.history = new JobHistory(this.runner, options, this.counters);
  }

  /** How many commands it ran: the proof that polling is batched (one squeue per poll). */
  get stats(): Readonly<typeof this.counters> {
    return { ...this.counters };
  }

  async nodes(): Promise<NodeInfo[]> {
    return [queueNode(this.options, this.nodeId, this.name, this.runner.where)];
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  async start(req: LaunchRequest): Promise<void> {
    this.assertOpen();
    if (this.tracked.has(req.attemptId)) throw new Error(`attempt ${req.attemptId} is already running here`);
    const problem = requestProblem(req);
    if (problem) {
      this.failLater(req, problem);
      return;
    }
    const t: Tracked = {
      req,
      phase: 'waiting',
      batch: null,
      jobId: null,
      startedEmitted: false,
      stop: null,
      timeoutTimer: null,
      missing: 0,
      searching: false,
      ending: false,
    };
    this.tracked.set(req.attemptId, t);
    this.waiting.push(t);
    this.flushing ??= new Promise<void>((resolve) => {
      const window = this.options.batchWindowMs ?? 0;
      const go = () => {
        this.flushing = null;
        this.flush().then(resolve, resolve);
      };
      if (window > 0) setTimeout(go, window);
      else setImmediate(go);
    });
    await this.flushing;
  }

  async cancel(attemptId: string, reason?: string): Promise<void> {
    const t = this.tracked.get(attemptId);
    if (!t || t.stop || t.ending) return;
    await this.stop(t, { reason: 'cancelled', message: reason ? `cancelled: ${reason}` : 'cancelled' });
  }

  async reattach(req: LaunchRequest, handle: string | null): Promise<'attached' | 'lost'> {
    this.assertOpen();
    if (this.tracked.has(req.attemptId)) return 'attached';
    const known = parseHandle(handle);
    const t: Tracked = {
      req,
      phase: 'submitted',
      batch: null,
      jobId: known?.slurmJob ?? null,
      // A handle comes from a `started` event the engine recorded: it must not see another.
      startedEmitted: known !== null,
      stop: null,
      timeoutTimer: null,
      missing: 0,
      searching: false,
      ending: false,
    };
    if (!known) {
      // No handle: the engine died before the job ran (or before it recorded that). Its comment
      // names the attempt. One squeue serves a whole burst of re-attaches.
      const jobs = await this.queue.jobs();
      if (this.closed) return 'lost';
      if (jobs === null) {
        t.searching = true; // the controller is away: decide when it answers
      } else {
        const jobId = findByAttempt(jobs, req.attemptId);
        if (jobId === null) return 'lost';
        t.jobId = jobId;
      }
    }
    this.tracked.set(req.attemptId, t);
    this.schedulePoll(0);
    return 'attached';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // A stop asked for but not yet delivered must not be forgotten: nobody would send it later.
    const undelivered = [...this.tracked.values()].filter((t) => t.stop && !t.stop.sent && t.jobId);
    if (undelivered.length > 0) await this.sendStops(undelivered).catch(() => {});
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    for (const t of this.tracked.values()) clearTimer(t);
    this.tracked.clear();
    this.waiting = [];
    this.retrying.clear();
  }

  // --- submission --------------------------------------------------------------------------------

  private async flush(): Promise<void> {
    const ready = this.waiting.filter((t) => !t.ending && this.tracked.get(t.req.attemptId) === t);
    this.waiting = [];
    const groups = new Map<string, Tracked[]>();
    for (const t of ready) {
      const key = shapeKey(t.req);
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const max = Math.max(1, this.options.maxArraySize ?? 1000);
    for (const group of groups.values()) {
      let rest = group;
      while (rest.length > 0) {
        const token = randomBytes(6).toString('hex');
        const n = batchSize(
          token,
          rest.slice(0, max).map((t) => t.req),
          max,
        );
        const batch: Batch = { token, members: rest.slice(0, n), uncertain: false };
        rest = rest.slice(n);
        for (const t of batch.members) {
          t.batch = batch;
          t.phase = 'submitting';
        }
        await this.submit(batch);
      }
    }
  }

  /** Runs sbatch for a batch; on a transient failure the batch waits for the next poll. */
  private async submit(batch: Batch): Promise<void> {
    const members = batch.members;
    const reqs = members.map((t) => t.req);
    const argv = sbatchArgv({
      name: jobName(reqs),
      comment: batchComment(batch.token, reqs),
      reqs,
      partition: this.options.partition,
      account: this.options.account,
      qos: this.options.qos,
      extraArgs: this.options.sbatchArgs,
    });
    this.counters.sbatch += 1;
    let result;
    try {
      result = await this.runner.run(argv, {
        stdin: batchScript(reqs, this.options.gnuTime),
      });
    } catch (error) {
      this.retrying.delete(batch);
      for (const t of members)
        this.failTracked(t, `cannot run sbatch (${this.runner.where}): ${errorText(error)}`);
      return;
    }
    if (this.closed) return;
    const answer = readSbatchAnswer(result);
    if (answer.kind === 'submitted') {
      this.retrying.delete(batch);
      if (members.length > 1) this.counters.arrays += 1;
      this.assign(batch, answer.jobId);
      return;
    }
    if (answer.kind === 'unanswered') {
      batch.uncertain = batch.uncertain || answer.uncertain;
      this.retrying.add(batch);
      this.queue.noteUnreachable(`sbatch: ${answer.why || 'no answer'}`);
      this.schedulePoll(this.pollIntervalMs);
      return;
    }
    this.retrying.delete(batch);
    for (const t of members)
      this.failTracked(t, `sbatch refused the job (${this.runner.where}): ${answer.why}`);
  }

  private assign(batch: Batch, jobId: string): void {
    const array = batch.members.length > 1;
    batch.members.forEach((t, k) => {
      t.jobId = array ? `${jobId}_${k}` : jobId;
      t.phase = 'submitted';
    });
    this.schedulePoll(this.pollIntervalMs);
    // A cancel that came while sbatch ran is delivered now.
    const stops = batch.members.filter((t) => t.stop && !t.stop.sent);
    if (stops.length > 0) void this.sendStops(stops);
  }

  // --- stopping ------------------------------------------------------------------------------------

  private async stop(t: Tracked, intent: StopIntent): Promise<void> {
    t.stop = { ...intent, sent: false };
    clearTimer(t);
    if (t.phase === 'waiting') {
      // Never submitted: nothing runs anywhere.
      this.waiting = this.waiting.filter((w) => w !== t);
      this.finish(t, endedNow(intent.reason, intent.message));
      return;
    }
    if (t.phase === 'submitting') return; // the sbatch under way or the next poll settles it
    if (t.jobId === null) return;
    // Stops of the same tick (a Ctrl-C stops every attempt at once) go as one scancel.
    this.stopQueue.push(t);
    this.stopFlush ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        const list = this.stopQueue;
        this.stopQueue = [];
        this.stopFlush = null;
        this.sendStops(list).then(resolve, resolve);
      }),
    );
    await this.stopFlush;
  }

  /** One scancel for all of them; those it could not reach are sent again by the next poll. */
  private async sendStops(list: Tracked[]): Promise<void> {
    const ids = list.filter((t) => t.jobId !== null).map((t) => t.jobId!);
    if (ids.length === 0) return;
    this.counters.scancel += 1;
    const result = await this.runner.run(['scancel', ...ids]).catch(() => null);
    const reached = result !== null && !result.unreachable && !isTransient(result.stderr);
    if (reached) for (const t of list) if (t.stop) t.stop.sent = true;
    this.schedulePoll(reached ? 250 : this.pollIntervalMs);
  }

  private armTimeout(t: Tracked, startedAt: number): void {
    const timeoutMs = t.req.timeoutMs;
    if (timeoutMs === undefined || t.timeoutTimer || t.stop) return;
    t.timeoutTimer = setTimeout(
      () => {
        t.timeoutTimer = null;
        if (!t.stop && !t.ending)
          void this.stop(t, { reason: 'timed-out', message: `timed out after ${timeoutMs} ms` });
      },
      Math.max(0, startedAt + timeoutMs - Date.now()),
    );
  }

  // --- polling -------------------------------------------------------------------------------------

  private schedulePoll(delayMs: number): void {
    if (this.closed) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    const due = Date.now() + delayMs;
    // Bring a later poll forward, never push an earlier one back.
    if (this.pollTimer && this.pollDueAt <= due) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollDueAt = due;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.polling = this.poll()
        .catch((error: unknown) => this.options.log?.(`slurm poll failed: ${errorText(error)}`))
        .finally(() => {
          this.polling = null;
          const again = this.pollAgain;
          this.pollAgain = false;
          if (again) this.schedulePoll(100);
          else if (this.tracked.size > 0 || this.retrying.size > 0) this.schedulePoll(this.pollIntervalMs);
        });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    const jobs = await this.queue.jobs();
    this.queue.forget();
    if (jobs === null || this.closed) return;
    const byKey = new Map(jobs.map((j) => [j.key, j]));

    // Submissions whose answer was lost: adopt the job if it exists, else submit again.
    for (const batch of [...this.retrying]) {
      const found = batch.uncertain ? findByToken(jobs, batch.token) : null;
      if (found !== null) {
        this.retrying.delete(batch);
        this.assign(batch, found);
        continue;
      }
      const keep = batch.members.filter((t) => {
        if (!t.stop) return true;
        this.finish(t, endedNow(t.stop.reason, t.stop.message));
        return false;
      });
      if (keep.length === 0) {
        this.retrying.delete(batch);
        continue;
      }
      batch.members = keep;
      batch.uncertain = false;
      await this.submit(batch);
    }

    const missing: Tracked[] = [];
    const resend: Tracked[] = [];
    for (const t of [...this.tracked.values()]) {
      if (t.ending || t.phase !== 'submitted') continue;
      if (t.searching) {
        const jobId = findByAttempt(jobs, t.req.attemptId);
        t.searching = false;
        if (jobId === null) {
          this.finish(t, { ...endedNow('lost', 'the attempt left no job in Slurm'), startedAt: null });
          continue;
        }
        t.jobId = jobId;
      }
      const record = t.jobId !== null ? byKey.get(t.jobId) : undefined;
      if (!record) {
        missing.push(t);
        continue;
      }
      t.missing = 0;
      if (t.stop && !t.stop.sent) resend.push(t);
      this.observe(t, record);
    }
    if (resend.length > 0) await this.sendStops(resend);
    if (missing.length > 0) await this.settleMissing(missing);
  }

  /** Acts on what squeue (or a completion source) says about a tracked job. */
  private observe(t: Tracked, record: SlurmJobRecord): void {
    const running = isRunningState(record.state);
    const ended = isEndState(record.state);
    if ((running || ended) && record.startedAt !== null && !t.startedEmitted) {
      t.startedEmitted = true;
      this.emit({
        kind: 'started',
        attemptId: t.req.attemptId,
        at: record.startedAt,
        nodeId: t.req.nodeId,
        handle: JSON.stringify({ slurmJob: t.jobId ?? '', logDir: t.req.logDir } satisfies SlurmHandle),
        stdoutPath: `${t.req.logDir}/${STDOUT_FILE}`,
        stderrPath: `${t.req.logDir}/${STDERR_FILE}`,
      });
    }
    if (running && record.startedAt !== null) this.armTimeout(t, record.startedAt);
    if (ended) void this.finishFromRecord(t, record);
  }

  /** Jobs squeue no longer lists: ask sacct or the completion log, in one command. */
  private async settleMissing(list: Tracked[]): Promise<void> {
    const found = await this.history.lookUpEnded(list.map((t) => t.jobId!));
    const limit = this.options.missingPollsBeforeLost ?? 3;
    for (const t of list) {
      const record = found?.get(t.jobId!);
      if (record && isEndState(record.state)) {
        this.observe(t, record);
        continue;
      }
      // A failed lookup is no evidence: only count polls in which the sources answered.
      if (found === null) continue;
      t.missing += 1;
      if (t.missing >= limit) {
        this.finish(t, {
          ...endedNow(
            'lost',
            `Slurm no longer knows job ${t.jobId!} (not in squeue, nor in its job history)`,
          ),
        });
      }
    }
  }

  // --- ending --------------------------------------------------------------------------------------

  private async finishFromRecord(t: Tracked, record: SlurmJobRecord): Promise<void> {
    if (t.ending) return;
    t.ending = true;
    clearTimer(t);
    this.finish(t, await jobOutcome(this.runner, t, record));
  }

  private failTracked(t: Tracked, message: string): void {
    t.ending = true;
    this.finish(t, endedNow('failed', message));
  }

  /** A request that cannot be submitted at all: `finished` follows `start`, no `started`. */
  private failLater(req: LaunchRequest, message: string): void {
    setImmediate(() =>
      this.emit({ kind: 'finished', attemptId: req.attemptId, outcome: endedNow('failed', message) }),
    );
  }

  private finish(t: Tracked, outcome: AttemptOutcome): void {
    if (this.tracked.get(t.req.attemptId) !== t) return;
    this.tracked.delete(t.req.attemptId);
    t.ending = true;
    clearTimer(t);
    this.emit({ kind: 'finished', attemptId: t.req.attemptId, outcome });
  }

  private emit(event: ExecutorEvent): void {
    if (this.closed) return;
    notifyListeners(this.listeners, event);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('this SlurmExecutor is closed');
  }
}
