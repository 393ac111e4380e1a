/**
 * What the answers of Slurm's commands mean for the executor. A controller that cannot be reached
 * is no news (the executor waits and asks again), never a failure of the job; and an sbatch whose
 * answer was lost may still have submitted the job.
 */
import type { CommandResult } from './command-runner.js';

const TRANSIENT =
  /unable to contact slurm controller|socket timed out|zero bytes were transmitted|resource temporarily unavailable|connection refused|communication connection failure|temporarily unable|slurm_persist_conn|timed out/i;

/** Whether a command's message says the controller could not be reached now. */
export function isTransient(message: string): boolean {
  return TRANSIENT.test(message);
}

export type SbatchAnswer =
  | { kind: 'submitted'; jobId: string }
  /** No answer to act on: submit again later, after looking for the job when `uncertain`. */
  | { kind: 'unanswered'; why: string; uncertain: boolean }
  | { kind: 'refused'; why: string };

/** Reads what `sbatch --parsable` answered. */
export function readSbatchAnswer(result: CommandResult): SbatchAnswer {
  const jobId = result.code === 0 ? /^(\d+)(?:;\S*)?\s*$/.exec(result.stdout)?.[1] : undefined;
  if (jobId !== undefined) return { kind: 'submitted', jobId };
  const why = (result.stderr || result.stdout).trim().replace(/\s+/g, ' ').slice(0, 500);
  if (result.unreachable || result.code === null || TRANSIENT.test(why)) {
    // Whether it reached the controller is unknown when the answer is what got lost.
    const uncertain = result.code === null || !/connect failure|connection refused/i.test(why);
    return { kind: 'unanswered', why, uncertain };
  }
  return { kind: 'refused', why: why || `exit ${String(result.code)}` };
}
