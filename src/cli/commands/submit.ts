/** `strata submit FILE`: stores a workflow without running it here, and prints its id. */
import type { Command } from 'commander';
import { loadSpecFile } from '../../engine/load-spec.js';
import { submitBudgets } from '../../engine/submit-budgets.js';
import { budgetsFromEnv } from '../submit-budget-options.js';
import type { WorkflowView } from '../../engine/strata-api.js';
import { EXIT_OK } from '../cli-error.js';
import { serverUrl } from '../global-options.js';
import type { CommandContext } from '../global-options.js';
import { submitInput, withApi } from '../with-api.js';

export function declareSubmit(program: Command, cli: CommandContext): void {
  program
    .command('submit')
    .description('store a workflow for a server (or a later `strata resume`) to run, and print its id')
    .argument('<file>', 'workflow spec (YAML or JSON)')
    .option('--json', 'print the workflow as JSON')
    .action(
      cli.act(async (file: string, opts: { json?: boolean }) => {
        const g = cli.globals();
        const loaded = serverUrl(g)
          ? undefined
          : loadSpecFile(file, { budgets: submitBudgets(budgetsFromEnv()) }); // before opening anything
        return withApi(g, async (api, env) => {
          let wf: WorkflowView;
          if (env && loaded) {
            // Stored, not driven: a server or `resume` takes it.
            const record = await env.engine.submit(
              loaded.spec,
              { baseDir: loaded.baseDir, source: file },
              { drive: false },
            );
            wf = await api.getWorkflow(record.id);
          } else wf = await api.submit(submitInput(file));
          console.log(opts.json ? JSON.stringify(wf, null, 2) : wf.id);
          return EXIT_OK;
        });
      }),
    );
}
