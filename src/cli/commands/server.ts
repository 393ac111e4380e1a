/**
 * `strata server`: the HTTP API with the engine. The work is in run-server.ts, loaded only when the
 * command runs (Fastify and the metrics are not needed by the other commands).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { executorFromFlags } from '../executor-option.js';
import { capacityOption } from '../global-options.js';
import type { CommandContext } from '../global-options.js';
import { portNumber, positiveInt } from '../option-values.js';

export function declareServer(program: Command, cli: CommandContext): void {
  program
    .command('server')
    .description('run the HTTP API (and /metrics) with the engine, driving every workflow in the store')
    .addOption(new Option('--port <port>', 'port to listen on').default('8080').env('STRATA_PORT'))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1').env('STRATA_LISTEN'))
    .addOption(
      new Option(
        '--lease-ttl <ms>',
        'how long a workflow lease lasts unrenewed: another server takes a dead one over after this',
      )
        .default('30000')
        .env('STRATA_LEASE_TTL_MS'),
    )
    .action(
      cli.act(async (opts: { port: string; host: string; leaseTtl: string }) => {
        const { runServer } = await import('./run-server.js');
        const g = cli.globals();
        const executor = executorFromFlags(g);
        await runServer({
          host: opts.host,
          port: portNumber(opts.port),
          leaseTtlMs: positiveInt(opts.leaseTtl, '--lease-ttl'),
          ...(g.db ? { db: g.db } : {}),
          ...(g.home ? { home: g.home } : {}),
          ...capacityOption(g),
          ...(executor ? { executor } : {}),
        });
        return new Promise<number>(() => undefined); // runs until a signal stops it
      }),
    );
}
