/**
 * `strata server` as one call: opens the store, wires metrics → engine → control plane → HTTP app,
 * adopts the running workflows no live engine holds, and listens. The CLI's `server` command is a
 * thin wrapper around it; tests use it to run the real process wiring on port 0.
 *
 * The order matters: the metrics observer must exist before the engine (it is a constructor option),
 * and the engine reaches the metrics only through the observer, the metrics the engine only through
 * `slots()` at scrape time.
 *
 * @example
 * const server = await startServer({ storeUrl: 'sqlite:.strata/strata.db', stateDir: '.strata', port: 8080 });
 * console.log(`listening on ${server.url}`);
 * process.once('SIGTERM', () => void server.close());
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { ControlPlane } from '../engine/control-plane.js';
import { Engine } from '../engine/engine.js';
import type { Executor } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { createServer } from './create-server.js';
import { createMetrics } from './metrics.js';

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
  /** Default `new LocalExecutor({})`. Closed with the server. */
  executor?: Executor;
  logger?: boolean;
  /** Authentication slot for `/api/v1` (see routes.ts). */
  onApiRequest?: onRequestAsyncHookHandler;
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
  const store = await openStore({ url: options.storeUrl });
  const executor = options.executor ?? new LocalExecutor({});
  let engine: Engine | undefined;
  try {
    const metrics = createMetrics({
      store,
      slots: () => {
        if (!engine) throw new Error('engine not built yet');
        return engine.slots();
      },
      executor: executor.name,
    });
    engine = new Engine({ store, executor, stateDir: options.stateDir, observer: metrics.observer });
    await engine.init();
    const adopted = await engine.adoptAll();
    const api = new ControlPlane(engine, store);
    const app = await createServer({
      api,
      engine,
      store,
      metrics: metrics.registry,
      logger: options.logger ?? false,
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
    const built = engine;
    return {
      url: `http://${urlHost}:${port}`,
      app,
      engine: built,
      store,
      api,
      adopted,
      async close() {
        await app.close();
        await built.close();
        await executor.close();
        await store.close();
      },
    };
  } catch (e) {
    await engine?.close().catch(() => undefined);
    await executor.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}
