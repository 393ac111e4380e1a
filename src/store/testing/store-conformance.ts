/**
 * The one conformance suite every `Store` implementation passes (SQLite and PostgreSQL today). It
 * pins the contract written in store.ts: optimistic concurrency with all-or-nothing commits, one
 * event per change, exact round trips, ordering of listings, and leases.
 *
 * Each test gets a fresh, migrated store from `open()`; `cleanup` (default: `store.close()`) runs
 * after it. The suite never skips: a back-end that cannot be reached fails every test.
 *
 * @example
 * storeConformanceSuite('SqliteStore', async () => openStore({ url: `sqlite:${tmpFile()}` }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATTEMPT_STATUSES, DEFAULT_RETRY } from '../../model/index.js';
import type { AttemptStatus, TaskSpec, TaskState, WorkflowSpec } from '../../model/index.js';
import { newAttemptRecord, newTaskRecord } from '../attempt-record.js';
import { StoreConflictError } from '../errors.js';
import { pagingConformance } from './paging-conformance.js';
import type { AttemptRecord, AttemptWrite, NewTask, NewWorkflow, Store, TaskChange } from '../store.js';
import { leaseFencingCases } from './lease-fencing-conformance.js';
import { accessConformanceTests } from './access-conformance.js';

/** A realistic epoch-ms time, well past 2^31, so that 32-bit or string-typed columns would show. */
const T0 = 1_735_000_000_123;

export function taskSpec(name: string, deps: string[] = []): TaskSpec {
  return {
    name,
    command: { argv: ['echo', name] },
    env: {},
    inputs: [],
    outputs: [],
    deps,
    resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
    retry: { ...DEFAULT_RETRY },
    validate: { outputsExist: true, outputsNonEmpty: false },
  };
}

/** A workflow of `n` tasks in a chain (task i depends on i-1); the first is ready, the rest pending. */
export function makeWorkflow(
  id: string,
  n: number,
  createdAt = T0,
): { workflow: NewWorkflow; tasks: NewTask[] } {
  const specs = Array.from({ length: n }, (_, i) => taskSpec(`t${i}`, i === 0 ? [] : [`t${i - 1}`]));
  const spec: WorkflowSpec = { name: `wf ${id}`, failurePolicy: 'fail-fast', tasks: specs };
  return {
    workflow: {
      id,
      name: spec.name,
      failurePolicy: spec.failurePolicy,
      spec,
      baseDir: '/work/flows',
      source: `/work/flows/${id}.yaml`,
      createdAt,
    },
    tasks: specs.map((s, i) => ({
      idx: i,
      name: s.name,
      state: i === 0 ? 'ready' : 'pending',
      deps: i === 0 ? [] : [i - 1],
      spec: s,
    })),
  };
}

/** `makeWorkflow(id, n, createdAt)`, created in `store`. */
export async function storedWorkflow(
  store: Store,
  id: string,
  n: number,
  createdAt = T0,
): Promise<{ workflow: NewWorkflow; tasks: NewTask[] }> {
  const made = makeWorkflow(id, n, createdAt);
  await store.createWorkflow(made.workflow, made.tasks);
  return made;
}

function attempt(workflowId: string, taskIdx: number, number: number, extra: Partial<AttemptRecord> = {}) {
  return newAttemptRecord({ workflowId, taskIdx, number, executor: 'local', queuedAt: T0 + 10, ...extra });
}

function change(
  workflowId: string,
  idx: number,
  from: TaskState,
  to: TaskState,
  at: number,
  extra: Partial<TaskChange> = {},
): TaskChange {
  return { workflowId, idx, from, to, at, ...extra };
}

/** An update of attempt `number` of task `taskIdx`, to `status` and the fields `extra` gives. */
function attemptUpdate(
  workflowId: string,
  taskIdx: number,
  number: number,
  status: AttemptStatus,
  extra: Omit<
    Extract<AttemptWrite, { kind: 'update' }>,
    'kind' | 'workflowId' | 'taskIdx' | 'number' | 'status'
  > = {},
): AttemptWrite {
  return { kind: 'update', workflowId, taskIdx, number, status, ...extra };
}

async function expectConflict(
  promise: Promise<unknown>,
  ...fragments: RegExp[]
): Promise<StoreConflictError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreConflictError);
  const conflict = error as StoreConflictError;
  expect(conflict.code).toBe('STORE_CONFLICT');
  for (const fragment of fragments) expect(conflict.message).toMatch(fragment);
  return conflict;
}

export function storeConformanceSuite(
  name: string,
  open: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void>,
): void {
  describe(name, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      if (cleanup) await cleanup(store);
      else await store.close();
    });

    /** `makeWorkflow(id, n, createdAt)`, created in the store under test. */
    const stored = (id: string, n: number, createdAt = T0) => storedWorkflow(store, id, n, createdAt);

    /** Moves task `idx` of `wf` ready → queued (attempt 1) → running, with its attempt rows. */
    async function startTask(wf: string, idx: number, at: number, number = 1): Promise<void> {
      await store.commit({
        attempts: [{ kind: 'insert', attempt: attempt(wf, idx, number, { queuedAt: at }) }],
        tasks: [change(wf, idx, 'ready', 'queued', at, { attempt: number })],
      });
      await store.commit({
        attempts: [attemptUpdate(wf, idx, number, 'running', { startedAt: at + 1 })],
        tasks: [change(wf, idx, 'queued', 'running', at + 1)],
      });
    }

    pagingConformance(() => store);

    describe('migrations', () => {
      it('migrate() again is a no-op that keeps the data', async () => {
        await stored('wf-1', 3);
        await store.migrate();
        await store.migrate();
        expect((await store.getWorkflow('wf-1'))?.taskCount).toBe(3);
        expect(await store.listTasks('wf-1')).toHaveLength(3);
        expect(await store.listEvents()).toHaveLength(1);
      });
    });

    describe('createWorkflow', () => {
      it('returns the running workflow record, and getWorkflow reads the same back', async () => {
        const { workflow, tasks } = makeWorkflow('wf-1', 3);
        const created = await store.createWorkflow(workflow, tasks);
        expect(created).toStrictEqual({
          id: 'wf-1',
          name: 'wf wf-1',
          state: 'running',
          failurePolicy: 'fail-fast',
          spec: workflow.spec,
          baseDir: '/work/flows',
          source: '/work/flows/wf-1.yaml',
          taskCount: 3,
          createdAt: T0,
          updatedAt: T0,
          finishedAt: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          submittedBy: 'local',
        });
        expect(await store.getWorkflow('wf-1')).toStrictEqual(created);
      });

      it('writes every task with attempt 0, readyAt 0, retryBase 0, no memory override and updatedAt = createdAt', async () => {
        const { tasks } = await stored('wf-1', 3);
        const listed = await store.listTasks('wf-1');
        expect(listed).toStrictEqual(tasks.map((t) => newTaskRecord('wf-1', t, T0)));
        expect(await store.getTask('wf-1', 2)).toStrictEqual(listed[2]);
        expect(await store.getTaskByName('wf-1', 't1')).toStrictEqual(listed[1]);
      });

      it('appends exactly one submitted event, with null task, attempt and from', async () => {
        await stored('wf-1', 4);
        const events = await store.listEvents();
        expect(events).toHaveLength(1);
        expect(events[0]).toStrictEqual({
          seq: events[0]!.seq,
          workflowId: 'wf-1',
          taskIdx: null,
          attempt: null,
          from: null,
          to: 'running',
          at: T0,
          reason: 'submitted',
        });
        expect(typeof events[0]!.seq).toBe('number');
      });

      it('round-trips specs exactly: unicode, escapes, NUL, and optional fields absent stay absent', async () => {
        const odd = 'résumé 🚀 任务 e\u0301 "quoted" \\back\\slash\nline\ttab \u0000 nul \ud800 lone';
        const spec: TaskSpec = {
          ...taskSpec('tâche-🚀'),
          array: 'tâche',
          command: { shell: `echo '${odd}' | tr a-z A-Z` },
          env: { KEY_ü: odd, EMPTY: '' },
          inputs: ['données/entrée.csv'],
          outputs: ['out/😀.json'],
          timeoutMs: 0,
          validate: { outputsExist: false, outputsNonEmpty: true, stdoutMatches: '^\\d+\\s*$' },
        };
        const plain = taskSpec('plain');
        // Plain text columns (names, paths) take any valid Unicode; only JSON escapes NUL and lone surrogates.
        const wfSpec: WorkflowSpec = {
          name: 'flow résumé 🚀 任务 "q" \\ \n',
          failurePolicy: 'continue',
          tasks: [spec, plain],
        };
        await store.createWorkflow(
          {
            id: 'wf-ü',
            name: wfSpec.name,
            failurePolicy: 'continue',
            spec: wfSpec,
            baseDir: '/tmp/dössier',
            source: 'api',
            createdAt: T0,
          },
          [
            { idx: 0, name: spec.name, state: 'ready', deps: [], spec },
            { idx: 1, name: plain.name, state: 'ready', deps: [], spec: plain },
          ],
        );
        const wf = await store.getWorkflow('wf-ü');
        expect(wf?.spec).toStrictEqual(wfSpec);
        expect(wf?.name).toBe(wfSpec.name);
        expect(wf?.baseDir).toBe('/tmp/dössier');
        const [first, second] = await store.listTasks('wf-ü');
        expect(first?.spec).toStrictEqual(spec);
        expect(first?.spec.env['KEY_ü']).toBe(odd);
        expect(second?.spec).toStrictEqual(plain);
        for (const key of ['workdir', 'timeoutMs', 'array'] as const) expect(key in second!.spec).toBe(false);
        expect('stdoutMatches' in second!.spec.validate).toBe(false);
        expect((await store.getTaskByName('wf-ü', 'tâche-🚀'))?.idx).toBe(0);
      });

      it('refuses a second workflow with the same id and leaves the first intact', async () => {
        const first = makeWorkflow('wf-1', 2);
        await store.createWorkflow(first.workflow, first.tasks);
        const again = makeWorkflow('wf-1', 5, T0 + 1000);
        await expectConflict(store.createWorkflow(again.workflow, again.tasks), /wf-1/);
        expect((await store.getWorkflow('wf-1'))?.taskCount).toBe(2);
        expect(await store.listTasks('wf-1')).toHaveLength(2);
        expect(await store.listEvents()).toHaveLength(1);
      });

      it('is atomic: a bad task row leaves no workflow, task or event behind', async () => {
        const { workflow, tasks } = makeWorkflow('wf-1', 3);
        const duplicateIdx = [...tasks, { ...tasks[2]!, name: 'other' }];
        await expect(store.createWorkflow(workflow, duplicateIdx)).rejects.toThrow();
        expect(await store.getWorkflow('wf-1')).toBeUndefined();
        expect(await store.listTasks('wf-1')).toEqual([]);
        expect(await store.listEvents()).toEqual([]);
      });

      it('stores a workflow of 10,000 tasks and lists them all in idx order', async () => {
        const { workflow, tasks } = makeWorkflow('big', 10_000);
        const created = await store.createWorkflow(workflow, tasks.slice().reverse());
        expect(created.taskCount).toBe(10_000);
        const listed = await store.listTasks('big');
        expect(listed).toHaveLength(10_000);
        expect(listed.every((t, i) => t.idx === i && t.name === `t${i}`)).toBe(true);
        expect(listed[9_999]?.deps).toEqual([9_998]);
        expect(await store.countTasksByState('big')).toEqual({ ready: 1, pending: 9_999 });
      });

      it('accepts a workflow without tasks', async () => {
        const { workflow } = makeWorkflow('empty', 0);
        expect((await store.createWorkflow(workflow, [])).taskCount).toBe(0);
        expect(await store.listTasks('empty')).toEqual([]);
        expect(await store.countTasksByState('empty')).toEqual({});
      });
    });

    describe('reads', () => {
      it('returns undefined or empty results for what does not exist', async () => {
        await stored('wf-1', 1);
        expect(await store.getWorkflow('nope')).toBeUndefined();
        expect(await store.getTask('wf-1', 1)).toBeUndefined();
        expect(await store.getTask('nope', 0)).toBeUndefined();
        expect(await store.getTaskByName('wf-1', 'nope')).toBeUndefined();
        expect(await store.listTasks('nope')).toEqual([]);
        expect(await store.listAttempts('wf-1')).toEqual([]);
        expect(await store.listEvents({ workflowId: 'nope' })).toEqual([]);
      });

      it('listWorkflows is newest first, ties broken by id descending, filtered by state and limit', async () => {
        for (const [id, at] of [
          ['a', T0 + 1],
          ['b', T0 + 3],
          ['c', T0 + 3],
          ['d', T0 + 2],
        ] as const) {
          await stored(id, 1, at);
        }
        await store.commit({ workflows: [{ id: 'c', from: 'running', to: 'failed', at: T0 + 9 }] });
        expect((await store.listWorkflows()).map((w) => w.id)).toEqual(['c', 'b', 'd', 'a']);
        expect((await store.listWorkflows({ limit: 2 })).map((w) => w.id)).toEqual(['c', 'b']);
        expect((await store.listWorkflows({ states: ['running'] })).map((w) => w.id)).toEqual([
          'b',
          'd',
          'a',
        ]);
        expect((await store.listWorkflows({ states: ['failed', 'succeeded'] })).map((w) => w.id)).toEqual([
          'c',
        ]);
        expect(await store.listWorkflows({ states: ['cancelled'] })).toEqual([]);
        expect(await store.listWorkflows({ limit: 0 })).toEqual([]);
      });

      it('listWorkflows filters by exact name, newest first, combined with state and limit', async () => {
        for (const [id, name, at] of [
          ['n1', 'alpha', T0 + 1],
          ['n2', 'beta', T0 + 2],
          ['n3', 'alpha', T0 + 3],
          ['n4', 'alphabet', T0 + 4],
        ] as const) {
          const { workflow, tasks } = makeWorkflow(id, 1, at);
          await store.createWorkflow({ ...workflow, name }, tasks);
        }
        await store.commit({ workflows: [{ id: 'n3', from: 'running', to: 'succeeded', at: T0 + 9 }] });
        const ids = async (filter: Parameters<Store['listWorkflows']>[0]) =>
          (await store.listWorkflows(filter)).map((w) => w.id);
        expect(await ids({ name: 'alpha' })).toEqual(['n3', 'n1']);
        expect(await ids({ name: 'alpha', limit: 1 })).toEqual(['n3']);
        expect(await ids({ name: 'alpha', states: ['running'] })).toEqual(['n1']);
        expect(await ids({ name: 'gamma' })).toEqual([]);
      });

      it('listTasks filters by states and pages with limit and offset, in idx order', async () => {
        const { workflow, tasks } = makeWorkflow('wf-1', 10);
        for (const t of tasks) t.state = t.idx % 2 === 0 ? 'ready' : 'pending';
        await store.createWorkflow(workflow, tasks);
        const idx = async (filter: Parameters<Store['listTasks']>[1]) =>
          (await store.listTasks('wf-1', filter)).map((t) => t.idx);
        expect(await idx({ limit: 3 })).toEqual([0, 1, 2]);
        expect(await idx({ limit: 3, offset: 8 })).toEqual([8, 9]);
        expect(await idx({ offset: 7 })).toEqual([7, 8, 9]);
        expect(await idx({ states: ['pending'] })).toEqual([1, 3, 5, 7, 9]);
        expect(await idx({ states: ['pending'], limit: 2, offset: 1 })).toEqual([3, 5]);
        expect(await idx({ states: ['ready', 'pending'] })).toHaveLength(10);
        expect(await idx({ states: ['running'] })).toEqual([]);
      });

      it('countTasksByState counts across all workflows or within one, omitting empty states', async () => {
        for (const id of ['wf-1', 'wf-2']) {
          await stored(id, 3);
        }
        await store.commit({ tasks: [change('wf-2', 0, 'ready', 'cancelled', T0 + 5)] });
        expect(await store.countTasksByState()).toEqual({ ready: 1, pending: 4, cancelled: 1 });
        expect(await store.countTasksByState('wf-2')).toEqual({ pending: 2, cancelled: 1 });
        expect(await store.countTasksByState('nope')).toEqual({});
      });
    });

    describe('commit: tasks', () => {
      it('a task change sets state and updatedAt, and attempt, readyAt and retryBase only when given', async () => {
        await stored('wf-1', 2);
        await store.commit({ tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 10, { attempt: 1 })] });
        expect(await store.getTask('wf-1', 0)).toMatchObject({
          state: 'queued',
          attempt: 1,
          readyAt: 0,
          updatedAt: T0 + 10,
        });
        await store.commit({ tasks: [change('wf-1', 0, 'queued', 'running', T0 + 20)] });
        await store.commit({
          tasks: [change('wf-1', 0, 'running', 'ready', T0 + 30, { readyAt: T0 + 5000 })],
        });
        expect(await store.getTask('wf-1', 0)).toMatchObject({
          state: 'ready',
          attempt: 1,
          readyAt: T0 + 5000,
          retryBase: 0,
          updatedAt: T0 + 30,
        });
        await store.commit({
          tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 40, { attempt: 2, retryBase: 1 })],
        });
        expect(await store.getTask('wf-1', 0)).toMatchObject({
          state: 'queued',
          attempt: 2,
          readyAt: T0 + 5000,
          retryBase: 1,
          updatedAt: T0 + 40,
        });
        // The other task and the workflow row are untouched.
        expect(await store.getTask('wf-1', 1)).toMatchObject({ state: 'pending', attempt: 0, updatedAt: T0 });
        expect(await store.getWorkflow('wf-1')).toMatchObject({ state: 'running', updatedAt: T0 });
      });

      it('a task change sets memoryBytes when given (beyond 2^32), and later changes keep it', async () => {
        await stored('wf-1', 2);
        expect((await store.getTask('wf-1', 0))?.memoryBytes).toBeNull();
        await store.commit({ tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 10, { attempt: 1 })] });
        await store.commit({ tasks: [change('wf-1', 0, 'queued', 'running', T0 + 20)] });
        const grown = 6 * 2 ** 32;
        await store.commit({
          tasks: [change('wf-1', 0, 'running', 'ready', T0 + 30, { readyAt: T0 + 99, memoryBytes: grown })],
        });
        expect(await store.getTask('wf-1', 0)).toMatchObject({ state: 'ready', memoryBytes: grown });
        await store.commit({ tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 40, { attempt: 2 })] });
        expect((await store.listTasks('wf-1'))[0]).toMatchObject({ state: 'queued', memoryBytes: grown });
        expect((await store.getTask('wf-1', 1))?.memoryBytes).toBeNull();
        expect(await store.getWorkflow('wf-1')).toMatchObject({ state: 'running', updatedAt: T0 });
      });

      it("each task change appends one event with the change's attempt, or else the task's current one", async () => {
        await stored('wf-1', 2);
        await store.commit({
          tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 1, { attempt: 3, reason: 'dispatched' })],
        });
        await store.commit({ tasks: [change('wf-1', 0, 'queued', 'running', T0 + 2)] });
        await store.commit({ tasks: [change('wf-1', 1, 'pending', 'ready', T0 + 3)] });
        const events = (await store.listEvents({ afterSeq: 0 })).slice(1);
        expect(events.map(({ seq: _seq, ...rest }) => rest)).toStrictEqual([
          {
            workflowId: 'wf-1',
            taskIdx: 0,
            attempt: 3,
            from: 'ready',
            to: 'queued',
            at: T0 + 1,
            reason: 'dispatched',
          },
          {
            workflowId: 'wf-1',
            taskIdx: 0,
            attempt: 3,
            from: 'queued',
            to: 'running',
            at: T0 + 2,
            reason: null,
          },
          {
            workflowId: 'wf-1',
            taskIdx: 1,
            attempt: 0,
            from: 'pending',
            to: 'ready',
            at: T0 + 3,
            reason: null,
          },
        ]);
      });

      it('applies a batch across tasks and workflows, one event per change in the order given', async () => {
        for (const id of ['wf-1', 'wf-2']) {
          const { workflow, tasks } = makeWorkflow(id, 300);
          for (const t of tasks) t.state = 'ready';
          await store.createWorkflow(workflow, tasks);
        }
        const batch: TaskChange[] = [];
        for (let i = 0; i < 300; i++) {
          batch.push(change('wf-2', 299 - i, 'ready', 'queued', T0 + i, { attempt: 1 }));
          batch.push(change('wf-1', i, 'ready', 'queued', T0 + i, { attempt: 1 }));
        }
        await store.commit({ tasks: batch });
        expect(await store.countTasksByState()).toEqual({ queued: 600 });
        const events = (await store.listEvents()).filter((e) => e.taskIdx !== null);
        expect(events.map((e) => [e.workflowId, e.taskIdx])).toEqual(batch.map((c) => [c.workflowId, c.idx]));
        expect(events.every((e) => e.attempt === 1 && e.from === 'ready' && e.to === 'queued')).toBe(true);
      });

      it('a stale from in the middle of a batch throws StoreConflictError naming the task and both states, and writes nothing', async () => {
        const { workflow, tasks } = makeWorkflow('wf-1', 5);
        for (const t of tasks) t.state = 'ready';
        await store.createWorkflow(workflow, tasks);
        await store.commit({ tasks: [change('wf-1', 2, 'ready', 'cancelled', T0 + 1)] });
        const before = {
          tasks: await store.listTasks('wf-1'),
          events: await store.listEvents(),
          workflow: await store.getWorkflow('wf-1'),
        };
        await expectConflict(
          store.commit({
            attempts: [0, 1, 2, 3, 4].map((i) => ({
              kind: 'insert' as const,
              attempt: attempt('wf-1', i, 1),
            })),
            tasks: [0, 1, 2, 3, 4].map((i) => change('wf-1', i, 'ready', 'queued', T0 + 10, { attempt: 1 })),
            workflows: [{ id: 'wf-1', from: 'running', to: 'cancelled', at: T0 + 10 }],
          }),
          /\b2\b/,
          /t2/,
          /cancelled/,
          /ready/,
        );
        expect(await store.listTasks('wf-1')).toStrictEqual(before.tasks);
        expect(await store.listEvents()).toStrictEqual(before.events);
        expect(await store.getWorkflow('wf-1')).toStrictEqual(before.workflow);
        expect(await store.listAttempts('wf-1')).toEqual([]);
      });

      it('a change to a task that does not exist is a conflict', async () => {
        await stored('wf-1', 1);
        await expectConflict(
          store.commit({
            tasks: [
              change('wf-1', 0, 'ready', 'queued', T0 + 1),
              change('wf-1', 7, 'ready', 'queued', T0 + 1),
            ],
          }),
          /\b7\b/,
          /does not exist/,
        );
        expect((await store.getTask('wf-1', 0))?.state).toBe('ready');
      });

      it('a conflict leaves the store usable: the corrected change set then commits', async () => {
        await stored('wf-1', 2);
        await expectConflict(
          store.commit({ tasks: [change('wf-1', 1, 'ready', 'queued', T0 + 1)] }),
          /pending/,
        );
        await store.commit({ tasks: [change('wf-1', 1, 'pending', 'ready', T0 + 2)] });
        expect((await store.getTask('wf-1', 1))?.state).toBe('ready');
      });
    });

    describe('commit: attempts', () => {
      it('an inserted attempt round-trips every field; listAttempts orders by task then number, and filters by task', async () => {
        await stored('wf-1', 3);
        const full = attempt('wf-1', 2, 1, {
          status: 'failed',
          executor: 'slurm',
          node: 'node-7',
          handle: JSON.stringify({ jobId: 4242, note: 'ü "q"' }),
          startedAt: T0 + 11,
          endedAt: T0 + 12,
          exitCode: 137,
          signal: 'SIGKILL',
          cpuTimeMs: 1234.5,
          peakRssBytes: 17_179_869_184,
          stdoutPath: '/logs/out',
          stderrPath: '/logs/err',
          message: 'killed',
        });
        await store.commit({
          attempts: [
            { kind: 'insert', attempt: attempt('wf-1', 2, 2) },
            { kind: 'insert', attempt: full },
            { kind: 'insert', attempt: attempt('wf-1', 0, 1) },
          ],
        });
        const all = await store.listAttempts('wf-1');
        expect(all.map((a) => [a.taskIdx, a.number])).toEqual([
          [0, 1],
          [2, 1],
          [2, 2],
        ]);
        expect(all[1]).toStrictEqual(full);
        expect(all[0]).toStrictEqual(attempt('wf-1', 0, 1));
        expect((await store.listAttempts('wf-1', 2)).map((a) => a.number)).toEqual([1, 2]);
        expect(await store.listAttempts('wf-1', 1)).toEqual([]);
      });

      it('an attempt update writes only the fields it carries', async () => {
        await stored('wf-1', 1);
        await store.commit({
          attempts: [{ kind: 'insert', attempt: attempt('wf-1', 0, 1, { node: 'n1', message: 'hi' }) }],
        });
        await store.commit({
          attempts: [
            attemptUpdate('wf-1', 0, 1, 'running', {
              handle: '{"pid":12}',
              startedAt: T0 + 20,
              stdoutPath: '/o',
            }),
          ],
        });
        expect((await store.listAttempts('wf-1'))[0]).toStrictEqual(
          attempt('wf-1', 0, 1, {
            status: 'running',
            node: 'n1',
            handle: '{"pid":12}',
            startedAt: T0 + 20,
            stdoutPath: '/o',
            message: 'hi',
          }),
        );
        await store.commit({
          attempts: [attemptUpdate('wf-1', 0, 1, 'running', { node: null, stderrPath: '/e' })],
        });
        expect((await store.listAttempts('wf-1'))[0]).toMatchObject({
          node: null,
          handle: '{"pid":12}',
          stdoutPath: '/o',
          stderrPath: '/e',
        });
      });

      it('an outcome sets endedAt, exitCode, signal, cpuTimeMs, peakRssBytes, message, and startedAt only if missing', async () => {
        await stored('wf-1', 1);
        await store.commit({
          attempts: [
            { kind: 'insert', attempt: attempt('wf-1', 0, 1, { status: 'running', startedAt: T0 + 5 }) },
            { kind: 'insert', attempt: attempt('wf-1', 0, 2) },
          ],
        });
        const outcome = {
          status: 'failed' as const,
          exitCode: null,
          signal: 'SIGTERM',
          startedAt: T0 + 7,
          endedAt: T0 + 99,
          cpuTimeMs: 42.25,
          peakRssBytes: 5_000_000_000,
          message: 'terminated',
        };
        await store.commit({
          attempts: [
            attemptUpdate('wf-1', 0, 1, 'failed', { outcome }),
            attemptUpdate('wf-1', 0, 2, 'lost', { outcome: { ...outcome, status: 'lost' } }),
          ],
        });
        const [first, second] = await store.listAttempts('wf-1');
        const ended = {
          endedAt: T0 + 99,
          exitCode: null,
          signal: 'SIGTERM',
          cpuTimeMs: 42.25,
          peakRssBytes: 5_000_000_000,
          message: 'terminated',
        };
        expect(first).toMatchObject({ status: 'failed', startedAt: T0 + 5, ...ended });
        expect(second).toMatchObject({ status: 'lost', startedAt: T0 + 7, ...ended });
        // An outcome without a start time or message keeps what the row has.
        await store.commit({
          attempts: [{ kind: 'insert', attempt: attempt('wf-1', 0, 3, { message: 'queued behind 3' }) }],
        });
        await store.commit({
          attempts: [
            attemptUpdate('wf-1', 0, 3, 'succeeded', {
              outcome: {
                status: 'succeeded',
                exitCode: 0,
                signal: null,
                startedAt: null,
                endedAt: T0 + 120,
                cpuTimeMs: null,
                peakRssBytes: null,
              },
            }),
          ],
        });
        expect((await store.listAttempts('wf-1', 0))[2]).toMatchObject({
          status: 'succeeded',
          startedAt: null,
          endedAt: T0 + 120,
          exitCode: 0,
          message: 'queued behind 3',
        });
      });

      it('updating an attempt that does not exist is a conflict and writes nothing', async () => {
        await stored('wf-1', 1);
        await expectConflict(
          store.commit({
            attempts: [
              { kind: 'insert', attempt: attempt('wf-1', 0, 1) },
              attemptUpdate('wf-1', 0, 2, 'running'),
            ],
            tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 1, { attempt: 1 })],
          }),
          /attempt 2/i,
        );
        expect(await store.listAttempts('wf-1')).toEqual([]);
        expect((await store.getTask('wf-1', 0))?.state).toBe('ready');
      });

      it('inserting an attempt that exists is a conflict', async () => {
        await stored('wf-1', 1);
        await store.commit({ attempts: [{ kind: 'insert', attempt: attempt('wf-1', 0, 1) }] });
        await expectConflict(
          store.commit({
            attempts: [{ kind: 'insert', attempt: attempt('wf-1', 0, 1, { executor: 'other' }) }],
          }),
        );
        expect((await store.listAttempts('wf-1'))[0]?.executor).toBe('local');
      });

      it('inserts come before updates: an attempt can be inserted and updated in one change set', async () => {
        await stored('wf-1', 1);
        await store.commit({
          attempts: [
            { kind: 'insert', attempt: attempt('wf-1', 0, 1) },
            attemptUpdate('wf-1', 0, 1, 'running', { node: 'n2' }),
          ],
          tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 1, { attempt: 1 })],
        });
        expect((await store.listAttempts('wf-1'))[0]).toMatchObject({ status: 'running', node: 'n2' });
      });

      it('listOpenAttempts returns queued and running attempts, across workflows or for one', async () => {
        for (const id of ['wf-1', 'wf-2']) {
          await stored(id, 2);
        }
        await store.commit({
          attempts: ATTEMPT_STATUSES.flatMap((status, n) => [
            { kind: 'insert' as const, attempt: attempt('wf-2', 1, n + 1, { status }) },
            { kind: 'insert' as const, attempt: attempt('wf-1', 0, n + 1, { status }) },
          ]),
        });
        const open = await store.listOpenAttempts();
        expect(open.map((a) => [a.workflowId, a.taskIdx, a.number, a.status])).toEqual([
          ['wf-1', 0, 1, 'queued'],
          ['wf-1', 0, 2, 'running'],
          ['wf-2', 1, 1, 'queued'],
          ['wf-2', 1, 2, 'running'],
        ]);
        expect((await store.listOpenAttempts('wf-2')).map((a) => a.number)).toEqual([1, 2]);
        await store.commit({
          attempts: [attemptUpdate('wf-2', 1, 2, 'lost')],
        });
        expect((await store.listOpenAttempts('wf-2')).map((a) => a.number)).toEqual([1]);
      });
    });

    describe('commit: workflows', () => {
      it('a workflow change sets state and updatedAt, sets finishedAt on a terminal state, and clears it on running', async () => {
        await stored('wf-1', 1);
        await store.commit({ workflows: [{ id: 'wf-1', from: 'running', to: 'failed', at: T0 + 50 }] });
        expect(await store.getWorkflow('wf-1')).toMatchObject({
          state: 'failed',
          updatedAt: T0 + 50,
          finishedAt: T0 + 50,
        });
        await store.commit({
          workflows: [{ id: 'wf-1', from: 'failed', to: 'running', at: T0 + 60, reason: 'resume' }],
        });
        expect(await store.getWorkflow('wf-1')).toMatchObject({
          state: 'running',
          updatedAt: T0 + 60,
          finishedAt: null,
        });
        for (const to of ['succeeded', 'cancelled'] as const) {
          await store.commit({ workflows: [{ id: 'wf-1', from: 'running', to, at: T0 + 70 }] });
          expect(await store.getWorkflow('wf-1')).toMatchObject({ state: to, finishedAt: T0 + 70 });
          await store.commit({ workflows: [{ id: 'wf-1', from: to, to: 'running', at: T0 + 80 }] });
        }
      });

      it('a workflow change appends one event with null task and attempt, after the task events of its set', async () => {
        await stored('wf-1', 1);
        await store.commit({
          workflows: [{ id: 'wf-1', from: 'running', to: 'cancelled', at: T0 + 9, reason: 'user' }],
          tasks: [change('wf-1', 0, 'ready', 'cancelled', T0 + 9, { reason: 'user' })],
        });
        const events = (await store.listEvents()).slice(1).map(({ seq: _seq, ...rest }) => rest);
        expect(events).toStrictEqual([
          {
            workflowId: 'wf-1',
            taskIdx: 0,
            attempt: 0,
            from: 'ready',
            to: 'cancelled',
            at: T0 + 9,
            reason: 'user',
          },
          {
            workflowId: 'wf-1',
            taskIdx: null,
            attempt: null,
            from: 'running',
            to: 'cancelled',
            at: T0 + 9,
            reason: 'user',
          },
        ]);
      });

      it('a stale workflow from is a conflict that also rolls back the attempts and tasks of its set', async () => {
        await stored('wf-1', 1);
        await expectConflict(
          store.commit({
            attempts: [{ kind: 'insert', attempt: attempt('wf-1', 0, 1) }],
            tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 1, { attempt: 1 })],
            workflows: [{ id: 'wf-1', from: 'failed', to: 'running', at: T0 + 1 }],
          }),
          /wf-1/,
          /running/,
          /failed/,
        );
        expect(await store.getTask('wf-1', 0)).toMatchObject({ state: 'ready', attempt: 0 });
        expect(await store.listAttempts('wf-1')).toEqual([]);
        expect(await store.listEvents()).toHaveLength(1);
        await expectConflict(
          store.commit({ workflows: [{ id: 'nope', from: 'running', to: 'failed', at: T0 }] }),
          /does not exist/,
        );
      });

      it('an empty change set writes nothing', async () => {
        await stored('wf-1', 1);
        await store.commit({});
        await store.commit({ tasks: [], attempts: [], workflows: [] });
        expect(await store.listEvents()).toHaveLength(1);
      });
    });

    describe('events', () => {
      it('listEvents pages by afterSeq and limit and filters by workflow; seq strictly increases', async () => {
        for (const id of ['wf-1', 'wf-2']) {
          await stored(id, 2);
        }
        await startTask('wf-1', 0, T0 + 10);
        await startTask('wf-2', 0, T0 + 20);
        const all = await store.listEvents();
        expect(all).toHaveLength(6);
        for (let i = 1; i < all.length; i++) expect(all[i]!.seq).toBeGreaterThan(all[i - 1]!.seq);
        expect(all.map((e) => [e.workflowId, e.to])).toEqual([
          ['wf-1', 'running'],
          ['wf-2', 'running'],
          ['wf-1', 'queued'],
          ['wf-1', 'running'],
          ['wf-2', 'queued'],
          ['wf-2', 'running'],
        ]);
        expect(await store.listEvents({ afterSeq: all[2]!.seq, limit: 2 })).toStrictEqual(all.slice(3, 5));
        expect(await store.listEvents({ afterSeq: all[5]!.seq })).toEqual([]);
        expect(await store.listEvents({ limit: 1 })).toStrictEqual(all.slice(0, 1));
        const wf2 = await store.listEvents({ workflowId: 'wf-2' });
        expect(wf2).toStrictEqual(all.filter((e) => e.workflowId === 'wf-2'));
        expect(await store.listEvents({ workflowId: 'wf-2', afterSeq: wf2[0]!.seq, limit: 1 })).toStrictEqual(
          [wf2[1]],
        );
      });
    });

    accessConformanceTests(() => store);

    describe('leases', () => {
      beforeEach(async () => {
        for (const id of ['wf-1', 'wf-2', 'wf-3']) {
          await stored(id, 1);
        }
      });

      it('takes a free lease, and refuses one another owner holds until it expires (expiry <= now)', async () => {
        expect(await store.acquireLease('wf-1', 'engine-a', T0, 1000)).toBe(true);
        expect(await store.getWorkflow('wf-1')).toMatchObject({
          leaseOwner: 'engine-a',
          leaseExpiresAt: T0 + 1000,
        });
        expect(await store.acquireLease('wf-1', 'engine-b', T0 + 999, 1000)).toBe(false);
        expect((await store.getWorkflow('wf-1'))?.leaseOwner).toBe('engine-a');
        expect(await store.acquireLease('wf-1', 'engine-b', T0 + 1000, 1000)).toBe(true);
        expect(await store.getWorkflow('wf-1')).toMatchObject({
          leaseOwner: 'engine-b',
          leaseExpiresAt: T0 + 2000,
        });
      });

      it('the holder re-acquires to extend; stealFrom takes a lease from that owner only', async () => {
        expect(await store.acquireLease('wf-1', 'engine-a', T0, 1000)).toBe(true);
        expect(await store.acquireLease('wf-1', 'engine-a', T0 + 500, 1000)).toBe(true);
        expect((await store.getWorkflow('wf-1'))?.leaseExpiresAt).toBe(T0 + 1500);
        expect(await store.acquireLease('wf-1', 'engine-b', T0 + 600, 1000, 'engine-c')).toBe(false);
        expect(await store.acquireLease('wf-1', 'engine-b', T0 + 600, 1000, 'engine-a')).toBe(true);
        expect(await store.getWorkflow('wf-1')).toMatchObject({
          leaseOwner: 'engine-b',
          leaseExpiresAt: T0 + 1600,
        });
      });

      it('acquireLease on a workflow that does not exist returns false', async () => {
        expect(await store.acquireLease('nope', 'engine-a', T0, 1000)).toBe(false);
      });

      it("renewLeases extends every lease of the owner and no one else's", async () => {
        await store.acquireLease('wf-1', 'engine-a', T0, 1000);
        await store.acquireLease('wf-2', 'engine-a', T0 + 100, 1000);
        await store.acquireLease('wf-3', 'engine-b', T0, 1000);
        await store.renewLeases('engine-a', T0 + 800, 5000);
        expect((await store.getWorkflow('wf-1'))?.leaseExpiresAt).toBe(T0 + 5800);
        expect((await store.getWorkflow('wf-2'))?.leaseExpiresAt).toBe(T0 + 5800);
        expect(await store.getWorkflow('wf-3')).toMatchObject({
          leaseOwner: 'engine-b',
          leaseExpiresAt: T0 + 1000,
        });
      });

      it('releaseLease clears the lease only for its owner', async () => {
        await store.acquireLease('wf-1', 'engine-a', T0, 1000);
        await store.releaseLease('wf-1', 'engine-b');
        expect((await store.getWorkflow('wf-1'))?.leaseOwner).toBe('engine-a');
        await store.releaseLease('wf-1', 'engine-a');
        expect(await store.getWorkflow('wf-1')).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
        expect(await store.acquireLease('wf-1', 'engine-b', T0 + 1, 1000)).toBe(true);
      });

      it('two engines racing for a free lease: exactly one gets it', async () => {
        const results = await Promise.all(
          ['a', 'b', 'c', 'd'].map((owner) => store.acquireLease('wf-2', `engine-${owner}`, T0, 1000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    leaseFencingCases(() => store);

    describe('concurrency', () => {
      it('two commits racing on the same task from the same state: exactly one wins, the other conflicts', async () => {
        await stored('wf-1', 1);
        const results = await Promise.allSettled([
          store.commit({
            attempts: [{ kind: 'insert', attempt: attempt('wf-1', 0, 1, { executor: 'one' }) }],
            tasks: [change('wf-1', 0, 'ready', 'queued', T0 + 1, { attempt: 1 })],
          }),
          store.commit({ tasks: [change('wf-1', 0, 'ready', 'cancelled', T0 + 2)] }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.reason).toBeInstanceOf(StoreConflictError);
        const task = await store.getTask('wf-1', 0);
        const taskEvents = (await store.listEvents()).filter((e) => e.taskIdx === 0);
        expect(taskEvents).toHaveLength(1);
        expect(taskEvents[0]?.to).toBe(task?.state);
        expect(await store.listAttempts('wf-1')).toHaveLength(task?.state === 'queued' ? 1 : 0);
      });

      it('eight racing commits of one move: one wins, the log holds one event for it', async () => {
        const { workflow, tasks } = makeWorkflow('wf-1', 50);
        for (const t of tasks) t.state = 'ready';
        await store.createWorkflow(workflow, tasks);
        const batch = tasks.map((t) => change('wf-1', t.idx, 'ready', 'queued', T0 + 1, { attempt: 1 }));
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, () => store.commit({ tasks: batch })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreConflictError);
        expect(await store.countTasksByState('wf-1')).toEqual({ queued: 50 });
        expect(await store.listEvents()).toHaveLength(51);
      });

      it('concurrent commits on different tasks all succeed, each with its events', async () => {
        const { workflow, tasks } = makeWorkflow('wf-1', 40);
        for (const t of tasks) t.state = 'ready';
        await store.createWorkflow(workflow, tasks);
        await Promise.all(
          tasks.map((t) =>
            store.commit({
              attempts: [{ kind: 'insert', attempt: attempt('wf-1', t.idx, 1) }],
              tasks: [change('wf-1', t.idx, 'ready', 'queued', T0 + t.idx, { attempt: 1 })],
            }),
          ),
        );
        expect(await store.countTasksByState('wf-1')).toEqual({ queued: 40 });
        expect(await store.listOpenAttempts('wf-1')).toHaveLength(40);
        const [submitted, ...events] = await store.listEvents();
        expect(submitted?.reason).toBe('submitted');
        expect(new Set(events.map((e) => e.taskIdx)).size).toBe(40);
      });
    });
  });
}
