/**
 * `strata server`: the HTTP API with the engine, on the embedded store unless --db says otherwise.
 * Runs until SIGINT/SIGTERM, then stops cleanly (attempts keep running and are re-attached by the
 * next start). Every few seconds it also takes over running workflows that no live engine holds —
 * those stored by `strata submit` without a server, or left behind by a crashed process.
 */
import type { Executor } from '../../executors/executor.js';
import { redactSecrets, type NodeCapacity } from '../../model/index.js';
import { startServer } from '../../server/start-server.js';
import { strataPlace } from '../embedded.js';

const ADOPT_INTERVAL_MS = 5000;

export interface RunServerOptions {
  host: string;
  port: number;
  db?: string;
  home?: string;
  capacity?: Partial<NodeCapacity>;
  /** Instead of the local executor (e.g. `--executor slurm`). */
  executor?: Executor;
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
    logger: true,
  });
  process.stderr.write(
    `strata server listening on ${server.url} (store ${server.store.dialect}, state in ${home}); ` +
      `took over ${server.adopted.length} running workflow(s)\n`,
  );
  const adopter = setInterval(() => {
    server.engine
      .adoptAll()
      .catch((e: unknown) =>
        process.stderr.write(`adopting workflows failed: ${redactSecrets(String(e))}\n`),
      );
  }, ADOPT_INTERVAL_MS);
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
