/**
 * Where the CLI keeps its state when no `--server` is given, and Strata assembled there: the store
 * named by `--db` (default: SQLite under STRATA_HOME or ./.strata), the executor (local unless told)
 * and the engine, through the composition root `strata server` uses too.
 */
import { resolve } from 'node:path';
import { createStrata } from '../engine/create-strata.js';
import type { Strata } from '../engine/create-strata.js';
import type { Executor } from '../executors/executor.js';
import type { NodeCapacity } from '../model/index.js';
import { defaultStoreUrl } from '../store/open-store.js';
import { submitBudgets } from '../engine/submit-budgets.js';
import { budgetsFromEnv } from './submit-budget-options.js';

export interface EmbeddedOptions {
  db?: string;
  home?: string;
  capacity?: Partial<NodeCapacity>;
  /** The executor to use instead of the local one (e.g. a SlurmExecutor); closed with the rest. */
  executor?: Executor;
}

export interface Embedded extends Strata {
  home: string;
}

/** Where Strata keeps its state: --home, else STRATA_HOME, else ./.strata. */
export function strataHome(home: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(home ?? env.STRATA_HOME ?? '.strata');
}

/** The state directory and the store of this process: --db, else STRATA_DB, else SQLite in the home. */
export function strataPlace(options: { db?: string; home?: string }): { home: string; storeUrl: string } {
  const home = strataHome(options.home);
  const storeUrl =
    options.db ||
    process.env.STRATA_DB ||
    defaultStoreUrl({ ...process.env, STRATA_HOME: home }, process.cwd());
  return { home, storeUrl };
}

export async function openEmbedded(options: EmbeddedOptions = {}): Promise<Embedded> {
  const { home, storeUrl } = strataPlace(options);
  const strata = await createStrata({
    store: storeUrl,
    stateDir: home,
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    // The user's own process: the same budgets as a server's, lifted by their environment variables.
    controlPlane: { budgets: submitBudgets(budgetsFromEnv()) },
  });
  return { ...strata, home };
}
