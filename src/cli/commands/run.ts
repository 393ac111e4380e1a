/** `strata run FILE`: submits a workflow and follows it in the foreground, embedded or on a server. */
import type { Command } from 'commander';
import { loadSpecFile } from '../../engine/load-spec.js';
import { submitBudgets } from '../../engine/submit-budgets.js';
import { budgetsFromEnv } from '../submit-budget-options.js';
import { followWorkflow } from '../follow-workflow.js';
import type { FollowOptions } from '../follow-workflow.js';
import { serverUrl } from '../global-options.js';
import type { CommandContext } from '../global-options.js';
import { submitInput, withApi } from '../with-api.js';

export function declareRun(program: Command, cli: CommandContext): void {
  program
    .command('run')
    .description(
      'run a workflow in the foreground with a live progress bar; Ctrl-C stops it, `strata resume` continues',
    )
    .argument('<file>', 'workflow spec (YAML or JSON)')
    .option('--json', 'print the final state as JSON instead of a summary')
    .option('--no-progress', 'no progress bar (one line per state change of the workflow)')
    .action(
      cli.act(async (file: string, opts: FollowOptions) => {
        const g = cli.globals();
        if (!serverUrl(g)) loadSpecFile(file, { budgets: submitBudgets(budgetsFromEnv()) }); // embedded: report spec errors before opening anything
        return withApi(g, async (api, env) => {
          const wf = await api.submit(submitInput(file));
          return followWorkflow(api, wf, opts, env?.engine);
        });
      }),
    );
}
