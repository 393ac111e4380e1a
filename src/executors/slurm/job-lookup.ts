/**
 * How the Slurm executor finds an attempt's job again: by the handle of its `started` event, or —
 * when that handle was never recorded, or sbatch's answer was lost — by the comment every job
 * carries (`batchComment`: the submission's token and the attempt ids).
 */
import { parseHandleJson } from '../executor.js';
import { encodeAttemptId, parseBatchComment } from './batch-script.js';
import type { SlurmJobRecord } from './slurm-records.js';

/** The JSON of `started.handle`. */
export interface SlurmHandle {
  slurmJob: string;
  logDir: string;
}

export function parseHandle(handle: string | null): SlurmHandle | null {
  return parseHandleJson<SlurmHandle>(handle, (value) =>
    typeof value.slurmJob === 'string' &&
    /^\d+(_\d+)?$/.test(value.slurmJob) &&
    typeof value.logDir === 'string'
      ? { slurmJob: value.slurmJob, logDir: value.logDir }
      : null,
  );
}

/** The job (or array element) whose comment names this attempt. */
export function findByAttempt(jobs: readonly SlurmJobRecord[], attemptId: string): string | null {
  const encoded = encodeAttemptId(attemptId);
  for (const job of jobs) {
    const comment = parseBatchComment(job.comment);
    const k = comment?.attemptIds.indexOf(encoded) ?? -1;
    if (!comment || k < 0) continue;
    const arrayId = job.key.split('_')[0]!;
    return comment.attemptIds.length > 1 ? `${arrayId}_${k}` : job.key;
  }
  return null;
}

/** The job id of the submission with this token (the array's id for an array). */
export function findByToken(jobs: readonly SlurmJobRecord[], token: string): string | null {
  for (const job of jobs) {
    if (parseBatchComment(job.comment)?.token === token) return job.key.split('_')[0]!;
  }
  return null;
}
