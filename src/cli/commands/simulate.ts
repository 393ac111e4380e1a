/**
 * `strata simulate`: plays a workflow on a platform in the digital twin. The work is in
 * simulate-command.ts, loaded only when the command runs (the twin is large; `strata status` need
 * not load it).
 */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../global-options.js';
import type { SimulateCommandOptions } from './simulate-command.js';

export function declareSimulate(program: Command, cli: CommandContext): void {
  program
    .command('simulate')
    .description('play a workflow on a platform in the digital twin with a placement policy')
    .requiredOption('--workflow <file>', 'a WfCommons instance (WfFormat 1.4/1.5 JSON)')
    // Not `requiredOption`: the program's own --platform (the Slurm site of `run`) may take it first;
    // the action reads either, and says so when neither was given.
    .option(
      '--platform <file|recorded>',
      'a platform file, or `recorded`: the machines and mapping recorded in the instance',
    )
    .option(
      '--policy <name>',
      'placement policy: first-fit, heft, min-min, energy-heft, carbon-aware, locality, multi-objective',
      'heft',
    )
    .option('--start-at <seconds>', "seconds into the sites' carbon series at which the workflow starts", '0')
    .option(
      '--online',
      'run a planning policy as the engine would: its plan followed online (each task on a free node of its planned type), not replayed node for node',
    )
    .option('--compare', 'play every policy and print them side by side, against HEFT')
    .option(
      '--runtimes <estimated|oracle>',
      "what planning policies plan on: the performance model's estimates (default) or the recorded truth",
      'estimated',
    )
    .option(
      '--history <files...>',
      'WfCommons instances of earlier runs for the performance model to learn from',
    )
    .option('--seed <n>', 'random seed (failures, stragglers, retry jitter)', '1')
    .option('--mtbf <seconds>', 'inject node crashes with this mean time between failures per node')
    .option('--stragglers <p>', 'probability that an attempt runs slow')
    .option('--gantt <out.svg>', 'draw the schedule')
    .option('--placements <out.json>', "write each task's node, times and the reason for its placement")
    .option('--json', 'machine-readable report')
    .action(
      cli.act(async (opts: Partial<SimulateCommandOptions>, cmd: Command) => {
        const platform = opts.platform ?? cmd.optsWithGlobals<{ platform?: string }>().platform;
        if (platform === undefined) {
          throw new CliError(
            'BAD_OPTION',
            'strata simulate needs --platform FILE or --platform recorded',
            'e.g. strata simulate --workflow wf.json --platform examples/platforms/continuum.yaml',
          );
        }
        const { runSimulate } = await import('./simulate-command.js');
        return runSimulate({ ...(opts as SimulateCommandOptions), platform });
      }),
    );
}
