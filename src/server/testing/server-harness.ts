/**
 * Test harness for the server: a real SQLite store in a temporary directory, the real engine with
 * the given executor, the control plane, the metrics and the Fastify app, assembled by `createStrata`
 * the way `startServer` assembles them (minus the listening socket: tests use `app.inject`).
 *
 * The server requires tokens as in production: the harness makes an admin token in the store, and
 * `inject` sends it (and, on a POST, `Content-Type: application/json` as the CLI does) unless the
 * request says otherwise. Tests of authentication itself use `app.inject` and `tokenFor(role)`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ControlPlane } from '../../engine/control-plane.js';
import { createStrata } from '../../engine/create-strata.js';
import type { Engine } from '../../engine/engine.js';
import type { Executor } from '../../executors/executor.js';
import type { Store } from '../../store/store.js';
import type { WorkflowView } from '../../engine/strata-api.js';
import type { Role } from '../../model/index.js';
import { createServer } from '../create-server.js';
import type { ServerOptions, StrataServerApp } from '../create-server.js';
import { StoreTokenAdmin } from '../tokens.js';
import { createMetrics } from '../metrics.js';
import type { StrataMetrics } from '../metrics.js';

export interface TestServer {
  dir: string;
  app: StrataServerApp;
  /** An admin token (`strata_<id>_<secret>`) in the store. */
  token: string;
  /** `app.inject` with `Authorization: Bearer <token>` (and JSON content type on POST) unless given. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A new token of `role` (and its name), made in the store. */
  tokenFor(role: Role, name?: string): Promise<string>;
  api: ControlPlane;
  engine: Engine;
  store: Store;
  /** Errors the engine emitted (a test fails if any appear). */
  engineErrors: Error[];
  close(): Promise<void>;
}

/** Server options besides the parts the harness builds (Host names, CORS, protected metrics ...). */
export type TestServerOptions = Omit<ServerOptions, 'api' | 'engine' | 'store' | 'metrics'>;

export async function startTestServer(
  executor: Executor,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-server-'));
  let metrics: StrataMetrics | undefined;
  const strata = await createStrata({
    store: `sqlite:${dir}/s.db`,
    stateDir: join(dir, 'state'),
    executor,
    observe: ({ store, engine }) => {
      metrics = createMetrics({ store, slots: () => engine().slots(), executor: executor.name });
      return metrics.observer;
    },
  });
  const { api, engine, store } = strata;
  const engineErrors: Error[] = [];
  engine.on('error', (e) => engineErrors.push(e));
  const app = await createServer({ ...options, api, engine, store, metrics: metrics!.registry });
  const admin = new StoreTokenAdmin(store);
  const tokenFor = async (role: Role, name?: string) =>
    (await admin.createToken({ role, ...(name !== undefined ? { name } : {}) })).token;
  const token = await tokenFor('admin', 'harness');
  let closed = false;
  return {
    dir,
    app,
    token,
    inject: (request) => app.inject(withToken(request, token)),
    tokenFor,
    api,
    engine,
    store,
    engineErrors,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await engine.close();
      await executor.close();
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `request` with the bearer `token` and, on a POST, a JSON content type, unless it sets them itself. */
export function withToken(request: InjectOptions, token: string): InjectOptions {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (request.method === 'POST') headers['content-type'] = 'application/json';
  return { ...request, headers: { ...headers, ...(request.headers as Record<string, string> | undefined) } };
}

/** Polls `GET /api/v1/workflows/:ref` until `done(view)` holds; fails after `timeoutMs`. */
export async function pollWorkflow(
  server: Pick<TestServer, 'inject'>,
  ref: string,
  done: (view: WorkflowView) => boolean,
  timeoutMs = 15_000,
): Promise<WorkflowView> {
  const deadline = Date.now() + timeoutMs;
  let last: WorkflowView | undefined;
  while (Date.now() < deadline) {
    const res = await server.inject({ method: 'GET', url: `/api/v1/workflows/${encodeURIComponent(ref)}` });
    if (res.statusCode !== 200)
      throw new Error(`GET workflow ${ref} answered ${res.statusCode}: ${res.body}`);
    last = res.json<WorkflowView>();
    if (done(last)) return last;
    await sleep(20);
  }
  throw new Error(
    `workflow ${ref} did not get there within ${timeoutMs} ms; last seen ${JSON.stringify(last)}`,
  );
}

/** Whether a view is in a final state. */
export const finished = (view: WorkflowView): boolean => view.state !== 'running';

/** A chain a → work (4 shell items) → z: the workflow the server tests run end to end. */
export const CHAIN = `name: chain
tasks:
  - name: a
    command: ["true"]
  - name: work
    foreach: { range: [0, 4] }
    shell: echo {{item}}
    after: [a]
  - name: z
    command: ["true"]
    after: [work]
`;

/** Submits a workflow's YAML `text` through `POST /api/v1/workflows` and expects it accepted (201). */
export async function submit(s: TestServer, text: string): Promise<WorkflowView> {
  const res = await s.inject({
    method: 'POST',
    url: '/api/v1/workflows',
    payload: { text, baseDir: s.dir },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<WorkflowView>();
}
