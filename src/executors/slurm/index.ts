/**
 * The Slurm executor and its command layer (local or over SSH).
 *
 * @example
 * import { SlurmExecutor } from './executors/slurm/index.js';
 * const executor = new SlurmExecutor({ partition: 'debug', ssh: { host: 'login1', user: 'alice' } });
 */
export { SlurmExecutor, type SlurmExecutorOptions } from './slurm-executor.js';
export {
  LocalCommandRunner,
  SshCommandRunner,
  sshOptionProblem,
  type CommandResult,
  type CommandRunner,
  type RunOptions,
  type SshOptions,
} from './command-runner.js';
export { shellQuote, shellCommandLine } from './shell-quote.js';
export { slurmOptionsFromSite } from './site-config.js';
