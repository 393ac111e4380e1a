/** What one attempt of a task did, as executors report it and the store keeps it. */

/** Every status an attempt may have, in the order it may pass through them. */
export const ATTEMPT_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed-out',
  'cancelled',
  'lost',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export interface AttemptOutcome {
  /**
   * `succeeded`: exit code 0 (validation is the engine's job); `failed`: non-zero exit or killed by a
   * signal; `timed-out`/`cancelled`: Strata stopped it; `lost`: the executor no longer knows it.
   */
  status: 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'lost';
  exitCode: number | null;
  signal: string | null;
  /** Epoch milliseconds. */
  startedAt: number | null;
  endedAt: number;
  cpuTimeMs: number | null;
  peakRssBytes: number | null;
  message?: string;
  /**
   * The attempt failed because it ran out of memory (Slurm's OUT_OF_MEMORY, the kernel's OOM
   * killer): the engine retries it asking for more (docs/executors.md, "Out of memory").
   */
  outOfMemory?: boolean;
}
