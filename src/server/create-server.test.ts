import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Page, WorkflowView } from '../engine/strata-api.js';
import { NoopExecutor } from '../executors/noop-executor.js';
import type { NoopBehaviour } from '../executors/noop-executor.js';
import type { LaunchRequest } from '../executors/executor.js';
import type { EventRecord, TaskRecord } from '../store/store.js';
import { CHAIN, finished, pollWorkflow, startTestServer, submit } from './testing/server-harness.js';
import type { TestServer } from './testing/server-harness.js';

const FLAKY = `name: flaky-wf
tasks:
  - name: flaky
    command: ["true"]
  - name: down
    command: ["true"]
    after: [flaky]
`;

const SLOW = `name: slow-wf
tasks:
  - name: slow
    command: ["true"]
  - name: next
    command: ["true"]
    after: [slow]
`;

/** `flaky` fails its first attempt, `slow` runs a minute on its first attempt; the rest succeed at once. */
function behaviour(req: LaunchRequest): NoopBehaviour {
  if (req.taskName === 'flaky' && req.attempt === 1) return { status: 'failed', exitCode: 3 };
  if (req.taskName === 'slow' && req.attempt === 1) return { delayMs: 60_000 };
  return {};
}

let server: TestServer | undefined;

afterEach(async () => {
  const errors = server?.engineErrors ?? [];
  await server?.close();
  server = undefined;
  expect(errors).toEqual([]);
});

async function start(): Promise<TestServer> {
  server = await startTestServer(new NoopExecutor({ behaviour }));
  return server;
}

/** POSTs `payload` to `url` as it is, declared as `contentType`. */
function postRaw(s: TestServer, url: string, contentType: string, payload: string) {
  return s.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
}

/** The embedded API's answer as it travels over JSON: what the HTTP answer must equal. */
const overJson = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe('workflows over HTTP', () => {
  it('submits a workflow, which runs to success, and answers exactly what the embedded API answers', async () => {
    const s = await start();
    const submitted = await submit(s, CHAIN);
    expect(submitted).toMatchObject({
      name: 'chain',
      state: 'running',
      taskCount: 6,
      source: 'api',
      baseDir: s.dir,
    });

    const done = await pollWorkflow(s, submitted.id, finished);
    expect(done.state).toBe('succeeded');
    expect(done.counts).toMatchObject({ succeeded: 6, failed: 0, pending: 0 });

    const get = (url: string) => s.inject({ method: 'GET', url }).then((r) => r.json<unknown>());
    const id = submitted.id;
    expect(await get(`/api/v1/workflows/${id}`)).toEqual(overJson(await s.api.getWorkflow(id)));
    expect(await get(`/api/v1/workflows/${id}/tasks`)).toEqual(overJson(await s.api.listTasks(id)));
    expect(await get(`/api/v1/workflows/${id}/tasks/work%5B3%5D`)).toEqual(
      overJson(await s.api.getTask(id, 'work[3]')),
    );
    expect(await get(`/api/v1/workflows/${id}/events`)).toEqual(overJson(await s.api.listEvents(id)));
    expect(await get(`/api/v1/workflows`)).toEqual(overJson(await s.api.listWorkflows()));
    expect(await get(`/api/v1/workflows/${id}/attempts?limit=2`)).toEqual(
      overJson(await s.api.listAttempts(id, { limit: 2 })),
    );
  });

  it('finds a workflow by name, and a task whose name has brackets when URL-encoded', async () => {
    const s = await start();
    const wf = await submit(s, CHAIN);
    await pollWorkflow(s, 'chain', finished);

    const byName = await s.inject({ method: 'GET', url: '/api/v1/workflows/chain' });
    expect(byName.json<WorkflowView>().id).toBe(wf.id);

    const task = await s.inject({ method: 'GET', url: '/api/v1/workflows/chain/tasks/work%5B3%5D' });
    expect(task.statusCode).toBe(200);
    expect(task.json<{ task: TaskRecord }>().task).toMatchObject({
      name: 'work[3]',
      state: 'succeeded',
      attempt: 1,
    });
    expect(task.json<{ attempts: unknown[] }>().attempts).toHaveLength(1);
  });

  it('filters workflows and tasks by state, a page at a time', async () => {
    const s = await start();
    const ok = await submit(s, CHAIN);
    const bad = await submit(s, FLAKY);
    await pollWorkflow(s, ok.id, finished);
    await pollWorkflow(s, bad.id, finished);

    const failedWfs = await s.inject({ method: 'GET', url: '/api/v1/workflows?state=failed' });
    expect(failedWfs.json<Page<WorkflowView>>()).toEqual({
      items: [expect.objectContaining({ id: bad.id })],
      nextCursor: null,
    });
    const both = await s.inject({
      method: 'GET',
      url: '/api/v1/workflows?state=failed&state=succeeded&limit=1',
    });
    expect(both.json<Page<WorkflowView>>().items).toHaveLength(1);
    expect(both.json<Page<WorkflowView>>().nextCursor).toEqual(expect.any(String));

    const tasks = await s.inject({
      method: 'GET',
      url: `/api/v1/workflows/${ok.id}/tasks?limit=2`,
    });
    const first = tasks.json<Page<TaskRecord>>();
    expect(first.items.map((t) => t.name)).toEqual(['a', 'work[0]']);
    const second = await s.inject({
      method: 'GET',
      url: `/api/v1/workflows/${ok.id}/tasks?limit=2&cursor=${first.nextCursor}`,
    });
    expect(second.json<Page<TaskRecord>>().items.map((t) => t.name)).toEqual(['work[1]', 'work[2]']);
    const wrongList = await s.inject({
      method: 'GET',
      url: `/api/v1/workflows/${ok.id}/events?cursor=${first.nextCursor}`,
    });
    expect(wrongList.statusCode).toBe(400);
    expect(wrongList.json<{ error: { code: string } }>().error.code).toBe('BAD_CURSOR');
    const failed = await s.inject({
      method: 'GET',
      url: `/api/v1/workflows/${bad.id}/tasks?state=failed&state=upstream-failed`,
    });
    expect(failed.json<Page<TaskRecord>>().items.map((t) => [t.name, t.state])).toEqual([
      ['flaky', 'failed'],
      ['down', 'upstream-failed'],
    ]);
  });

  it('retries a failed task: it and the tasks after it run again and the workflow succeeds', async () => {
    const s = await start();
    const wf = await submit(s, FLAKY);
    const failed = await pollWorkflow(s, wf.id, finished);
    expect(failed.state).toBe('failed');
    expect(failed.counts).toMatchObject({ failed: 1, 'upstream-failed': 1 });

    const retried = await s.inject({
      method: 'POST',
      url: `/api/v1/workflows/${wf.id}/tasks/flaky/retry`,
    });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json<WorkflowView>().state).toBe('running');

    const done = await pollWorkflow(s, wf.id, finished);
    expect(done.state).toBe('succeeded');
    const detail = await s.inject({ method: 'GET', url: `/api/v1/workflows/${wf.id}/tasks/flaky` });
    expect(
      detail.json<{ attempts: Array<{ status: string; exitCode: number | null }> }>().attempts,
    ).toMatchObject([
      { status: 'failed', exitCode: 3 },
      { status: 'succeeded', exitCode: 0 },
    ]);

    const again = await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/tasks/flaky/retry` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'TASK_NOT_RETRYABLE' } });
  });

  it('cancels a running workflow, refuses to cancel it twice, and resumes it to success', async () => {
    const s = await start();
    const wf = await submit(s, SLOW);
    await pollWorkflow(s, wf.id, (v) => v.counts.running === 1);

    // An empty body labelled JSON, as many clients send with a POST, is no body.
    const cancelled = await postRaw(s, `/api/v1/workflows/${wf.id}/cancel`, 'application/json', '');
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const stopped = await pollWorkflow(s, wf.id, finished);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.counts).toMatchObject({ cancelled: 2, running: 0 });

    const twice = await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/cancel` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: { code: 'WORKFLOW_FINISHED' } });

    const resumed = await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/resume` });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json<WorkflowView>().state).toBe('running');
    const done = await pollWorkflow(s, wf.id, finished);
    expect(done.state).toBe('succeeded');
    expect(done.counts.succeeded).toBe(2);

    const nothingLeft = await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/resume` });
    expect(nothingLeft.statusCode).toBe(409);
    expect(nothingLeft.json()).toMatchObject({ error: { code: 'WORKFLOW_NOT_RESUMABLE' } });
  });

  it('lists events in order, after a given seq, at most limit of them', async () => {
    const s = await start();
    const wf = await submit(s, CHAIN);
    await pollWorkflow(s, wf.id, finished);

    const all = (await s.inject({ method: 'GET', url: `/api/v1/workflows/${wf.id}/events` })).json<
      Page<EventRecord>
    >().items;
    expect(all[0]).toMatchObject({ workflowId: wf.id, from: null, taskIdx: null });
    expect(all.at(-1)).toMatchObject({ from: 'running', to: 'succeeded', taskIdx: null });
    const seqs = all.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // 6 tasks: pending/ready → queued → running → succeeded, plus the 5 pending → ready.
    expect(all.filter((e) => e.to === 'succeeded' && e.taskIdx !== null)).toHaveLength(6);

    const after = all[2]!.seq;
    const page = await s.inject({
      method: 'GET',
      url: `/api/v1/workflows/${wf.id}/events?after=${after}&limit=2`,
    });
    expect(page.json<Page<EventRecord>>().items).toEqual(all.slice(3, 5));
  });
});

describe('errors', () => {
  it('answers a spec with errors with 400 SPEC_INVALID, every error with its line and column', async () => {
    const s = await start();
    const res = await s.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      payload: {
        text: 'name: x\ntasks:\n  - name: a\n    comand: [echo]\n',
        file: 'wf.yaml',
        baseDir: s.dir,
      },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string; hint: string; details: unknown[] } }>();
    expect(body.error.code).toBe('SPEC_INVALID');
    expect(body.error.message).toContain('wf.yaml:4:5');
    expect(body.error.hint).toBeTruthy();
    expect(body.error.details).toContainEqual(
      expect.objectContaining({
        code: 'SPEC_UNKNOWN_FIELD',
        file: 'wf.yaml',
        line: 4,
        column: 5,
        path: 'tasks[0].comand',
      }),
    );
  });

  it.each([
    ['a missing field', { text: 'name: x' }, 'body.baseDir is required'],
    [
      'an unknown field',
      { text: 'name: x', baseDir: '/tmp', basedir: '/tmp' },
      'body has unknown field "basedir"',
    ],
    ['a wrong type', { text: 5, baseDir: '/tmp' }, 'body.text must be string'],
    ['an empty spec', { text: '', baseDir: '/tmp' }, 'body.text must NOT have fewer than 1 characters'],
    ['a relative baseDir', { text: 'name: x', baseDir: 'data' }, 'body.baseDir must be an absolute path'],
  ])('answers a body with %s with 400 BAD_REQUEST naming the field', async (_what, payload, message) => {
    const s = await start();
    const res = await s.inject({ method: 'POST', url: '/api/v1/workflows', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining(message) },
    });
  });

  it.each([
    ['/api/v1/workflows?limit=0', 'querystring.limit must be >= 1'],
    ['/api/v1/workflows?limit=many', 'querystring.limit must be integer'],
    ['/api/v1/workflows?state=sleeping', 'querystring.state.0 must be one of "running", "succeeded"'],
    ['/api/v1/workflows?sort=name', 'querystring has unknown field "sort"'],
    ['/api/v1/workflows/x/tasks/y/logs?stream=both', 'querystring.stream must be one of "stdout", "stderr"'],
  ])('answers GET %s with 400 BAD_REQUEST', async (url, message) => {
    const s = await start();
    const res = await s.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining(message) },
    });
  });

  it('answers a submission without a body with 400 BAD_REQUEST', async () => {
    const s = await start();
    const res = await postRaw(s, '/api/v1/workflows', 'application/json', '');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'body must be object' } });
  });

  it('answers a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const s = await start();
    const res = await postRaw(s, '/api/v1/workflows', 'application/yaml', 'name: x');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const s = await start();
    const res = await postRaw(s, '/api/v1/workflows', 'application/json', '{"text": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('answers an unknown workflow with 404 WORKFLOW_NOT_FOUND and an unknown task with 404 TASK_NOT_FOUND', async () => {
    const s = await start();
    const wf = await submit(s, CHAIN);
    for (const url of [
      '/api/v1/workflows/nope',
      '/api/v1/workflows/nope/tasks',
      '/api/v1/workflows/nope/events',
    ]) {
      const res = await s.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({
        error: { code: 'WORKFLOW_NOT_FOUND', message: expect.stringContaining('nope') },
      });
      expect(res.json<{ error: { hint?: string } }>().error.hint).toBeTruthy();
    }
    const cancel = await s.inject({ method: 'POST', url: '/api/v1/workflows/nope/cancel' });
    expect(cancel.statusCode).toBe(404);
    const task = await s.inject({ method: 'GET', url: `/api/v1/workflows/${wf.id}/tasks/work%5B99%5D` });
    expect(task.statusCode).toBe(404);
    expect(task.json()).toMatchObject({
      error: { code: 'TASK_NOT_FOUND', message: expect.stringContaining('work[99]') },
    });
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const s = await start();
    const res = await s.inject({ method: 'GET', url: '/api/v2/workflows?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /api/v2/workflows', hint: expect.any(String) },
    });
  });

  it('answers a failure it did not expect with 500 INTERNAL and no stack trace; /healthz says 503', async () => {
    const s = await start();
    await s.engine.close();
    await s.store.close(); // every store call now throws

    const written: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    const res = await s
      .inject({ method: 'GET', url: '/api/v1/workflows' })
      .finally(() => stderr.mockRestore());
    expect(res.statusCode).toBe(500);
    // The stack goes to the server's stderr (logging is off) under the request's id; the answer
    // carries the id and nothing of the error itself.
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(written.join('')).toMatch(
      /^strata server: GET \/api\/v1\/workflows failed \(request [0-9a-f-]{36}\): .*\n\s+at /s,
    );
    expect(written.join('')).toContain(`(request ${String(requestId)})`);
    expect(res.json()).toEqual({
      error: {
        code: 'INTERNAL',
        message: `internal error (request ${String(requestId)})`,
        hint: expect.any(String),
        requestId,
      },
    });
    expect(res.body).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+|database|sqlite|\//i);

    const health = await s.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({
      status: 'unavailable',
      store: 'sqlite',
      message: expect.any(String),
    });
  });
});

describe('operations', () => {
  it('answers /healthz with 503 once the engine has stopped after a store failure', async () => {
    const s = await start();
    const wf = await submit(s, SLOW);
    await pollWorkflow(s, wf.id, (v) => v.counts.running === 1);
    await s.store.close(); // the next commit fails: the engine stops

    const written: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    // Straight to the engine: the control plane would stumble on the closed store before it. (Not
    // awaited: a request whose turn failed to commit is never settled by the engine today.)
    void s.engine.cancel(wf.id).catch(() => undefined);
    const deadline = Date.now() + 5000;
    while (s.engineErrors.length === 0 && Date.now() < deadline) await sleep(10);
    stderr.mockRestore();
    expect(written.join('')).toContain('strata server: the engine stopped after an error');
    expect(s.engineErrors).toHaveLength(1);
    s.engineErrors.length = 0; // expected here

    const health = await s.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json<{ message: string }>().message).toMatch(
      /^the engine stopped after an error: .*restart/,
    );
  });

  it('answers /healthz with the store dialect when the store answers', async () => {
    const s = await start();
    const res = await s.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
  });

  it('runs the onApiRequest hook after authentication, before /api/v1 routes only', async () => {
    const { ApiError } = await import('./error-handler.js');
    const { createServer } = await import('./create-server.js');
    const s = await start();
    const seen: string[] = [];
    const guarded = await createServer({
      api: s.api,
      engine: s.engine,
      store: s.store,
      onApiRequest: async (request) => {
        seen.push(request.principal?.name ?? 'nobody');
        if (request.headers['x-tenant'] !== 'blue') {
          throw new ApiError(403, 'FORBIDDEN', 'wrong tenant', 'send x-tenant: blue');
        }
      },
    });
    try {
      const auth = { authorization: `Bearer ${s.token}` };
      const anonymous = await guarded.inject({ method: 'GET', url: '/api/v1/workflows' });
      expect(anonymous.statusCode).toBe(401);
      expect(seen).toEqual([]); // authentication refused it first
      const refused = await guarded.inject({ method: 'GET', url: '/api/v1/workflows', headers: auth });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: 'wrong tenant' } });
      const allowed = await guarded.inject({
        method: 'GET',
        url: '/api/v1/workflows',
        headers: { ...auth, 'x-tenant': 'blue' },
      });
      expect(allowed.statusCode).toBe(200);
      expect(seen).toEqual(['harness', 'harness']);
      expect((await guarded.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await guarded.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      expect(seen).toHaveLength(2);
    } finally {
      await guarded.close();
    }
  });
});
