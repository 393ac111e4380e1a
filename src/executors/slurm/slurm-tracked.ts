/**
 * What the Slurm executor is configured with, and what it keeps of each attempt it tracks: its
 * phase (waiting for a batch, being submitted, in Slurm), its batch, job id and stop request.
 */
import type { AttemptOutcome, NodeInfo } from '../../model/index.js';
import { emptyOutcome, type LaunchRequest } from '../executor.js';
import type { CommandRunner, SshOptions } from './command-runner.js';
import type { StopIntent } from './slurm-records.js';

export interface SlurmExecutorOptions {
  partition?: string;
  account?: string;
  qos?: string;
  /** Run Slurm's commands on a login node over SSH (ignored when `runner` is given). */
  ssh?: SshOptions;
  /** The command layer (default: local, or SSH when `ssh` is set). */
  runner?: CommandRunner;
  /** Default 2000. One `squeue --json` per poll, whatever the number of jobs. */
  pollIntervalMs?: number;
  /** How long starts are gathered before they are submitted (default 0: those of the same tick). */
  batchWindowMs?: number;
  /** Most attempts in one job array (default 1000, Slurm's default MaxArraySize is 1001). */
  maxArraySize?: number;
  /**
   * What the engine may have in flight at once (Slurm queues the rest and schedules them on the real
   * nodes). Default 4096 CPUs, 64 TiB, 64 GPUs.
   */
  queueCapacity?: { cpus?: number; memoryBytes?: number; gpus?: number };
  /** Default `slurm` (`slurm:<partition>` when a partition is set). */
  nodeId?: string;
  /** More `sbatch` options, e.g. `['--constraint=haswell']` (argv words, never shell text). */
  sbatchArgs?: string[];
  /**
   * Where the outcome of a job comes from once `squeue` no longer lists it: `sacct`, the job
   * completion log, or `auto` (what `scontrol show config` says is configured). Default `auto`.
   */
  completion?: 'auto' | 'sacct' | 'jobcomp';
  /** Polls a submitted job may be missing from every source before it is reported `lost`. Default 3. */
  missingPollsBeforeLost?: number;
  /** Diagnostics (controller unreachable, back again, ...); default: none. */
  log?: (message: string) => void;
  /**
   * GNU time on the compute nodes, to measure each attempt's CPU time and peak memory (the batch
   * script uses it where it is executable there). Default `/usr/bin/time`; null: never.
   */
  gnuTime?: string | null;
}

type Phase = 'waiting' | 'submitting' | 'submitted';

export interface Tracked {
  req: LaunchRequest;
  phase: Phase;
  batch: Batch | null;
  /** `123` or `120_4` once submitted. */
  jobId: string | null;
  startedEmitted: boolean;
  /** Strata asked for it to stop; `sent` once `scancel` went through. */
  stop: (StopIntent & { sent: boolean }) | null;
  timeoutTimer: NodeJS.Timeout | null;
  /** Consecutive polls in which no source knew the job. */
  missing: number;
  /** Re-attached without handle while the controller was unreachable: found later by comment. */
  searching: boolean;
  ending: boolean;
}

export interface Batch {
  token: string;
  members: Tracked[];
  /** The last sbatch may have reached the controller: look for the token before submitting again. */
  uncertain: boolean;
}

/** An outcome of now with nothing measured, saying why (Slurm ran nothing of it, or forgot it). */
export function endedNow(status: AttemptOutcome['status'], message: string): AttemptOutcome {
  return { ...emptyOutcome(status, null, Date.now()), message };
}

export function clearTimer(t: Tracked): void {
  if (t.timeoutTimer) clearTimeout(t.timeoutTimer);
  t.timeoutTimer = null;
}

/**
 * The one node the scheduler sees for a Slurm queue: `queueCapacity` (default 4,096 CPUs, 64 TiB,
 * 64 GPUs), labelled with where commands run and the partition.
 */
export function queueNode(
  options: SlurmExecutorOptions,
  id: string,
  executor: string,
  runner: string,
): NodeInfo {
  const q = options.queueCapacity ?? {};
  const gpus = q.gpus ?? 64;
  return {
    id,
    executor,
    capacity: {
      cpus: q.cpus ?? 4096,
      memoryBytes: q.memoryBytes ?? 64 * 2 ** 40,
      gpuIds: Array.from({ length: gpus }, (_, i) => i),
    },
    labels: { runner, ...(options.partition ? { partition: options.partition } : {}) },
  };
}
