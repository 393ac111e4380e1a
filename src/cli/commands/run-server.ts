/**
 * `strata server`: the HTTP API with the engine, on the embedded store unless --db says otherwise.
 * Runs until SIGINT/SIGTERM, then stops cleanly (attempts keep running and are re-attached by the
 * next start). Every few seconds it also takes over running workflows that no live engine holds —
 * those stored by `strata submit` without a server, or left behind by a crashed process.
 */
import type { Executor } from '../../executors/executor.js';
import type { SubmitBudgets } from '../../engine/submit-budgets.js';
import { redactSecrets, type NodeCapacity } from '../../model/index.js';
import { startServer } from '../../server/start-server.js';
import { hasAdminToken } from '../../server/tokens.js';
import { strataPlace } from '../embedded.js';

/** How often running workflows no live engine holds are looked for: at most this, and 3 times a TTL. */
const ADOPT_INTERVAL_MS = 5000;

export interface RunServerOptions {
  host: string;
  port: number;
  db?: string;
  home?: string;
  capacity?: Partial<NodeCapacity>;
  /** Instead of the local executor (e.g. `--executor slurm`). */
  executor?: Executor;
  /** Workflow lease time to live (ms). */
  leaseTtlMs?: number;
  tls?: { certFile: string; keyFile: string };
  insecureHttp?: boolean;
  publicNames?: string[];
  corsOrigins?: string[];
  protectMetrics?: boolean;
  budgets?: Partial<SubmitBudgets>;
  /** Roots submitted workflows' directories must lie under. */
  allowedDirs?: string[];
}

export async function runServer(options: RunServerOptions): Promise<void> {
  const { home, storeUrl } = strataPlace(options);
  const server = await startServer({
    storeUrl,
    stateDir: home,
    host: options.host,
    port: options.port,
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.insecureHttp ? { insecureHttp: true } : {}),
    ...(options.publicNames?.length ? { publicNames: options.publicNames } : {}),
    ...(options.corsOrigins?.length ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.protectMetrics ? { protectMetrics: true } : {}),
    ...(options.budgets ? { budgets: options.budgets } : {}),
    ...(options.allowedDirs ? { allowedDirs: options.allowedDirs } : {}),
    logger: true,
  });
  server.engine.on('dropped', ({ workflowId, reason }) =>
    process.stderr.write(`stopped driving workflow ${workflowId}: ${reason}\n`),
  );
  const adoptEveryMs = Math.min(
    ADOPT_INTERVAL_MS,
    Math.max(100, Math.floor((options.leaseTtlMs ?? 30_000) / 3)),
  );
  process.stderr.write(
    `strata server listening on ${server.url} (store ${server.store.dialect}, state in ${home}); ` +
      `took over ${server.adopted.length} running workflow(s)\n`,
  );
  if (!(await hasAdminToken(server.store, Date.now()))) {
    const where = options.db ? `--db '${options.db}'` : `--home '${home}'`;
    process.stderr.write(
      'no admin token yet: every API request needs a token. Make the first one on this machine with\n' +
        `  strata ${where} token create --role admin --name YOUR-NAME\n` +
        'and give clients tokens of their own (`strata token create --role operator|viewer`).\n',
    );
  }
  const adopter = setInterval(() => {
    server.engine
      .adoptAll()
      .catch((e: unknown) =>
        process.stderr.write(`adopting workflows failed: ${redactSecrets(String(e))}\n`),
      );
  }, adoptEveryMs);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    clearInterval(adopter);
    process.stderr.write('stopping: running attempts are left running and re-attached on the next start\n');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
