/**
 * `strata export FORMAT WF`: writes a workflow run in another format. The work is in
 * export-command.ts, loaded only when the command runs.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../global-options.js';
import { withApi } from '../with-api.js';

export function declareExport(program: Command, cli: CommandContext): void {
  program
    .command('export')
    .description(
      'write a workflow run in another format; for now `wfcommons` (WfFormat 1.5: history for strata simulate)',
    )
    .argument('<format>', 'wfcommons')
    .argument('<workflow>', 'workflow id or name')
    .option('-o, --output <file>', 'where to write the instance (default: standard output)')
    .action(
      cli.act(async (format: string, ref: string, opts: { output?: string }) => {
        const { runExport } = await import('./export-command.js');
        return withApi(cli.globals(), (api, env) =>
          runExport(api, format, ref, { ...opts, embedded: env !== undefined }),
        );
      }),
    );
}
