/**
 * The Slurm executor's reads of the queue: one `squeue --json` answers every caller of the same
 * moment (a burst of re-attaches, a poll), however many jobs there are. It also keeps track of
 * whether the controller answers, so that an outage is logged once when it starts and once when it
 * ends, and never taken for news about a job.
 */
import { errorText } from '../executor.js';
import type { CommandRunner } from './command-runner.js';
import { parseSqueueJson, type SlurmJobRecord } from './slurm-records.js';

export class QueueReader {
  private snapshot: { at: number; result: Promise<SlurmJobRecord[] | null> } | null = null;
  private unreachableSince: number | null = null;

  constructor(
    private readonly runner: CommandRunner,
    /** Read at each use: where diagnostics go. */
    private readonly options: { log?: (message: string) => void },
    /** Counts each squeue run (the executor's `stats`). */
    private readonly counters: { squeue: number },
  ) {}

  /** `squeue --json` now, or the answer of one started less than a second ago. */
  jobs(): Promise<SlurmJobRecord[] | null> {
    const now = Date.now();
    if (this.snapshot && now - this.snapshot.at < 1000) return this.snapshot.result;
    const result = this.readQueue();
    this.snapshot = { at: now, result };
    return result;
  }

  /** Drops the shared answer: the next `jobs()` asks squeue again. */
  forget(): void {
    this.snapshot = null;
  }

  noteUnreachable(why: string): void {
    if (this.unreachableSince === null) {
      this.unreachableSince = Date.now();
      this.options.log?.(
        `slurm: cannot reach the controller (${why}); jobs keep their state until it answers`,
      );
    }
  }

  /** Every job the controller knows, or null when it cannot be reached. */
  private async readQueue(): Promise<SlurmJobRecord[] | null> {
    this.counters.squeue += 1;
    const result = await this.runner
      .run(['squeue', '--json', '--me'], { timeoutMs: 60_000 })
      .catch((e: unknown) => ({
        code: null,
        stdout: '',
        stderr: errorText(e),
        unreachable: true,
      }));
    const parsed = result.unreachable
      ? { ok: false as const, error: result.stderr.trim() || 'unreachable' }
      : parseSqueueJson(result.stdout);
    if (!parsed.ok) {
      this.noteUnreachable(
        `squeue: ${parsed.error}${result.stderr ? ` (${result.stderr.trim().slice(0, 200)})` : ''}`,
      );
      return null;
    }
    if (this.unreachableSince !== null) {
      this.options.log?.(
        `slurm: the controller answers again after ${Date.now() - this.unreachableSince} ms`,
      );
      this.unreachableSince = null;
    }
    return parsed.jobs;
  }
}
