/** `strata cancel [WF]`: cancels a workflow; embedded, waits until its attempts are gone. */
import type { Command } from 'commander';
import { EXIT_OK } from '../cli-error.js';
import type { CommandContext } from '../global-options.js';
import { latestWorkflow, withApi } from '../with-api.js';

export function declareCancel(program: Command, cli: CommandContext): void {
  program
    .command('cancel')
    .description('cancel a workflow: tasks not started are cancelled, running attempts are killed')
    .argument('[workflow]', 'workflow id or name (default: the most recent workflow)')
    .action(
      cli.act(async (ref: string | undefined) => {
        return withApi(cli.globals(), async (api, env) => {
          const id = ref ?? (await latestWorkflow(api));
          let wf = await api.cancel(id);
          if (env) {
            // The engine killing the attempts lives in this process: wait until it has recorded the end.
            await env.engine.waitFor(wf.id);
            wf = await api.getWorkflow(wf.id);
          }
          console.log(`${wf.id} ${wf.state}`);
          return EXIT_OK;
        });
      }),
    );
}
