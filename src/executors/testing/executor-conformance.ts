/**
 * The executor conformance suite: what every executor (local, Slurm, Kubernetes, edge agent) must do,
 * checked the same way for all of them. A new executor passes this suite before anything else.
 *
 * It uses POSIX shell commands only, and observes attempts through their events and the files they
 * write; it never looks at a process table, so that it holds for executors that run attempts
 * elsewhere. It does need `workdir` (and the log directories it creates under it) to be readable from
 * the test process: a shared file system for remote back-ends.
 *
 * Which cases apply follows from what the executor declares in `capabilities`: a case that needs what
 * it does not declare (running commands, 20 attempts at once) is reported skipped as not applicable,
 * with the reason. The event contract applies to every executor, test doubles included.
 *
 * @example
 * executorConformanceSuite('LocalExecutor', async () => {
 *   const workdir = await mkdtemp(join(tmpdir(), 'strata-'));
 *   return { executor: new LocalExecutor(), workdir, cleanup: () => rm(workdir, { recursive: true }) };
 * });
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptOutcome, Command } from '../../model/index.js';
import type { Executor, ExecutorCapabilities, ExecutorEvent, LaunchRequest } from '../executor.js';

/** What a suite run needs: a fresh executor, a directory for the attempts, and how to tidy up. */
export interface ExecutorUnderTest {
  executor: Executor;
  /** An absolute, existing directory, readable and writable by both the test and the attempts. */
  workdir: string;
  /** Called after the suite has closed the executor. */
  cleanup(): Promise<void>;
}

type StartedEvent = Extract<ExecutorEvent, { kind: 'started' }>;

/**
 * The stop tests fork a child that writes `late` this many seconds after it starts, unless the stop
 * killed it. The margin covers the stop's own path (a remote executor polls, then asks its
 * scheduler to signal the job), so that a slow stop on a loaded machine is not taken for an escape.
 */
const LATE_AFTER_S = 5;
const LATE_CHILD = `(sleep ${LATE_AFTER_S}; echo late > late)`;

/** How long an attempt of this suite may take to finish before the test fails (remote queues are slow). */
const FINISH_WITHIN_MS = 45_000;

/**
 * Routes the executor's events per attempt (an executor takes listeners but never drops them, so the
 * suite registers one) and builds requests with unique ids.
 */
class Harness {
  readonly events = new Map<string, ExecutorEvent[]>();
  /** Every attempt whose `start` resolved: each must end up with exactly one `finished`. */
  readonly launched = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly runId = randomUUID().slice(0, 8);
  private counter = 0;

  constructor(
    readonly executor: Executor,
    readonly workdir: string,
    private readonly nodeId: string,
  ) {
    executor.onEvent((event) => {
      const list = this.events.get(event.attemptId) ?? [];
      list.push(event);
      this.events.set(event.attemptId, list);
      for (const wake of this.waiters.get(event.attemptId) ?? []) wake();
      this.waiters.delete(event.attemptId);
    });
  }

  /** A request with unique ids, its own working directory (created) and log directory (not created). */
  async request(command: Command, overrides: Partial<LaunchRequest> = {}): Promise<LaunchRequest> {
    const n = ++this.counter;
    const workflowId = `conformance-${this.runId}`;
    const taskDir = join(this.workdir, `task-${n}`);
    await mkdir(taskDir, { recursive: true });
    return {
      attemptId: `${workflowId}/${n}/1`,
      workflowId,
      taskName: `task-${n}`,
      attempt: 1,
      command,
      env: {},
      workdir: taskDir,
      resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
      nodeId: this.nodeId,
      gpuIds: [],
      logDir: join(this.workdir, 'logs', `task-${n}`),
      ...overrides,
    };
  }

  /** Resolves with the first event of `attemptId` that `match` accepts. */
  async waitFor<E extends ExecutorEvent>(
    attemptId: string,
    match: (event: ExecutorEvent) => event is E,
    withinMs = FINISH_WITHIN_MS,
  ): Promise<E> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const hit = (this.events.get(attemptId) ?? []).find(match);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = (this.events.get(attemptId) ?? []).map((e) => e.kind).join(', ') || 'none';
        throw new Error(
          `attempt ${attemptId}: no matching event within ${withinMs} ms (events seen: ${seen})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.set(attemptId, [...(this.waiters.get(attemptId) ?? []), wake]);
      });
    }
  }

  started(attemptId: string, withinMs?: number): Promise<StartedEvent> {
    return this.waitFor(attemptId, (e): e is StartedEvent => e.kind === 'started', withinMs);
  }

  async finished(attemptId: string, withinMs?: number): Promise<AttemptOutcome> {
    const event = await this.waitFor(
      attemptId,
      (e): e is Extract<ExecutorEvent, { kind: 'finished' }> => e.kind === 'finished',
      withinMs,
    );
    return event.outcome;
  }

  async start(req: LaunchRequest): Promise<void> {
    await this.executor.start(req);
    this.launched.add(req.attemptId);
  }

  /** Starts an attempt and waits for its end; also returns its `started` event when there was one. */
  async run(req: LaunchRequest): Promise<{ outcome: AttemptOutcome; started: StartedEvent | undefined }> {
    await this.start(req);
    const outcome = await this.finished(req.attemptId);
    const started = this.events.get(req.attemptId)?.find((e): e is StartedEvent => e.kind === 'started');
    return { outcome, started };
  }

  /** Problems with the order of an attempt's events: at most one `started`, first; exactly one `finished`, last. */
  sequenceProblems(attemptId: string): string[] {
    const kinds = (this.events.get(attemptId) ?? []).map((e) => e.kind);
    const problems: string[] = [];
    const starts = kinds.filter((k) => k === 'started').length;
    const finishes = kinds.filter((k) => k === 'finished').length;
    if (starts > 1) problems.push(`${attemptId}: ${starts} started events`);
    if (finishes !== 1) problems.push(`${attemptId}: ${finishes} finished events`);
    if (starts === 1 && kinds[0] !== 'started') problems.push(`${attemptId}: started is not the first event`);
    if (finishes >= 1 && kinds[kinds.length - 1] !== 'finished') {
      problems.push(`${attemptId}: an event came after finished`);
    }
    return problems;
  }
}

/** What a case needs the executor to declare, and how the suite says it is missing. */
interface Need {
  holds(capabilities: ExecutorCapabilities): boolean;
  /** Completes "not applicable: the executor ...". */
  missing: string;
}

const RUNS_COMMANDS: Need = {
  holds: (c) => c.runsCommands,
  missing: 'runs no command (capabilities.runsCommands is false)',
};

const TWENTY_AT_ONCE: Need = {
  holds: (c) => c.maxTasks >= 20,
  missing: 'runs fewer than 20 attempts at once (capabilities.maxTasks)',
};

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Registers the conformance suite (a Vitest `describe`) for one executor. `make` is called once for the
 * whole suite; the suite closes the executor, then calls `cleanup`.
 */
export function executorConformanceSuite(name: string, make: () => Promise<ExecutorUnderTest>): void {
  describe(`executor conformance: ${name}`, () => {
    let made: ExecutorUnderTest;
    let h: Harness;

    beforeAll(async () => {
      made = await make();
      const [node] = await made.executor.nodes();
      h = new Harness(made.executor, made.workdir, node?.id ?? 'unknown');
    });

    afterAll(async () => {
      await made?.executor.close();
      await made?.cleanup();
    });

    /** A case that applies only when the executor declares every capability in `needs`. */
    const itNeeds = (needs: Need[], title: string, body: () => Promise<void>) =>
      it(title, async (ctx) => {
        const missing = needs.filter((need) => !need.holds(made.executor.capabilities));
        if (missing.length > 0) {
          ctx.skip(`not applicable: the executor ${missing.map((need) => need.missing).join(', and ')}`);
        }
        await body();
      });

    it('offers at least one node with positive cpus', async () => {
      const nodes = await made.executor.nodes();
      expect(nodes.length).toBeGreaterThanOrEqual(1);
      for (const node of nodes) {
        expect(node.id).toMatch(/\S/);
        expect(node.executor).toBe(made.executor.name);
        expect(node.capacity.cpus).toBeGreaterThan(0);
        expect(node.capacity.memoryBytes).toBeGreaterThanOrEqual(0);
        expect(Array.isArray(node.capacity.gpuIds)).toBe(true);
      }
    });

    it('reports an attempt with started, on its node and with a handle, then finished', async () => {
      const req = await h.request({ argv: ['true'] });
      const { outcome, started } = await h.run(req);
      expect(outcome.status).toBe('succeeded');
      expect(started?.nodeId).toBe(req.nodeId);
      expect(typeof started?.handle).toBe('string');
      expect(outcome.startedAt).not.toBeNull();
      expect(outcome.endedAt).toBeGreaterThanOrEqual(outcome.startedAt ?? Infinity);
    });

    it('cancels a started attempt: it finishes cancelled', async () => {
      const req = await h.request({ argv: ['sleep', '60'] });
      await h.start(req);
      await h.started(req.attemptId);
      await made.executor.cancel(req.attemptId, 'conformance test');
      expect((await h.finished(req.attemptId)).status).toBe('cancelled');
    });

    itNeeds(
      [RUNS_COMMANDS],
      'runs a command to success, with stdout and stderr in the files named by started',
      async () => {
        const req = await h.request({ argv: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2'] });
        const { outcome, started } = await h.run(req);
        expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0, signal: null });
        expect(started).toBeDefined();
        expect(started?.nodeId).toBe(req.nodeId);
        expect(typeof started?.handle).toBe('string');
        expect(await readText(started?.stdoutPath ?? '')).toBe('to-stdout\n');
        expect(await readText(started?.stderrPath ?? '')).toBe('to-stderr\n');
        expect(outcome.startedAt).not.toBeNull();
        expect(outcome.endedAt).toBeGreaterThanOrEqual(outcome.startedAt ?? Infinity);
      },
    );

    itNeeds([RUNS_COMMANDS], 'reports a non-zero exit code as failed', async () => {
      const req = await h.request({ argv: ['sh', '-c', 'exit 3'] });
      const { outcome } = await h.run(req);
      expect(outcome).toMatchObject({ status: 'failed', exitCode: 3, signal: null });
    });

    itNeeds([RUNS_COMMANDS], 'honours env and workdir, and exports the STRATA_ variables', async () => {
      const tricky = 'a "quoted" $HOME `x` value';
      const req = await h.request(
        {
          shell:
            'printf "%s\\n" "$GREETING" "$STRATA_ATTEMPT_ID" "$STRATA_WORKFLOW_ID" "$STRATA_TASK" "$STRATA_ATTEMPT"; pwd -P',
        },
        { env: { GREETING: tricky } },
      );
      const { outcome, started } = await h.run(req);
      expect(outcome.status).toBe('succeeded');
      const lines = (await readText(started?.stdoutPath ?? '')).split('\n');
      expect(lines.slice(0, 6)).toEqual([
        tricky,
        req.attemptId,
        req.workflowId,
        req.taskName,
        String(req.attempt),
        await realpath(req.workdir),
      ]);
    });

    itNeeds([RUNS_COMMANDS], 'passes argv without shell interpretation', async () => {
      const victim = 'x';
      const args = ['$(echo pwned); rm -rf x', '*', '"q" \'s\'', '$HOME', 'a\\b'];
      const req = await h.request({ argv: ['printf', '[%s]\\n', ...args] });
      await writeFile(join(req.workdir, victim), 'still here');
      const { outcome, started } = await h.run(req);
      expect(outcome.status).toBe('succeeded');
      expect(await readText(started?.stdoutPath ?? '')).toBe(args.map((a) => `[${a}]\n`).join(''));
      expect(await readText(join(req.workdir, victim))).toBe('still here');
    });

    itNeeds([RUNS_COMMANDS], 'runs a shell string with /bin/sh -c', async () => {
      const req = await h.request({ shell: 'echo one && echo two | tr o 0; false || echo three' });
      const { outcome, started } = await h.run(req);
      expect(outcome.status).toBe('succeeded');
      expect(await readText(started?.stdoutPath ?? '')).toBe('one\ntw0\nthree\n');
    });

    itNeeds([RUNS_COMMANDS], 'stops an attempt at its timeout, with everything it forked', async () => {
      // The background subshell would write `late` if it survived the stop. 1.5 s, not less: Slurm
      // counts a job's start in whole seconds, and a kill that reaches slurmd while it is still
      // launching the batch script lands seconds late (docs/executors.md) — Slurm's race, not ours.
      const req = await h.request({ shell: `${LATE_CHILD} & sleep 60` }, { timeoutMs: 1500 });
      const { outcome } = await h.run(req);
      expect(outcome.status).toBe('timed-out');
      expect(outcome.endedAt - (outcome.startedAt ?? 0)).toBeLessThan(30_000);
      await sleep((LATE_AFTER_S + 1) * 1000);
      expect(await exists(join(req.workdir, 'late'))).toBe(false);
    });

    itNeeds([RUNS_COMMANDS], 'cancels an attempt with everything it forked', async () => {
      const req = await h.request({ shell: `${LATE_CHILD} & echo ready > ready; sleep 60` });
      await h.start(req);
      await h.started(req.attemptId);
      // Cancel once the tree exists: a cancel before the fork would prove nothing.
      const deadline = Date.now() + FINISH_WITHIN_MS;
      while (!(await exists(join(req.workdir, 'ready')))) {
        if (Date.now() > deadline) throw new Error('the attempt never wrote its ready file');
        await sleep(20);
      }
      await made.executor.cancel(req.attemptId, 'conformance test');
      const outcome = await h.finished(req.attemptId);
      expect(outcome.status).toBe('cancelled');
      await sleep((LATE_AFTER_S + 1) * 1000);
      expect(await exists(join(req.workdir, 'late'))).toBe(false);
    });

    it('cancelling an attempt it does not know is harmless', async () => {
      await expect(made.executor.cancel('conformance/no-such/1')).resolves.toBeUndefined();
    });

    itNeeds(
      [RUNS_COMMANDS],
      'reports a command that does not exist as failed, with a message naming it',
      async () => {
        const req = await h.request({ argv: ['strata-conformance-no-such-command', 'arg'] });
        const { outcome } = await h.run(req);
        expect(outcome.status).toBe('failed');
        expect(outcome.message).toContain('strata-conformance-no-such-command');
      },
    );

    itNeeds(
      [RUNS_COMMANDS],
      'reports a working directory that does not exist as failed, with a message naming it',
      async () => {
        const missing = join(made.workdir, 'no-such-dir');
        const req = await h.request({ argv: ['true'] }, { workdir: missing });
        const { outcome } = await h.run(req);
        expect(outcome.status).toBe('failed');
        expect(outcome.message).toContain(missing);
      },
    );

    itNeeds([RUNS_COMMANDS], 'reports a command killed by a signal as failed', async () => {
      const req = await h.request({ shell: 'kill -KILL $$' });
      const { outcome } = await h.run(req);
      expect(outcome.status).toBe('failed');
    });

    itNeeds([RUNS_COMMANDS, TWENTY_AT_ONCE], 'runs 20 attempts at once and finishes them all', async () => {
      const reqs = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.request({ shell: 'sleep 1; echo "$N"' }, { env: { N: String(i) } }),
        ),
      );
      await Promise.all(reqs.map((req) => h.start(req)));
      const outcomes = await Promise.all(reqs.map((req) => h.finished(req.attemptId)));
      expect(outcomes.map((o) => o.status)).toEqual(reqs.map(() => 'succeeded'));
      for (const [i, req] of reqs.entries()) {
        const started = await h.started(req.attemptId);
        expect(await readText(started.stdoutPath)).toBe(`${i}\n`);
      }
    });

    it('answers lost when re-attaching an attempt it never ran', async () => {
      const req = await h.request({ argv: ['true'] });
      expect(await made.executor.reattach(req, null)).toBe('lost');
      expect(await made.executor.reattach(req, 'not a handle of this executor')).toBe('lost');
      await sleep(200);
      expect(h.events.get(req.attemptId) ?? []).toEqual([]);
    });

    it('emits started before exactly one finished for every attempt', async () => {
      // Runs last: gives late duplicates a moment to show up, then checks every attempt of the suite
      // (those it started, and any other the executor reported).
      await sleep(500);
      expect(h.launched.size).toBeGreaterThan(0);
      const attempts = new Set([...h.launched, ...h.events.keys()]);
      const problems = [...attempts].flatMap((id) => h.sequenceProblems(id));
      expect(problems).toEqual([]);
    });
  });
}
