/**
 * `strata server`: the HTTP API with the engine. The work is in run-server.ts, loaded only when the
 * command runs (Fastify and the metrics are not needed by the other commands).
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { executorFromFlags } from '../executor-option.js';
import { capacityOption } from '../global-options.js';
import { budgetsFromOptions, declareBudgetOptions } from '../submit-budget-options.js';
import type { CommandContext } from '../global-options.js';
import { portNumber } from '../option-values.js';

export function declareServer(program: Command, cli: CommandContext): void {
  const command = program
    .command('server')
    .description('run the HTTP API (and /metrics) with the engine, driving every workflow in the store')
    .addOption(new Option('--port <port>', 'port to listen on').default('8080').env('STRATA_PORT'))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1').env('STRATA_LISTEN'));
  declareBudgetOptions(command).action(
    cli.act(async (opts: { port: string; host: string; allowDir?: string[] } & Record<string, unknown>) => {
      const { runServer } = await import('./run-server.js');
      const g = cli.globals();
      const executor = executorFromFlags(g);
      await runServer({
        host: opts.host,
        port: portNumber(opts.port),
        ...(g.db ? { db: g.db } : {}),
        ...(g.home ? { home: g.home } : {}),
        ...capacityOption(g),
        ...(executor ? { executor } : {}),
        budgets: budgetsFromOptions(opts),
        allowedDirs: (opts.allowDir ?? [process.cwd()]).map((d) => resolve(d)),
      });
      return new Promise<number>(() => undefined); // runs until a signal stops it
    }),
  );
}
