/** `strata status [WF]`: lists workflows, or shows one with its notable tasks. */
import type { Command } from 'commander';
import { allPages, cursorOf } from '../../engine/pages.js';
import { EXIT_FAILED, EXIT_OK } from '../cli-error.js';
import { formatWorkflowDetail, formatWorkflowTable } from '../format.js';
import type { CommandContext } from '../global-options.js';
import { positiveInt } from '../option-values.js';
import { withApi } from '../with-api.js';

export function declareStatus(program: Command, cli: CommandContext): void {
  program
    .command('status')
    .description('list workflows, or show one (by id or name) with its tasks by state')
    .argument('[workflow]', 'workflow id or name')
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'how many workflows to list', '20')
    .action(
      cli.act(async (ref: string | undefined, opts: { json?: boolean; limit: string }) => {
        return withApi(cli.globals(), async (api) => {
          if (!ref) {
            const list = await allPages(
              (cursor, limit) => api.listWorkflows({ limit, ...cursorOf(cursor) }),
              positiveInt(opts.limit, '--limit'),
            );
            console.log(opts.json ? JSON.stringify(list, null, 2) : formatWorkflowTable(list));
            return EXIT_OK;
          }
          const wf = await api.getWorkflow(ref);
          const { items: notable } = await api.listTasks(wf.id, {
            states: ['failed', 'running', 'queued'],
            limit: 50,
          });
          if (opts.json) console.log(JSON.stringify({ ...wf, tasks: notable }, null, 2));
          else console.log(formatWorkflowDetail(wf, notable));
          return wf.state === 'failed' || wf.state === 'cancelled' ? EXIT_FAILED : EXIT_OK;
        });
      }),
    );
}
