/** `strata logs TASK`: prints what a task's attempt wrote (stdout, or stderr). */
import type { Command } from 'commander';
import { EXIT_OK } from '../cli-error.js';
import type { CommandContext } from '../global-options.js';
import { positiveInt } from '../option-values.js';
import { latestWorkflow, withApi } from '../with-api.js';

interface LogsOptions {
  workflow?: string;
  attempt?: string;
  stderr?: boolean;
  tail: string;
}

export function declareLogs(program: Command, cli: CommandContext): void {
  program
    .command('logs')
    .description("print a task's stdout (or stderr) of its latest attempt, or of --attempt N")
    .argument('<task>', 'task name, e.g. merge or work[3]')
    .option('-w, --workflow <ref>', 'workflow id or name (default: the most recent workflow)')
    .option('--attempt <n>', 'attempt number (default: latest)')
    .option('--stderr', 'print stderr instead of stdout')
    .option(
      '--tail <bytes>',
      'print at most this many bytes from the end (at most 1 MiB)',
      String(1024 * 1024),
    )
    .action(
      cli.act(async (task: string, opts: LogsOptions) => {
        return withApi(cli.globals(), async (api) => {
          const ref = opts.workflow ?? (await latestWorkflow(api));
          const { text, truncated } = await api.readLog(ref, task, {
            stream: opts.stderr ? 'stderr' : 'stdout',
            tailBytes: positiveInt(opts.tail, '--tail'),
            ...(opts.attempt ? { attempt: positiveInt(opts.attempt, '--attempt') } : {}),
          });
          if (truncated)
            process.stderr.write(`(only the last ${Buffer.byteLength(text)} bytes of the log)\n`);
          process.stdout.write(text);
          return EXIT_OK;
        });
      }),
    );
}
