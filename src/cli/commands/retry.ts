/** `strata retry TASK`: runs a failed task again with what is downstream of it, and follows the run. */
import type { Command } from 'commander';
import { reopenAndFollow } from '../follow-workflow.js';
import type { FollowOptions } from '../follow-workflow.js';
import type { CommandContext } from '../global-options.js';

export function declareRetry(program: Command, cli: CommandContext): void {
  program
    .command('retry')
    .description('run a failed task again, with what is downstream of it (embedded: in the foreground)')
    .argument('<task>', 'task name')
    .option('-w, --workflow <ref>', 'workflow id or name (default: the most recent workflow)')
    .option('--json', 'print the final state as JSON')
    .option('--no-progress', 'no progress bar')
    .action(
      cli.act(async (task: string, opts: FollowOptions & { workflow?: string }) => {
        return reopenAndFollow(cli.globals(), opts.workflow, (api, ref) => api.retry(ref, task), opts);
      }),
    );
}
