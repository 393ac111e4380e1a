/**
 * `strata anomaly eval`: evaluates anomaly detectors on metric series. The work is in
 * anomaly-command.ts, loaded only when the command runs (it brings tfjs).
 */
import type { Command } from 'commander';
import type { CommandContext } from '../global-options.js';
import type { AnomalyEvalOptions } from './anomaly-command.js';

export function declareAnomaly(program: Command, cli: CommandContext): void {
  const anomaly = program
    .command('anomaly')
    .description('anomaly detection over metric series: evaluate detectors (docs/anomaly.md)');
  anomaly
    .command('eval')
    .description('fit a detector on a training series, score a labelled test series, report honest metrics')
    .option('--train <file>', 'training series: CSV or gzip CSV, one row per step, one column per metric')
    .option('--test <file>', 'test series, same layout and columns as --train')
    .option('--labels <file>', 'one 0/1 per line, one line per test row')
    .option('--interpretation <file>', 'SMD interpretation_label file (start-end:m1,m2,…) for HitRate')
    .option('--nab <dir>', 'evaluate every stream of a NAB folder (data/, labels/combined_windows.json)')
    .option('--model <name>', 'detector: vae, pca, robust-z, random, a comma list, or all', 'vae')
    .option('--seed <n>', 'random seed (VAE initialisation and batches, random baseline)', '1')
    .option('--epochs <n>', 'VAE training epochs (default 20, within a 45 s budget)')
    .option(
      '--save-model <file>',
      'write the fitted detector and its threshold calibration (edge bundle, JSON)',
    )
    .option('--json', 'machine-readable report')
    .action(
      cli.act(async (opts: AnomalyEvalOptions) => {
        const { runAnomalyEval } = await import('./anomaly-command.js');
        return runAnomalyEval(opts);
      }),
    );
}
