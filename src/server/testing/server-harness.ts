/**
 * Test harness for the server: a real SQLite store in a temporary directory, the real engine with
 * the given executor, the control plane, the metrics and the Fastify app, wired the way
 * `startServer` wires them (minus the listening socket: tests use `app.inject`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ControlPlane } from '../../engine/control-plane.js';
import { Engine } from '../../engine/engine.js';
import type { Executor } from '../../executors/executor.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { WorkflowView } from '../../engine/strata-api.js';
import { createServer } from '../create-server.js';
import { createMetrics } from '../metrics.js';

export interface TestServer {
  dir: string;
  app: FastifyInstance;
  api: ControlPlane;
  engine: Engine;
  store: Store;
  /** Errors the engine emitted (a test fails if any appear). */
  engineErrors: Error[];
  close(): Promise<void>;
}

export async function startTestServer(executor: Executor): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-server-'));
  const store = await openStore({ url: `sqlite:${dir}/s.db` });
  // `engine` is read by the closure at scrape time only, after it exists.
  const metrics = createMetrics({ store, slots: () => engine.slots(), executor: executor.name });
  const engine = new Engine({ store, executor, stateDir: join(dir, 'state'), observer: metrics.observer });
  const engineErrors: Error[] = [];
  engine.on('error', (e) => engineErrors.push(e));
  await engine.init();
  const api = new ControlPlane(engine, store);
  const app = await createServer({ api, engine, store, metrics: metrics.registry });
  let closed = false;
  return {
    dir,
    app,
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

/** Polls `GET /api/v1/workflows/:ref` until `done(view)` holds; fails after `timeoutMs`. */
export async function pollWorkflow(
  app: FastifyInstance,
  ref: string,
  done: (view: WorkflowView) => boolean,
  timeoutMs = 15_000,
): Promise<WorkflowView> {
  const deadline = Date.now() + timeoutMs;
  let last: WorkflowView | undefined;
  while (Date.now() < deadline) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/workflows/${encodeURIComponent(ref)}` });
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
