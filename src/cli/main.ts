#!/usr/bin/env node
/**
 * `strata` — the command line. Every command works embedded (engine and store in this process:
 * SQLite under .strata/ by default, local executor) or against a server (`--server URL`). This file
 * builds the program from its commands (one file each in commands/) and turns what happened into
 * the exit code.
 *
 * Exit codes: 0 the workflow succeeded (or the command did what it was asked); 1 the workflow
 * failed or was cancelled, or a request was refused; 2 bad input (spec errors, bad options);
 * 130 interrupted by Ctrl-C (a later `strata resume` continues).
 *
 * @example
 * strata run examples/quickstart.yaml
 * strata status --json
 */
import { Command } from 'commander';
import { coerceError, redactError, redactSecrets } from '../model/index.js';
import { declareAnomaly } from './commands/anomaly.js';
import { declareCancel } from './commands/cancel.js';
import { declareExport } from './commands/export.js';
import { declareImport } from './commands/import.js';
import { declareLogs } from './commands/logs.js';
import { declarePerfmodel } from './commands/perfmodel.js';
import { declareResume } from './commands/resume.js';
import { declareRetry } from './commands/retry.js';
import { declareRun } from './commands/run.js';
import { declareServer } from './commands/server.js';
import { declareSimulate } from './commands/simulate.js';
import { declareStatus } from './commands/status.js';
import { declareSubmit } from './commands/submit.js';
import { declareToken } from './commands/token.js';
import { declareValidate } from './commands/validate.js';
import type { CommandContext, GlobalOptions } from './global-options.js';
import { STRATA_VERSION } from './version.js';

import { EXIT_OK, EXIT_USAGE } from './cli-error.js';
import { exitStatusOf } from './exit-status.js';

/** Exit code of the command that ran; each action returns one. */
let actionExitCode = EXIT_OK;

const program = new Command();
program
  .name('strata')
  .description('Run scientific and AI workflows across the compute continuum.')
  .version(STRATA_VERSION)
  .option(
    '--db <url>',
    'store: sqlite:PATH or postgres://… (default: $STRATA_DB, else SQLite in $STRATA_HOME or ./.strata)',
  )
  .option(
    '--home <dir>',
    'state directory for the embedded store and logs (default: $STRATA_HOME or ./.strata)',
  )
  .option(
    '--server <url>',
    'talk to a running `strata server` instead of running the engine here (default: $STRATA_SERVER)',
  )
  .option('--cpus <n>', 'CPUs the local executor may use (default: all this machine has)')
  .option('--gpus <ids>', 'GPU indices the local executor may hand out, e.g. 0,1 (default: detected)')
  .option('--executor <kind>', 'where attempts run: local (default) or slurm (docs/executors.md)')
  .option('--partition <name>', 'Slurm partition (sbatch --partition; with --executor slurm)')
  .option('--account <name>', 'Slurm account (sbatch --account; with --executor slurm)')
  .option('--qos <name>', 'Slurm QoS (sbatch --qos; with --executor slurm)')
  .option(
    '--platform <file>',
    'platform file whose --site names the executor (an hpc site with a Slurm block)',
  )
  .option('--site <id>', 'the site of --platform to run on')
  .showHelpAfterError();

const cli: CommandContext = {
  globals: () => program.opts<GlobalOptions>(),
  act:
    (fn) =>
    async (...args) => {
      actionExitCode = await fn(...args);
    },
};

// In the order `strata --help` lists them.
for (const declare of [
  declareRun,
  declareSubmit,
  declareStatus,
  declareLogs,
  declareCancel,
  declareRetry,
  declareResume,
  declareValidate,
  declareExport,
  declareImport,
  declareSimulate,
  declareAnomaly,
  declarePerfmodel,
  declareServer,
  declareToken,
]) {
  declare(program, cli);
}

/** Prints an error, credentials masked (model/redact.ts): a store URL or password never reaches stderr. */
function printError(e: unknown): number {
  const err = coerceError(e);
  const coded = err as Error & { code?: unknown; hint?: unknown };
  const { message, stack } = redactError(err);
  if (typeof coded.code === 'string' && /^[A-Z][A-Z_]+$/.test(coded.code)) {
    process.stderr.write(`error ${coded.code}: ${message}\n`);
    if (typeof coded.hint === 'string') process.stderr.write(`  hint: ${redactSecrets(coded.hint)}\n`);
    return exitStatusOf(err);
  }
  process.stderr.write(`error: ${message}\n`);
  if (process.env.STRATA_DEBUG) process.stderr.write(`${stack}\n`);
  else process.stderr.write('  (set STRATA_DEBUG=1 for details)\n');
  return exitStatusOf(err);
}

async function main(argv: string[]): Promise<void> {
  let code = EXIT_OK;
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    code = actionExitCode;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      code = ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    } else {
      code = printError(e);
    }
  }
  process.exitCode = code;
  // Open handles (pools, timers) must not keep a finished command alive.
  setTimeout(() => process.exit(code), 50).unref();
}

void main(process.argv);
