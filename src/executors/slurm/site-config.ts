/**
 * From a platform site (an `hpc` site with an `executor: { kind: slurm, ... }` block, see
 * docs/platform-format.md) to the options of a `SlurmExecutor`. The platform parser has already
 * checked every value; this only maps names and units.
 *
 * @example
 * const site = platform.sites.find((s) => s.id === 'cluster')!;
 * const executor = new SlurmExecutor(slurmOptionsFromSite(site));
 */
import type { Site } from '../../model/index.js';
import type { SlurmExecutorOptions } from './slurm-executor.js';

/** The executor options a site describes, or a sentence saying why it describes none. */
export function slurmOptionsFromSite(site: Site): SlurmExecutorOptions | string {
  const config = site.slurm;
  // The short form `executor: slurm:PARTITION` (or `slurm`) names a partition on this machine's Slurm.
  const short = /^slurm(?::([A-Za-z0-9_][A-Za-z0-9_.+-]*))?$/.exec(site.executor ?? '');
  if (!config && short) {
    return { nodeId: `${site.id}:slurm`, ...(short[1] ? { partition: short[1] } : {}) };
  }
  if (!config) {
    return `site ${site.id} has no Slurm executor block (add executor: { kind: slurm, partition: ... } to it)`;
  }
  const options: SlurmExecutorOptions = { nodeId: `${site.id}:slurm` };
  if (config.partition) options.partition = config.partition;
  if (config.account) options.account = config.account;
  if (config.qos) options.qos = config.qos;
  if (config.pollIntervalS !== undefined) options.pollIntervalMs = Math.round(config.pollIntervalS * 1000);
  if (config.gnuTime !== undefined) options.gnuTime = config.gnuTime;
  if (config.ssh) {
    const { host, user, port, identity, options: sshOptions } = config.ssh;
    options.ssh = {
      host,
      ...(user !== undefined ? { user } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(identity !== undefined ? { identity } : {}),
      ...(sshOptions !== undefined ? { options: sshOptions } : {}),
    };
  }
  return options;
}
