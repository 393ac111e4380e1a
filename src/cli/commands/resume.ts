/** `strata resume [WF]`: continues an interrupted or crashed workflow, reruns what failed, and follows it. */
import type { Command } from 'commander';
import { reopenAndFollow } from '../follow-workflow.js';
import type { FollowOptions } from '../follow-workflow.js';
import type { CommandContext } from '../global-options.js';

export function declareResume(program: Command, cli: CommandContext): void {
  program
    .command('resume')
    .description(
      'continue an interrupted or crashed workflow, and run its failed tasks again (embedded: in the foreground)',
    )
    .argument('[workflow]', 'workflow id or name (default: the most recent workflow)')
    .option('--json', 'print the final state as JSON')
    .option('--no-progress', 'no progress bar')
    .action(
      cli.act(async (ref: string | undefined, opts: FollowOptions) => {
        return reopenAndFollow(cli.globals(), ref, (api, ref) => api.resume(ref), opts);
      }),
    );
}
