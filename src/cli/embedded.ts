/**
 * Builds the in-process control plane the CLI uses without `--server`: the store named by `--db`
 * (default: SQLite under STRATA_HOME or ./.strata), the executor (local unless told) and the engine.
 */
import { resolve } from 'node:path';
import { ControlPlane } from '../engine/control-plane.js';
import { Engine } from '../engine/engine.js';
import type { EngineObserver } from '../engine/engine.js';
import type { Executor } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local-executor.js';
import type { NodeCapacity } from '../model/index.js';
import { defaultStoreUrl, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface EmbeddedOptions {
  db?: string;
  home?: string;
  capacity?: Partial<NodeCapacity>;
  observer?: EngineObserver;
  /** The executor to use instead of the local one (e.g. a SlurmExecutor); closed with the rest. */
  executor?: Executor;
}

export interface Embedded {
  api: ControlPlane;
  engine: Engine;
  store: Store;
  home: string;
  close(): Promise<void>;
}

/** Where Strata keeps its state: --home, else STRATA_HOME, else ./.strata. */
export function strataHome(home: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(home ?? env.STRATA_HOME ?? '.strata');
}

export async function openEmbedded(options: EmbeddedOptions = {}): Promise<Embedded> {
  const home = strataHome(options.home);
  const url =
    options.db ||
    process.env.STRATA_DB ||
    defaultStoreUrl({ ...process.env, STRATA_HOME: home }, process.cwd());
  const store = await openStore({ url });
  const executor =
    options.executor ?? new LocalExecutor(options.capacity ? { capacity: options.capacity } : {});
  const engine = new Engine({
    store,
    executor,
    stateDir: home,
    ...(options.observer ? { observer: options.observer } : {}),
  });
  await engine.init();
  return {
    api: new ControlPlane(engine, store),
    engine,
    store,
    home,
    async close() {
      await engine.close();
      await executor.close();
      await store.close();
    },
  };
}
