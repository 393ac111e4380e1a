/**
 * `strata server`: the HTTP API with the engine. The work is in run-server.ts, loaded only when the
 * command runs (Fastify and the metrics are not needed by the other commands).
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { executorFromFlags } from '../executor-option.js';
import { capacityOption } from '../global-options.js';
import { budgetsFromOptions, declareBudgetOptions } from '../submit-budget-options.js';
import type { CommandContext } from '../global-options.js';
import { portNumber, positiveInt } from '../option-values.js';

interface ServerFlags {
  port: string;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  publicName: string[];
  corsOrigin: string[];
  protectMetrics?: boolean;
  leaseTtl: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function declareServer(program: Command, cli: CommandContext): void {
  const command = program
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
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option(
      '--insecure-http',
      'allow plain HTTP on a non-loopback --host (tokens cross the network in clear)',
    )
    .option(
      '--public-name <name>',
      'a host name (or address) clients reach the server by, besides loopback; repeat or comma-separate',
      collect,
      [],
    )
    .option('--cors-origin <url>', 'let web pages of this origin call the API; repeat for more', collect, [])
    .option('--protect-metrics', '/metrics needs a viewer token too');
  declareBudgetOptions(command).action(
    cli.act(async (opts: ServerFlags & { allowDir?: string[] } & Record<string, unknown>) => {
      const { runServer } = await import('./run-server.js');
      const g = cli.globals();
      const executor = executorFromFlags(g);
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
        throw new CliError('BAD_OPTION', '--tls-cert and --tls-key go together', 'give both, or neither');
      }
      await runServer({
        host: opts.host,
        port: portNumber(opts.port),
        leaseTtlMs: positiveInt(opts.leaseTtl, '--lease-ttl'),
        ...(opts.tlsCert && opts.tlsKey ? { tls: { certFile: opts.tlsCert, keyFile: opts.tlsKey } } : {}),
        ...(opts.insecureHttp ? { insecureHttp: true } : {}),
        publicNames: opts.publicName
          .flatMap((n) => n.split(','))
          .map((n) => n.trim())
          .filter(Boolean),
        corsOrigins: opts.corsOrigin,
        ...(opts.protectMetrics ? { protectMetrics: true } : {}),
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
