/**
 * The one composition root: opens the store, builds the executor (local unless given one), the engine
 * and the control plane, in that order, and closes them in the reverse order. The CLI's embedded mode
 * and `strata server` both assemble Strata here, so that they can never drift apart in how a store is
 * opened, an engine started or a process shut down.
 *
 * The engine takes its observer (metrics) in its constructor, and metrics read the store: `observe`
 * is called once the store is open and before the engine exists, and gets the engine lazily.
 *
 * @example
 * const strata = await createStrata({ store: 'sqlite:.strata/strata.db', stateDir: '.strata' });
 * const wf = await strata.api.submit({ text, file: 'wf.yaml', baseDir: process.cwd() });
 * for await (const event of strata.api.watch(wf.id)) console.log(event.to);
 * await strata.close();
 */
import type { Executor } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local-executor.js';
import type { NodeCapacity } from '../model/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { ControlPlane, type ControlPlaneOptions } from './control-plane.js';
import { Engine } from './engine.js';
import type { EngineObserver, EngineOptions } from './engine.js';

export interface CreateStrataOptions {
  /** Where workflows are kept: a store URL (`sqlite:PATH`, `postgres://…`) or a path ending in `.db`. */
  store: string;
  /** PostgreSQL schema (created if missing); default `public`. Ignored for SQLite. */
  schema?: string;
  /** Where attempt logs go (`<stateDir>/logs/...`). */
  stateDir: string;
  /** Where attempts run; default a `LocalExecutor` with `capacity`. Closed by `close()`. */
  executor?: Executor;
  /** What the default local executor may use (anything left out is detected). */
  capacity?: Partial<NodeCapacity>;
  /** The engine's observer, built once the store is open (metrics read both the store and the engine). */
  observe?: (parts: { store: Store; executor: Executor; engine: () => Engine }) => EngineObserver;
  /** Engine settings besides the parts built here (scheduler, owner, lease TTL ...). */
  engine?: Omit<EngineOptions, 'store' | 'executor' | 'stateDir' | 'observer'>;
  /** How the control plane reads submitted specs (in process, or a server's worker pool) and its budgets. */
  controlPlane?: ControlPlaneOptions;
}

export interface Strata {
  /** The embedded `StrataApi`. */
  api: ControlPlane;
  engine: Engine;
  store: Store;
  executor: Executor;
  /**
   * Stops the engine (releasing its leases; attempts of an executor that can re-attach keep running
   * for the next start), then closes the executor and the store.
   */
  close(): Promise<void>;
}

export async function createStrata(options: CreateStrataOptions): Promise<Strata> {
  const store = await openStore({
    url: options.store,
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
  });
  const executor =
    options.executor ?? new LocalExecutor(options.capacity ? { capacity: options.capacity } : {});
  let engine: Engine | undefined;
  try {
    const observer = options.observe?.({
      store,
      executor,
      engine: () => {
        if (!engine) throw new Error('engine not built yet');
        return engine;
      },
    });
    engine = new Engine({
      ...options.engine,
      store,
      executor,
      stateDir: options.stateDir,
      ...(observer ? { observer } : {}),
    });
    await engine.init();
  } catch (e) {
    await engine?.close().catch(() => undefined);
    await executor.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
  const built = engine;
  return {
    api: new ControlPlane(built, store, options.controlPlane),
    engine: built,
    store,
    executor,
    async close() {
      await built.close();
      await executor.close();
      await store.close();
    },
  };
}
