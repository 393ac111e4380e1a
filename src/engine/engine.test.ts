import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Executor, ExecutorEvent, LaunchRequest } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { NoopExecutor } from '../executors/noop-executor.js';
import type { NoopBehaviour } from '../executors/noop-executor.js';
import { DEFAULT_RETRY } from '../model/index.js';
import type { TaskSpec, WorkflowSpec } from '../model/index.js';
import { newAttemptRecord } from '../store/attempt-record.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { Scheduler } from '../scheduler/index.js';
import { Engine } from './engine.js';
import { EngineError } from './errors.js';

let dir: string;
let store: Store;
const engines: Engine[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-engine-'));
  store = await openStore({ url: `sqlite:${join(dir, 'strata.db')}` });
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function task(name: string, deps: string[] = [], extra: Partial<TaskSpec> = {}): TaskSpec {
  return {
    name,
    command: { argv: ['true'] },
    env: {},
    inputs: [],
    outputs: [],
    deps,
    resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
    retry: { ...DEFAULT_RETRY, initialDelayMs: 1, maxDelayMs: 5 },
    validate: { outputsExist: true, outputsNonEmpty: false },
    ...extra,
  };
}

function workflow(
  tasks: TaskSpec[],
  failurePolicy: WorkflowSpec['failurePolicy'] = 'fail-fast',
): WorkflowSpec {
  return { name: 'test', failurePolicy, tasks };
}

async function engineWith(
  behaviour: (req: LaunchRequest) => NoopBehaviour = () => ({}),
  options: { cpus?: number; owner?: string; scheduler?: Scheduler } = {},
) {
  const executor = new NoopExecutor({
    capacity: { cpus: options.cpus ?? 1000, memoryBytes: 1e12, gpuIds: [] },
    behaviour,
  });
  const engine = new Engine({
    store,
    executor,
    stateDir: dir,
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  await engine.init();
  engines.push(engine);
  return engine;
}

/** Submits `spec` to `engine` as every test here does: from the test directory, source `test`. */
function submit(engine: Engine, spec: WorkflowSpec): ReturnType<Engine['submit']> {
  return engine.submit(spec, { baseDir: dir, source: 'test' });
}

async function states(workflowId: string): Promise<Record<string, string>> {
  const tasks = await store.listTasks(workflowId);
  return Object.fromEntries(tasks.map((t) => [t.name, t.state]));
}

/** Waits for the workflow to end and checks its state and every task's. */
async function expectEnd(
  engine: Engine,
  workflowId: string,
  state: string,
  taskStates: Record<string, string>,
): Promise<void> {
  expect(await engine.waitFor(workflowId)).toBe(state);
  expect(await states(workflowId)).toEqual(taskStates);
}

describe('Engine', () => {
  it('runs a diamond DAG in dependency order and records one event per transition', async () => {
    const started: string[] = [];
    const engine = await engineWith((req) => {
      started.push(req.taskName);
      return {};
    });
    const wf = await submit(
      engine,
      workflow([task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])]),
    );
    expect(await engine.waitFor(wf.id)).toBe('succeeded');
    expect(started[0]).toBe('a');
    expect(started[3]).toBe('d');
    expect((await store.getWorkflow(wf.id))?.state).toBe('succeeded');

    const events = await store.listEvents({ workflowId: wf.id });
    const forD = events.filter((e) => e.taskIdx === 3).map((e) => `${e.from}->${e.to}`);
    expect(forD).toEqual(['pending->ready', 'ready->queued', 'queued->running', 'running->succeeded']);
    const forA = events.filter((e) => e.taskIdx === 0).map((e) => `${e.from}->${e.to}`);
    expect(forA).toEqual(['ready->queued', 'queued->running', 'running->succeeded']);
    expect(events.at(-1)).toMatchObject({ taskIdx: null, from: 'running', to: 'succeeded' });
  });

  it('retries a failing task with backoff until it succeeds within its attempts', async () => {
    let calls = 0;
    const engine = await engineWith((req) => {
      if (req.taskName !== 'flaky') return {};
      calls += 1;
      return calls < 3 ? { status: 'failed', exitCode: 1 } : {};
    });
    const wf = await submit(
      engine,
      workflow([
        task('flaky', [], { retry: { ...DEFAULT_RETRY, maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } }),
        task('after', ['flaky']),
      ]),
    );
    expect(await engine.waitFor(wf.id)).toBe('succeeded');
    const attempts = await store.listAttempts(wf.id, 0);
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(attempts[1]!.queuedAt).toBeGreaterThanOrEqual(attempts[0]!.endedAt!);
  });

  it('fail-fast: a final failure cancels what has not run and fails the workflow', async () => {
    const engine = await engineWith((req) =>
      req.taskName === 'bad'
        ? { status: 'failed', exitCode: 3 }
        : { delayMs: req.taskName === 'slow' ? 50 : 0 },
    );
    const wf = await submit(
      engine,
      workflow([task('bad'), task('slow'), task('child', ['bad']), task('later', ['slow'])], 'fail-fast'),
    );
    expect(await engine.waitFor(wf.id)).toBe('failed');
    const s = await states(wf.id);
    expect(s.bad).toBe('failed');
    expect(s.child).toBe('upstream-failed');
    expect(s.later).toBe('cancelled');
    const bad = await store.getTaskByName(wf.id, 'bad');
    const events = await store.listEvents({ workflowId: wf.id });
    expect(events.find((e) => e.taskIdx === bad!.idx && e.to === 'failed')?.reason).toContain('exit code 3');
  });

  it('continue: downstream of a failure is upstream-failed, independent branches go on', async () => {
    const engine = await engineWith((req) =>
      req.taskName === 'bad' ? { status: 'failed', exitCode: 1 } : {},
    );
    const wf = await submit(
      engine,
      workflow(
        [task('bad'), task('ok'), task('child', ['bad']), task('grandchild', ['child']), task('ok2', ['ok'])],
        'continue',
      ),
    );
    await expectEnd(engine, wf.id, 'failed', {
      bad: 'failed',
      ok: 'succeeded',
      child: 'upstream-failed',
      grandchild: 'upstream-failed',
      ok2: 'succeeded',
    });
  });

  it('retry of one failed task runs it and what is downstream again, with a fresh budget', async () => {
    let failBad = true;
    const engine = await engineWith((req) =>
      req.taskName === 'bad' && failBad ? { status: 'failed', exitCode: 1 } : {},
    );
    const wf = await submit(
      engine,
      workflow([task('bad'), task('child', ['bad']), task('other')], 'continue'),
    );
    expect(await engine.waitFor(wf.id)).toBe('failed');
    await expect(engine.retry(wf.id, 'other')).rejects.toMatchObject({ code: 'TASK_NOT_RETRYABLE' });
    await expect(engine.retry(wf.id, 'nope')).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    failBad = false;
    await engine.retry(wf.id, 'bad');
    await expectEnd(engine, wf.id, 'succeeded', { bad: 'succeeded', child: 'succeeded', other: 'succeeded' });
    const otherAttempts = await store.listAttempts(wf.id, 2);
    expect(otherAttempts).toHaveLength(1); // what had succeeded did not run again
    expect((await store.getTaskByName(wf.id, 'bad'))?.retryBase).toBe(1);
  });

  it('cancel kills running attempts and ends the workflow cancelled', async () => {
    const engine = await engineWith((req) => ({ delayMs: req.taskName === 'long' ? 60_000 : 0 }));
    const wf = await submit(engine, workflow([task('long'), task('next', ['long'])]));
    await new Promise((r) => setTimeout(r, 50));
    await engine.cancel(wf.id);
    await expectEnd(engine, wf.id, 'cancelled', { long: 'cancelled', next: 'cancelled' });
    expect((await store.listAttempts(wf.id, 0))[0]?.status).toBe('cancelled');
    await expect(engine.cancel(wf.id)).rejects.toBeInstanceOf(EngineError);
  });

  it('interrupt leaves the workflow running; resume by another engine finishes it', async () => {
    const engine = await engineWith((req) => ({ delayMs: req.taskName === 'long' ? 60_000 : 0 }));
    const wf = await submit(engine, workflow([task('quick'), task('long'), task('end', ['long', 'quick'])]));
    await new Promise((r) => setTimeout(r, 50));
    const done = engine.waitFor(wf.id);
    await engine.interrupt(wf.id);
    expect(await done).toBe('interrupted');
    const record = await store.getWorkflow(wf.id);
    expect(record?.state).toBe('running');
    expect(record?.leaseOwner).toBeNull();
    expect((await states(wf.id)).long).toBe('ready');

    const second = await engineWith(() => ({}), { owner: 'other:1:1' });
    await second.resume(wf.id);
    expect(await second.waitFor(wf.id)).toBe('succeeded');
    expect((await store.listAttempts(wf.id, 0)).length).toBe(1); // quick ran once
  });

  it('recovers after a crash: lost attempts are retried, succeeded tasks never run again', async () => {
    const ran = new Map<string, number>();
    const count = (req: LaunchRequest) => ran.set(req.taskName, (ran.get(req.taskName) ?? 0) + 1);
    // The first engine's owner names a process that does not exist, as after a SIGKILL.
    const first = await engineWith(
      (req) => {
        count(req);
        return { delayMs: req.taskName.startsWith('slow') ? 60_000 : 0 };
      },
      { owner: 'crashed-host:999999:1' },
    );
    const tasks = [
      task('fast1'),
      task('fast2'),
      task('slow1', ['fast1']),
      task('slow2', ['fast2']),
      task('end', ['slow1', 'slow2']),
    ];
    const wf = await submit(first, workflow(tasks));
    await new Promise((r) => setTimeout(r, 100));
    expect(await states(wf.id)).toMatchObject({ fast1: 'succeeded', slow1: 'running' });
    // "Crash": the first engine stops without cleaning up; its lease is left behind, expired.
    await first.close();
    await store.acquireLease(wf.id, 'crashed-host:999999:1', 0, 1);

    const second = await engineWith((req) => {
      count(req);
      return {};
    });
    expect(await second.adopt(wf.id)).toBe(true);
    expect(await second.waitFor(wf.id)).toBe('succeeded');
    expect(ran.get('fast1')).toBe(1);
    expect(ran.get('slow1')).toBe(2);
    const slowAttempts = await store.listAttempts(wf.id, 2);
    expect(slowAttempts.map((a) => a.status)).toEqual(['lost', 'succeeded']);
  });

  it('recovers an attempt that ran to its end while no engine had recorded its start', async () => {
    const first = await engineWith(() => ({ delayMs: 60_000 }), { owner: 'crashed-host:999999:1' });
    const wf = await submit(first, workflow([task('a'), task('b', ['a'])]));
    // Crash right after dispatch: the attempt is recorded queued, its start never was.
    await first.close();
    await store.commit({
      tasks: [{ workflowId: wf.id, idx: 0, from: 'running', to: 'ready', at: 1 }],
    });
    await store.commit({
      tasks: [{ workflowId: wf.id, idx: 0, from: 'ready', to: 'queued', at: 2, attempt: 2 }],
      attempts: [
        {
          kind: 'insert',
          attempt: newAttemptRecord({
            workflowId: wf.id,
            taskIdx: 0,
            number: 2,
            executor: 'test-double',
            node: 'local',
            queuedAt: 2,
          }),
        },
      ],
    });
    await store.acquireLease(wf.id, 'crashed-host:999999:1', 0, 1);
    // A test double of an executor whose re-attach finds the attempt already ended with exit 0.
    const listeners: Array<(e: ExecutorEvent) => void> = [];
    const finder: Executor = {
      name: 'test-double',
      capabilities: {
        runsCommands: false,
        gpus: false,
        containers: false,
        maxTasks: Infinity,
        reattach: true,
      },
      nodes: async () => [
        {
          id: 'local',
          executor: 'test-double',
          capacity: { cpus: 4, memoryBytes: 1e12, gpuIds: [] },
          labels: {},
        },
      ],
      start: async (req) => {
        setImmediate(() => {
          for (const l of listeners) {
            l({
              kind: 'started',
              attemptId: req.attemptId,
              at: 5,
              nodeId: 'local',
              handle: '{}',
              stdoutPath: '',
              stderrPath: '',
            });
            l({
              kind: 'finished',
              attemptId: req.attemptId,
              outcome: {
                status: 'succeeded',
                exitCode: 0,
                signal: null,
                startedAt: 5,
                endedAt: 6,
                cpuTimeMs: null,
                peakRssBytes: null,
              },
            });
          }
        });
      },
      cancel: async () => undefined,
      reattach: async (req) => {
        setImmediate(() => {
          for (const l of listeners)
            l({
              kind: 'finished',
              attemptId: req.attemptId,
              outcome: {
                status: 'succeeded',
                exitCode: 0,
                signal: null,
                startedAt: 3,
                endedAt: 4,
                cpuTimeMs: 1,
                peakRssBytes: 2,
              },
            });
        });
        return 'attached';
      },
      onEvent: (l) => void listeners.push(l),
      close: async () => undefined,
    };
    const second = new Engine({ store, executor: finder, stateDir: dir });
    await second.init();
    engines.push(second);
    expect(await second.adopt(wf.id)).toBe(true);
    expect(await second.waitFor(wf.id)).toBe('succeeded');
    const attempts = await store.listAttempts(wf.id, 0);
    expect(attempts.find((a) => a.number === 2)).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      cpuTimeMs: 1,
    });
    const events = await store.listEvents({ workflowId: wf.id });
    expect(events.filter((e) => e.taskIdx === 0).at(-1)).toMatchObject({ from: 'queued', to: 'succeeded' });
  });

  it('a workflow held by a live engine cannot be adopted by another', async () => {
    const engine = await engineWith(() => ({ delayMs: 60_000 }));
    const wf = await submit(engine, workflow([task('a')]));
    const other = await engineWith(() => ({}), { owner: `${'somewhere-else'}:1:1` });
    expect(await other.adopt(wf.id)).toBe(false);
    await expect(other.cancel(wf.id)).rejects.toMatchObject({ code: 'WORKFLOW_LEASED' });
  });

  it('places again when the scheduler said it would (nextWakeAt), with nothing else to wake it', async () => {
    // A scheduler that holds every task back until 300 ms after it first sees one.
    let openAt: number | null = null;
    let calls = 0;
    const holding: Scheduler = {
      name: 'hold-300ms',
      place(ready, nodes, now) {
        calls += 1;
        openAt ??= now + 300;
        if (now < openAt) return [];
        return ready.map((r) => ({ key: r.key, nodeId: nodes[0]!.id, gpuIds: [], reason: {} }));
      },
      nextWakeAt: (now) => (openAt !== null && openAt > now ? openAt : undefined),
    };
    const engine = await engineWith(undefined, { cpus: 4, scheduler: holding });
    const wf = await submit(engine, workflow([task('a')]));
    const done = await Promise.race([
      engine.waitFor(wf.id),
      new Promise((resolve) => setTimeout(() => resolve('still held after 5 s'), 5000)),
    ]);
    expect(done).toBe('succeeded');
    const [attempt] = await store.listAttempts(wf.id);
    expect(attempt!.queuedAt - wf.createdAt).toBeGreaterThanOrEqual(290);
    expect(calls).toBeLessThan(10); // woken once at the time asked, not polled
  });

  it('never runs more CPUs at once than the node offers', async () => {
    let running = 0;
    let peak = 0;
    const engine = await engineWith(
      () => {
        running += 1;
        peak = Math.max(peak, running);
        setTimeout(() => (running -= 1), 9);
        return { delayMs: 10 };
      },
      { cpus: 3 },
    );
    const tasks = Array.from({ length: 30 }, (_, i) => task(`t${i}`));
    const wf = await submit(engine, workflow(tasks));
    expect(await engine.waitFor(wf.id)).toBe('succeeded');
    expect(peak).toBe(3);
  });

  it('retries an out-of-memory attempt asking for more memory, up to what the node has', async () => {
    // A test double stands in for memory enforcement (neither the local executor nor the test
    // Slurm, without cgroups, enforce it): the task "needs" 3 GiB and runs out below that.
    const GiB = 2 ** 30;
    /** Task `hungry`: asks for 1 GiB, up to `maxAttempts` attempts 1–2 ms apart. */
    const hungry = (maxAttempts: number): TaskSpec =>
      task('hungry', [], {
        resources: { cpus: 1, memoryBytes: GiB, gpus: 0 },
        retry: { ...DEFAULT_RETRY, maxAttempts, initialDelayMs: 1, maxDelayMs: 2 },
      });
    const asked: number[] = [];
    const engine = await engineWith((req) => {
      if (req.taskName !== 'hungry') return {};
      asked.push(req.resources.memoryBytes);
      return req.resources.memoryBytes < 3 * GiB
        ? { status: 'failed', exitCode: 137, outOfMemory: true, peakRssBytes: req.resources.memoryBytes }
        : {};
    });
    const wf = await submit(engine, workflow([hungry(4)]));
    expect(await engine.waitFor(wf.id)).toBe('succeeded');
    // 1 GiB → out of memory → 2 GiB → out of memory → 4 GiB: enough.
    expect(asked).toEqual([GiB, 2 * GiB, 4 * GiB]);
    const events = await store.listEvents({ workflowId: wf.id });
    expect(events.filter((e) => e.to === 'ready').map((e) => e.reason)).toEqual([
      expect.stringMatching(/ran out of memory.*the retry asks for 2147483648 bytes/),
      expect.stringMatching(/the retry asks for 4294967296 bytes/),
    ]);

    // Capped at the node's memory: with 1.5 GiB nodes it asks for 1.5 GiB, then says no node has more.
    const small = new NoopExecutor({
      capacity: { cpus: 4, memoryBytes: 1.5 * GiB, gpuIds: [] },
      behaviour: () => ({ status: 'failed', outOfMemory: true }),
    });
    const capped = new Engine({ store, executor: small, stateDir: dir, owner: 'capped' });
    await capped.init();
    engines.push(capped);
    const wf2 = await submit(capped, workflow([hungry(3)]));
    expect(await capped.waitFor(wf2.id)).toBe('failed');
    const reasons = (await store.listEvents({ workflowId: wf2.id }))
      .filter((e) => e.to === 'ready' && e.taskIdx === 0)
      .map((e) => e.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/asks for 1610612736 bytes/),
      expect.stringMatching(/no node has more to give/),
    ]);
  });

  it('keeps a grown memory request across a restart: the resuming engine asks for it too', async () => {
    const GiB = 2 ** 30;
    const asked: Array<[string, number]> = [];
    const hungry = (owner: string) => (req: LaunchRequest) => {
      asked.push([owner, req.resources.memoryBytes]);
      return req.resources.memoryBytes < 2 * GiB
        ? { status: 'failed' as const, exitCode: 137, outOfMemory: true, peakRssBytes: GiB }
        : {};
    };
    const first = await engineWith(hungry('first'));
    const wf = await submit(
      first,
      workflow([
        task('hungry', [], {
          resources: { cpus: 1, memoryBytes: GiB, gpus: 0 },
          retry: { ...DEFAULT_RETRY, maxAttempts: 3, initialDelayMs: 400, maxDelayMs: 400, jitter: 0 },
        }),
      ]),
    );
    // Stop the first engine while the retry waits, then resume with another.
    for (let i = 0; i < 200 && (await store.getTask(wf.id, 0))?.state !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 5));
    const done = first.waitFor(wf.id);
    await first.interrupt(wf.id);
    expect(await done).toBe('interrupted');
    expect((await store.getTask(wf.id, 0))?.memoryBytes).toBe(2 * GiB);
    const second = await engineWith(hungry('second'), { owner: 'other:1:2' });
    await second.resume(wf.id);
    expect(await second.waitFor(wf.id)).toBe('succeeded');
    expect(asked).toEqual([
      ['first', GiB],
      ['second', 2 * GiB],
    ]);
  });

  it('fails a task no node can ever hold, saying why', async () => {
    const engine = await engineWith(() => ({}), { cpus: 2 });
    const wf = await submit(
      engine,
      workflow([task('huge', [], { resources: { cpus: 64, memoryBytes: 0, gpus: 0 } })]),
    );
    expect(await engine.waitFor(wf.id)).toBe('failed');
    const events = await store.listEvents({ workflowId: wf.id });
    expect(events.find((e) => e.to === 'failed')?.reason).toMatch(
      /unschedulable: needs 64 CPUs.*offers 2 CPUs/,
    );
  });
});

describe('Engine with the local executor', () => {
  async function localEngine() {
    const executor = new LocalExecutor({ capacity: { cpus: 2 } });
    const engine = new Engine({ store, executor, stateDir: dir });
    await engine.init();
    engines.push(engine);
    return engine;
  }

  it('validates outputs: a missing declared output fails the attempt, an existing one passes', async () => {
    const engine = await localEngine();
    const wf = await submit(
      engine,
      workflow(
        [
          task('writes', [], { command: { shell: 'echo hello > out/a.txt' }, outputs: ['out/a.txt'] }),
          task('forgets', [], { command: { shell: 'true' }, outputs: ['out/b.txt'] }),
          task('regex', [], {
            command: { shell: 'echo "result: 42"' },
            validate: { outputsExist: true, outputsNonEmpty: false, stdoutMatches: '^result: \\d+$' },
          }),
          task('validator', [], {
            command: { shell: 'echo x > v.txt' },
            validate: {
              outputsExist: true,
              outputsNonEmpty: false,
              command: { argv: ['test', '-s', 'v.txt'] },
            },
          }),
        ],
        'continue',
      ),
    );
    await expectEnd(engine, wf.id, 'failed', {
      writes: 'succeeded',
      forgets: 'failed',
      regex: 'succeeded',
      validator: 'succeeded',
    });
    expect(readFileSync(join(dir, 'out', 'a.txt'), 'utf8')).toBe('hello\n');
    const forgets = await store.listAttempts(wf.id, 1);
    expect(forgets[0]?.message).toContain('declared output out/b.txt was not written');
  });

  it('gives each GPU to one task at a time through CUDA_VISIBLE_DEVICES', async () => {
    const executor = new LocalExecutor({ capacity: { cpus: 8, gpuIds: [0, 1] } });
    const engine = new Engine({ store, executor, stateDir: dir });
    await engine.init();
    engines.push(engine);
    const gpuTask = (i: number) =>
      task(`g${i}`, [], {
        // Records which GPU it got and when it held it (ms since the epoch, from date +%s%N).
        command: {
          shell: `s=$(date +%s%N); sleep 0.3; echo "$CUDA_VISIBLE_DEVICES $s $(date +%s%N)" > gpu-${i}.txt`,
        },
        outputs: [`gpu-${i}.txt`],
        resources: { cpus: 1, memoryBytes: 0, gpus: 1 },
      });
    const wf = await submit(
      engine,
      workflow(
        [0, 1, 2, 3, 4, 5]
          .map(gpuTask)
          .concat(task('cpu-only', [], { command: { shell: 'echo "[$CUDA_VISIBLE_DEVICES]" > cpu.txt' } })),
      ),
    );
    expect(await engine.waitFor(wf.id)).toBe('succeeded');
    const holds = [0, 1, 2, 3, 4, 5].map((i) => {
      const [gpu, from, to] = readFileSync(join(dir, `gpu-${i}.txt`), 'utf8')
        .trim()
        .split(' ');
      return { gpu: gpu!, from: Number(from), to: Number(to) };
    });
    expect(new Set(holds.map((h) => h.gpu))).toEqual(new Set(['0', '1']));
    for (const a of holds) {
      for (const b of holds) {
        if (a !== b && a.gpu === b.gpu)
          expect(a.to <= b.from || b.to <= a.from, 'one GPU held by two tasks at once').toBe(true);
      }
    }
    expect(readFileSync(join(dir, 'cpu.txt'), 'utf8')).toBe('[]\n');
  });

  it('records exit code, times and log paths of each attempt', async () => {
    const engine = await localEngine();
    const wf = await submit(
      engine,
      workflow([task('talk', [], { command: { shell: 'echo out; echo err >&2; exit 4' } })]),
    );
    expect(await engine.waitFor(wf.id)).toBe('failed');
    const [a] = await store.listAttempts(wf.id, 0);
    expect(a).toMatchObject({ status: 'failed', exitCode: 4, executor: 'local' });
    expect(a!.startedAt).toBeGreaterThan(0);
    expect(a!.endedAt).toBeGreaterThanOrEqual(a!.startedAt!);
    expect(readFileSync(a!.stdoutPath!, 'utf8')).toBe('out\n');
    expect(readFileSync(a!.stderrPath!, 'utf8')).toBe('err\n');
  });
});
