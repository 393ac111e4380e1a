/**
 * Which executor the embedded engine uses: the local one (default), or Slurm — named on the command
 * line (`--executor slurm [--partition P] [--account A] [--qos Q]`) or taken from an `hpc` site of a
 * platform file (`--platform FILE --site ID`, the site's `executor:` block, docs/platform-format.md).
 */
import { specInvalid } from '../engine/load-spec.js';
import type { Executor } from '../executors/executor.js';
import { SlurmExecutor, slurmOptionsFromSite, type SlurmExecutorOptions } from '../executors/slurm/index.js';
import { parsePlatform } from '../platform/index.js';
import { CliError } from './cli-error.js';
import { readInputText } from './read-input.js';

export interface ExecutorFlags {
  executor?: string;
  partition?: string;
  account?: string;
  qos?: string;
  platform?: string;
  site?: string;
}

const SLURM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;

/** The executor the flags ask for, or undefined for the default (local). Throws CliError BAD_OPTION. */
export function executorFromFlags(g: ExecutorFlags): Executor | undefined {
  const kind = g.executor ?? (g.platform !== undefined || g.site !== undefined ? 'slurm' : 'local');
  if (kind !== 'local' && kind !== 'slurm') {
    throw new CliError('BAD_OPTION', `--executor must be local or slurm, got ${kind}`);
  }
  const slurmFlags = (['partition', 'account', 'qos'] as const).filter((k) => g[k] !== undefined);
  if (kind === 'local') {
    if (slurmFlags.length > 0) {
      throw new CliError('BAD_OPTION', `--${slurmFlags[0]} needs --executor slurm`, 'add --executor slurm');
    }
    return undefined;
  }
  let options: SlurmExecutorOptions = {};
  if (g.platform !== undefined || g.site !== undefined) {
    if (g.platform === undefined || g.site === undefined) {
      throw new CliError(
        'BAD_OPTION',
        '--platform and --site go together',
        'give both: --platform FILE --site ID',
      );
    }
    const text = readInputText(
      g.platform,
      () => new CliError('BAD_OPTION', `cannot read platform file ${g.platform}`, 'check the path'),
    );
    const parsed = parsePlatform(text, { file: g.platform });
    if (!parsed.ok) throw specInvalid(parsed.errors, { noun: 'platform', doc: 'docs/platform-format.md' });
    const site = parsed.platform.sites.find((s) => s.id === g.site);
    if (!site) {
      const ids = parsed.platform.sites.map((s) => s.id).join(', ');
      throw new CliError('BAD_OPTION', `${g.platform} has no site ${g.site}`, `sites: ${ids}`);
    }
    const fromSite = slurmOptionsFromSite(site);
    if (typeof fromSite === 'string') throw new CliError('BAD_OPTION', fromSite);
    options = fromSite;
  }
  for (const key of slurmFlags) {
    const value = g[key]!;
    if (!SLURM_NAME.test(value)) {
      throw new CliError('BAD_OPTION', `--${key} ${JSON.stringify(value)} is not a Slurm ${key} name`);
    }
    options[key] = value; // the command line wins over the platform file
  }
  return new SlurmExecutor({
    ...options,
    log: (message) => process.stderr.write(`${message}\n`),
  });
}
