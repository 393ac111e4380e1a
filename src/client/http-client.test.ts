import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../engine/errors.js';
import type { StrataApi, WorkflowView } from '../engine/strata-api.js';
import type { EventRecord } from '../store/store.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import { StoreTokenAdmin } from '../server/tokens.js';
import { HttpClient, StrataClientError } from './http-client.js';

const LOGS = `name: logs-wf
failure: continue
tasks:
  - name: hello
    shell: "echo hello; echo oops >&2"
  - name: ok
    command: ["true"]
    after: [hello]
  - name: bad
    shell: "echo before-failing; exit 4"
`;

const SLEEPY = `name: sleepy
tasks:
  - name: nap
    command: ["sleep", "30"]
`;

async function waitUntil(
  api: StrataApi,
  ref: string,
  done: (v: WorkflowView) => boolean,
): Promise<WorkflowView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await api.getWorkflow(ref);
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${ref}: ${JSON.stringify(view)}`);
    await sleep(50);
  }
}

const finished = (v: WorkflowView) => v.state !== 'running';

/** What a call rejects with (fails the test if it resolves). */
async function rejection(call: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

/** Listens on 127.0.0.1:0 with `handler`; resolves with the server and its URL. */
async function listen(
  handler: Parameters<typeof createHttpServer>[1],
): Promise<{ server: Server; url: string }> {
  const server = createHttpServer(handler);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('HttpClient against a real `strata server` (LocalExecutor, port 0)', () => {
  let dir: string;
  let running: RunningServer;
  let client: HttpClient;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-http-client-'));
    running = await startServer({
      storeUrl: `sqlite:${dir}/s.db`,
      stateDir: join(dir, 'state'),
      host: '127.0.0.1',
      port: 0,
      executor: new LocalExecutor({ capacity: { cpus: 2 }, killGraceMs: 500 }),
    });
    token = (await new StoreTokenAdmin(running.store).createToken({ role: 'admin', name: 'test' })).token;
    client = new HttpClient(running.url, { token });
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('manages tokens through the admin routes: made, used, listed without secrets, revoked', async () => {
    const issued = await client.createToken({ role: 'viewer', name: 'reader' });
    expect(issued).toMatchObject({ role: 'viewer', name: 'reader', revokedAt: null });
    const reader = new HttpClient(running.url, { token: issued.token });
    expect((await reader.listWorkflows()).items).toBeInstanceOf(Array);
    const refused = await rejection(reader.listTokens());
    expect(refused).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect((await client.listTokens()).map((t) => t.name)).toEqual(['test', 'reader']);
    expect(await client.revokeToken(issued.id)).toMatchObject({
      id: issued.id,
      revokedAt: expect.any(Number),
    });
    expect(await rejection(reader.listWorkflows())).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(await rejection(client.revokeToken('0123456789ab'))).toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    expect(await rejection(new HttpClient(running.url).listWorkflows())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('listens on the port it was given (0: a free one) and reports it', () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.url).not.toMatch(/:0$/);
  });

  it('runs real commands, and reads their stdout and stderr, whole or the tail, by attempt', async () => {
    const submitted = await client.submit({ text: LOGS, file: 'logs.yaml', baseDir: dir });
    expect(submitted).toMatchObject({ name: 'logs-wf', source: 'logs.yaml', taskCount: 3 });
    const done = await waitUntil(client, submitted.id, finished);
    expect(done.state).toBe('failed');
    expect(done.counts).toMatchObject({ succeeded: 2, failed: 1 });

    expect(await client.readLog(submitted.id, 'hello', { stream: 'stdout' })).toEqual({
      text: 'hello\n',
      truncated: false,
    });
    expect((await client.readLog(submitted.id, 'hello', { stream: 'stderr' })).text).toBe('oops\n');
    expect(await client.readLog(submitted.id, 'hello', { stream: 'stdout', tailBytes: 3 })).toEqual({
      text: 'lo\n',
      truncated: true,
    });
    expect((await client.readLog('logs-wf', 'bad', { stream: 'stdout', attempt: 1 })).text).toBe(
      'before-failing\n',
    );

    const noSecond = await rejection(client.readLog(submitted.id, 'bad', { stream: 'stdout', attempt: 2 }));
    expect(noSecond).toBeInstanceOf(EngineError);
    expect(noSecond).toMatchObject({ code: 'TASK_NOT_FOUND', httpStatus: 404 });

    const { items: failed } = await client.listTasks(submitted.id, { states: ['failed'] });
    expect(failed.map((t) => t.name)).toEqual(['bad']);
    const detail = await client.getTask(submitted.id, 'bad');
    expect(detail.attempts).toMatchObject([{ number: 1, status: 'failed', exitCode: 4, executor: 'local' }]);
  });

  it('retries a task through the API: a new attempt with its own log', async () => {
    const wf = await client.submit({
      text: LOGS.replace('logs-wf', 'logs-retry'),
      file: 'api',
      baseDir: dir,
    });
    await waitUntil(client, wf.id, finished);
    const reopened = await client.retry(wf.id, 'bad');
    expect(reopened.state).toBe('running');
    const done = await waitUntil(client, wf.id, finished);
    expect(done.state).toBe('failed');
    const detail = await client.getTask(wf.id, 'bad');
    expect(detail.attempts.map((a) => [a.number, a.exitCode])).toEqual([
      [1, 4],
      [2, 4],
    ]);
    expect((await client.readLog(wf.id, 'bad', { stream: 'stdout' })).text).toBe('before-failing\n');

    const { items: events } = await client.listEvents(wf.id);
    expect(events.length).toBeGreaterThan(5);
    const later = await client.listEvents(wf.id, { afterSeq: events[1]!.seq, limit: 2 });
    expect(later.items).toEqual(events.slice(2, 4));
    expect(later.nextCursor).not.toBeNull();
    const next = await client.listEvents(wf.id, { cursor: later.nextCursor!, limit: 2 });
    expect(next.items).toEqual(events.slice(4, 6));
    const failedWorkflows = await client.listWorkflows({ states: ['failed'], limit: 100 });
    expect(failedWorkflows.items.map((w) => w.id)).toContain(wf.id);
  });

  it('cancels a running command', async () => {
    const wf = await client.submit({ text: SLEEPY, file: 'api', baseDir: dir });
    await waitUntil(client, wf.id, (v) => v.counts.running === 1);
    await client.cancel(wf.id);
    const done = await waitUntil(client, wf.id, finished);
    expect(done.state).toBe('cancelled');
    expect((await client.getTask(wf.id, 'nap')).attempts[0]).toMatchObject({ status: 'cancelled' });

    const resumed = await client.resume(wf.id);
    expect(resumed.state).toBe('running');
    await client.cancel(wf.id);
    expect((await waitUntil(client, wf.id, finished)).state).toBe('cancelled');
  });

  it('watches a run over HTTP: every event, oldest first, until the final state', async () => {
    const wf = await client.submit({
      text: LOGS.replace('logs-wf', 'logs-watch'),
      file: 'api',
      baseDir: dir,
    });
    const watcher = new HttpClient(running.url, { pollMs: 50, token });
    const seen: EventRecord[] = [];
    for await (const event of watcher.watch('logs-watch')) seen.push(event);
    expect((await client.getWorkflow(wf.id)).state).toBe('failed');
    expect(seen).toEqual((await client.listEvents(wf.id)).items);
    expect(seen.at(-1)).toMatchObject({ workflowId: wf.id, taskIdx: null, from: 'running', to: 'failed' });

    // From an event id on; a finished workflow's stream ends once the rest is given.
    const rest: EventRecord[] = [];
    for await (const event of watcher.watch(wf.id, { afterSeq: seen[3]!.seq })) rest.push(event);
    expect(rest).toEqual(seen.slice(4));
  });

  it('stops watching when aborted or when the caller breaks, while the workflow runs on', async () => {
    const wf = await client.submit({ text: SLEEPY, file: 'api', baseDir: dir });
    const watcher = new HttpClient(running.url, { pollMs: 50, token });
    const stop = new AbortController();
    const seen: EventRecord[] = [];
    for await (const event of watcher.watch(wf.id, { signal: stop.signal })) {
      seen.push(event);
      if (event.taskIdx === 0 && event.to === 'running') stop.abort();
    }
    expect(seen.map((e) => e.to)).toEqual(['running', 'queued', 'running']);
    for await (const event of watcher.watch(wf.id)) {
      expect(event).toEqual(seen[0]);
      break;
    }
    expect((await client.getWorkflow(wf.id)).state).toBe('running');
    await client.cancel(wf.id);
    const tail: EventRecord[] = [];
    for await (const event of watcher.watch(wf.id, { afterSeq: seen.at(-1)!.seq })) tail.push(event);
    expect(tail.at(-1)).toMatchObject({ taskIdx: null, to: 'cancelled' });
  });

  it('says WORKFLOW_NOT_FOUND when asked to watch a workflow the server does not know', async () => {
    const missing = await rejection(
      (async () => {
        for await (const _event of client.watch('no-such-workflow')) break;
      })(),
    );
    expect(missing).toMatchObject({ code: 'WORKFLOW_NOT_FOUND', httpStatus: 404 });
  });

  it('re-throws the engine’s errors as EngineError, with code, message, hint and details', async () => {
    const missing = await rejection(client.getWorkflow('no-such-workflow'));
    expect(missing).toBeInstanceOf(EngineError);
    expect(missing).toMatchObject({ code: 'WORKFLOW_NOT_FOUND', httpStatus: 404 });
    expect(missing.message).toContain('no-such-workflow');
    expect(missing.hint).toEqual(expect.any(String));

    const invalid = await rejection(
      client.submit({ text: 'name: x\ntasks: []\n', file: 'x.yaml', baseDir: dir }),
    );
    expect(invalid).toBeInstanceOf(EngineError);
    expect(invalid.code).toBe('SPEC_INVALID');
    expect(invalid.details).toEqual([
      expect.objectContaining({ code: 'SPEC_NO_TASKS', file: 'x.yaml', line: 2 }),
    ]);
  });

  it('throws the server’s own refusals as StrataClientError with code and status', async () => {
    const relative = await rejection(client.submit({ text: SLEEPY, file: 'api', baseDir: 'relative/dir' }));
    expect(relative).toBeInstanceOf(StrataClientError);
    expect(relative).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(relative.message).toContain('body.baseDir must be an absolute path');
  });

  it('serves /metrics and /healthz on the same port', async () => {
    const metrics = await fetch(`${running.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^strata_tasks\{state="succeeded"\} [1-9]/m);
    expect(metrics).toContain('strata_executor_slots{executor="local"} 2');
    const health = await fetch(`${running.url}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', store: 'sqlite' });
  });
});

describe('HttpClient failures without a Strata server', () => {
  it('says it cannot reach a server that is not there: SERVER_UNREACHABLE with a hint', async () => {
    const { server, url } = await listen(() => undefined);
    await new Promise((res) => server.close(res)); // the port is now closed
    const error = await rejection(new HttpClient(url).listWorkflows());
    expect(error).toBeInstanceOf(StrataClientError);
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.message).toBe(`cannot reach Strata server at ${url}: ECONNREFUSED`);
    expect(error.hint).toContain('is `strata server` running?');
  });

  it('gives up on a server that does not answer within timeoutMs', async () => {
    const { server, url } = await listen(() => undefined); // never answers
    try {
      const error = await rejection(new HttpClient(url, { timeoutMs: 200 }).getWorkflow('x'));
      expect(error).toMatchObject({ code: 'SERVER_UNREACHABLE' });
      expect(error.message).toContain('no answer within 200 ms');
    } finally {
      server.closeAllConnections();
      await new Promise((res) => server.close(res));
    }
  });

  it('reports an answer that is not Strata’s error format as BAD_RESPONSE, with the status', async () => {
    const { server, url } = await listen((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    try {
      const error = await rejection(new HttpClient(url).getWorkflow('x'));
      expect(error).toBeInstanceOf(StrataClientError);
      expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 502 });
      expect(error.message).toContain('answered 502');
      expect(error.message).toContain('Bad Gateway');
    } finally {
      await new Promise((res) => server.close(res));
    }
  });

  it('sends names with brackets URL-encoded, states as repeated parameters, its token, and JSON on every POST', async () => {
    const seen: Array<{ url: string | undefined; auth: string | undefined; type: string | undefined }> = [];
    const { server, url } = await listen((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    try {
      const client = new HttpClient(`${url}/`, { token: 't' });
      await client.listTasks('my wf', { states: ['failed', 'upstream-failed'], limit: 10, cursor: 'c1' });
      await client.getTask('wf', 'work[3]');
      await client.cancel('wf');
      expect(seen).toEqual([
        {
          url: '/api/v1/workflows/my%20wf/tasks?state=failed&state=upstream-failed&limit=10&cursor=c1',
          auth: 'Bearer t',
          type: undefined,
        },
        { url: '/api/v1/workflows/wf/tasks/work%5B3%5D', auth: 'Bearer t', type: undefined },
        { url: '/api/v1/workflows/wf/cancel', auth: 'Bearer t', type: 'application/json' },
      ]);
    } finally {
      await new Promise((res) => server.close(res));
    }
  });

  it('takes host:port without a scheme as http, and refuses other schemes', () => {
    expect(new HttpClient('127.0.0.1:8080').baseUrl).toBe('http://127.0.0.1:8080');
    expect(new HttpClient('https://strata.example.org/').baseUrl).toBe('https://strata.example.org');
    expect(() => new HttpClient('ftp://example.org')).toThrow(
      expect.objectContaining({ code: 'BAD_SERVER_URL' }),
    );
  });
});
