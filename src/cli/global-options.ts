/**
 * The options every command takes before its name (`strata --server URL status`): where the state
 * is, which server to talk to, and what runs attempts. Commands read them through their
 * `CommandContext`; the program declares them in main.ts.
 */
import type { NodeCapacity } from '../model/index.js';
import { CliError } from './cli-error.js';
import type { ExecutorFlags } from './executor-option.js';

export interface GlobalOptions extends ExecutorFlags {
  db?: string;
  home?: string;
  server?: string;
  cpus?: string;
  gpus?: string;
}

/** What a command's declaration gets from the program it belongs to. */
export interface CommandContext {
  /** The program's global options, once parsed. */
  globals(): GlobalOptions;
  /** Wraps an action so that the exit code it returns becomes the command's. */
  act<A extends unknown[]>(fn: (...args: A) => number | Promise<number>): (...args: A) => Promise<void>;
}

/** The server to talk to (--server, else STRATA_SERVER), or undefined to run embedded. */
export function serverUrl(g: GlobalOptions): string | undefined {
  return g.server || process.env.STRATA_SERVER || undefined;
}

/** What --cpus and --gpus let the local executor use. Throws CliError BAD_OPTION. */
export function capacityOption(g: GlobalOptions): { capacity?: Partial<NodeCapacity> } {
  const capacity: Partial<NodeCapacity> = {};
  if (g.cpus !== undefined) {
    const cpus = Number(g.cpus);
    if (!(cpus > 0)) throw new CliError('BAD_OPTION', `--cpus must be a positive number, got ${g.cpus}`);
    capacity.cpus = cpus;
  }
  if (g.gpus !== undefined) {
    const ids = g.gpus === '' ? [] : g.gpus.split(',').map((s) => Number(s.trim()));
    if (ids.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new CliError('BAD_OPTION', `--gpus must list GPU indices like 0,1, got ${g.gpus}`);
    }
    capacity.gpuIds = ids;
  }
  return Object.keys(capacity).length > 0 ? { capacity } : {};
}
