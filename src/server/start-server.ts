/**
 * `strata server` as one call: assembles Strata with its metrics (`createStrata`, the composition root
 * the CLI's embedded mode shares), adopts the running workflows no live engine holds, builds the HTTP
 * app and listens. The CLI's `server` command is a thin wrapper around it; tests use it to run the
 * real process wiring on port 0.
 *
 * The order matters: the metrics observer must exist before the engine (it is a constructor option,
 * hence `createStrata`'s `observe` hook), and the engine reaches the metrics only through the
 * observer, the metrics the engine only through `slots()` at scrape time.
 *
 * @example
 * const server = await startServer({ storeUrl: 'sqlite:.strata/strata.db', stateDir: '.strata', port: 8080 });
 * console.log(`listening on ${server.url}`);
 * process.once('SIGTERM', () => void server.close());
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ControlPlane } from '../engine/control-plane.js';
import { createStrata } from '../engine/create-strata.js';
import { submitBudgets, type SubmitBudgets } from '../engine/submit-budgets.js';
import { SubmitPool } from '../engine/submit-pool.js';
import type { Engine } from '../engine/engine.js';
import type { Executor } from '../executors/executor.js';
import type { NodeCapacity } from '../model/index.js';
import type { Store } from '../store/store.js';
import { createServer } from './create-server.js';
import { createMetrics } from './metrics.js';
import type { StrataMetrics } from './metrics.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

export interface StartServerOptions {
  /** A store URL `openStore` understands (`sqlite:PATH`, `postgres://...`). */
  storeUrl: string;
  /** Where attempt logs go (`<stateDir>/logs/...`). */
  stateDir: string;
  /** Default 127.0.0.1: a server reachable from other machines is a choice (`0.0.0.0`), not a default. */
  host?: string;
  /** Default 8080 (as `strata server`); 0 picks a free port (see `RunningServer.url`). */
  port?: number;
  /** Default a `LocalExecutor` with `capacity`. Closed with the server. */
  executor?: Executor;
  /** What the default local executor may use (anything left out is detected). */
  capacity?: Partial<NodeCapacity>;
  logger?: boolean;
  /** Authentication slot for `/api/v1` (see routes.ts). */
  onApiRequest?: onRequestAsyncHookHandler;
  /** Submit budgets (spec size, tasks, glob matches, expansion time, stored size); default each. */
  budgets?: Partial<SubmitBudgets>;
  /**
   * Roots a submitted workflow's directory must lie under (`--allow-dir`); undefined = anywhere.
   * Globs are confined to that directory in any case. docs/security.md.
   */
  allowedDirs?: string[];
}

export interface RunningServer {
  /** `http://host:port` it listens on. */
  url: string;
  app: FastifyInstance;
  engine: Engine;
  store: Store;
  api: ControlPlane;
  /** Running workflows this server took over at start-up. */
  adopted: string[];
  /**
   * Stops accepting requests, stops the engine (releasing its leases; attempts of an executor that
   * can re-attach keep running for the next start), closes the executor and the store.
   */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  let metrics: StrataMetrics | undefined;
  const budgets = submitBudgets(options.budgets);
  const pool = new SubmitPool({
    budgets,
    confineGlobs: true,
    ...(options.allowedDirs ? { allowedDirs: options.allowedDirs } : {}),
  });
  const strata = await createStrata({
    controlPlane: { loadSpec: (input) => pool.load(input) },
    store: options.storeUrl,
    stateDir: options.stateDir,
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    observe: ({ store, executor, engine }) => {
      metrics = createMetrics({ store, slots: () => engine().slots(), executor: executor.name });
      return metrics.observer;
    },
  });
  try {
    const { api, engine, store } = strata;
    const adopted = await engine.adoptAll();
    const app = await createServer({
      api,
      engine,
      store,
      metrics: metrics!.registry,
      logger: options.logger ?? false,
      maxSpecBytes: budgets.specBytes,
      ...(options.onApiRequest ? { onApiRequest: options.onApiRequest } : {}),
    });
    const host = options.host ?? DEFAULT_HOST;
    try {
      await app.listen({ host, port: options.port ?? DEFAULT_PORT });
    } catch (e) {
      await app.close();
      throw e;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return {
      url: `http://${urlHost}:${port}`,
      app,
      engine,
      store,
      api,
      adopted,
      async close() {
        await app.close();
        await pool.close();
        await strata.close();
      },
    };
  } catch (e) {
    await pool.close().catch(() => undefined);
    await strata.close().catch(() => undefined);
    throw e;
  }
}
