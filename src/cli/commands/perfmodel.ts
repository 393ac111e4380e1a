/**
 * `strata perfmodel eval | bench-node | bench-power`: performance models and node measurements. The
 * work is in perfmodel-command.ts and bench-power-command.ts, loaded only when a command runs.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../global-options.js';
import type { BenchPowerOptions } from './bench-power-command.js';
import type { PerfmodelEvalOptions } from './perfmodel-command.js';

export function declarePerfmodel(program: Command, cli: CommandContext): void {
  const perfmodel = program
    .command('perfmodel')
    .description('performance models: predict task runtimes and memory, learn online (docs/perfmodel.md)');
  perfmodel
    .command('eval')
    .description('replay WfCommons instances through the models: online, cross-machine and drift evaluation')
    .option('--traces <paths...>', 'WfCommons instances (WfFormat 1.4/1.5 JSON) or directories of them')
    .option('--models <list>', 'comma list of models (mean, median, last, lotaru, ensemble), or all', 'all')
    .option(
      '--noise <dir>',
      'Azure VM noise folder for the drift scenario (../shared/data/perfmodel/azure-vm-noise-2024)',
    )
    .option('--drift-adaptation', 'in the online evaluation, refit a node type on each drift event')
    .option('--json', 'machine-readable report')
    .action(
      cli.act(async (opts: PerfmodelEvalOptions) => {
        const { runPerfmodelEval } = await import('./perfmodel-command.js');
        return runPerfmodelEval(opts);
      }),
    );
  perfmodel
    .command('bench-node')
    .description("measure this machine's speed factor with the micro-benchmark executors run")
    .option('--reference-s <s>', 'seconds the benchmark takes on the reference node')
    .option('--json', 'machine-readable output')
    .action(
      cli.act(async (opts: { referenceS?: string; json?: boolean }) => {
        const { runPerfmodelBenchNode } = await import('./perfmodel-command.js');
        return runPerfmodelBenchNode(opts);
      }),
    );

  perfmodel
    .command('bench-power')
    .description(
      "measure this node's CPU package power at each CPU frequency (RAPL, cpufreq; root) and print its platform-file DVFS levels",
    )
    .option('--seconds <s>', 'seconds per measurement (idle, then each frequency)', '5')
    .option('--idle <watts>', "the node's idle power (wall), to scale the levels to")
    .option('--max <watts>', "the node's full-load power (wall)")
    .option('--sysfs <dir>', 'root of the sysfs tree (default /)')
    .option('--json', 'machine-readable output')
    .action(
      cli.act(async (opts: BenchPowerOptions) => {
        const { runBenchPower } = await import('./bench-power-command.js');
        return runBenchPower(opts);
      }),
    );
}
