/** `strata validate FILE`: checks a workflow spec without running or storing anything. */
import type { Command } from 'commander';
import { loadSpecFile } from '../../engine/load-spec.js';
import { submitBudgets } from '../../engine/submit-budgets.js';
import { budgetsFromEnv } from '../submit-budget-options.js';
import { EXIT_OK } from '../cli-error.js';
import type { CommandContext } from '../global-options.js';

export function declareValidate(program: Command, cli: CommandContext): void {
  program
    .command('validate')
    .description('check a workflow spec without running it')
    .argument('<file>', 'workflow spec (YAML or JSON)')
    .option('--json', 'print the normalised workflow as JSON')
    .action(
      cli.act((file: string, opts: { json?: boolean }) => {
        const { spec } = loadSpecFile(file, { budgets: submitBudgets(budgetsFromEnv()) });
        if (opts.json) console.log(JSON.stringify(spec, null, 2));
        else {
          const edges = spec.tasks.reduce((n, t) => n + t.deps.length, 0);
          console.log(
            `${file}: valid — workflow ${spec.name}, ${spec.tasks.length} tasks, ${edges} dependencies`,
          );
        }
        return EXIT_OK;
      }),
    );
}
