/**
 * The outcome of an attempt whose Slurm job ended: Slurm's record, corrected by what GNU time wrote
 * on the compute node (Slurm only sees time's own exit code), and, for a job that failed to start
 * its command, the reason the batch script or GNU time left in the log directory.
 */
import { constants } from 'node:os';
import type { AttemptOutcome } from '../../model/index.js';
import type { LaunchRequest } from '../executor.js';
import { gnuTimeExecFailureText, parseRusage } from '../process-tools.js';
import { LAUNCH_ERROR_FILE, RUSAGE_FILE, STDERR_FILE } from './batch-script.js';
import type { CommandRunner } from './command-runner.js';
import { baseState, outcomeOf, type SlurmJobRecord, type StopIntent } from './slurm-records.js';

/** `attempt.stop` is read once GNU time's record is in: the stop Strata asked for, if any. */
export async function jobOutcome(
  runner: CommandRunner,
  attempt: { req: LaunchRequest; stop: StopIntent | null },
  record: SlurmJobRecord,
): Promise<AttemptOutcome> {
  // GNU time's record (when the command ran under it): CPU time and peak memory, and — for a job
  // that ended by itself — the command's own exit status or signal (Slurm saw time's exit code).
  const rusage = parseRusage((await runner.readFile(`${attempt.req.logDir}/${RUSAGE_FILE}`, 4096)) ?? '');
  const state = baseState(record.state);
  const ownEnd = rusage !== null && attempt.stop === null && (state === 'COMPLETED' || state === 'FAILED');
  const outcome = outcomeOf(
    ownEnd
      ? {
          ...record,
          state: rusage.exitCode === 0 && rusage.signal === null ? 'COMPLETED' : 'FAILED',
          exit: rusage.signal
            ? {
                code: 0,
                signal: constants.signals[rusage.signal as keyof typeof constants.signals] ?? null,
              }
            : { code: rusage.exitCode, signal: null },
        }
      : record,
    attempt.stop,
    Date.now(),
  );
  if (rusage) {
    outcome.cpuTimeMs = rusage.cpuTimeMs;
    outcome.peakRssBytes = rusage.peakRssBytes;
  }
  if (outcome.status === 'failed' && outcome.exitCode !== null && outcome.exitCode !== 0) {
    outcome.message = (await launchProblem(runner, attempt.req, outcome.exitCode)) ?? outcome.message;
  }
  return outcome;
}

/** Why the script could not start the command, when that is why it failed. */
async function launchProblem(
  runner: CommandRunner,
  req: LaunchRequest,
  code: number,
): Promise<string | null> {
  const { logDir, command } = req;
  const marker = await runner.readFile(`${logDir}/${LAUNCH_ERROR_FILE}`, 4096);
  if (marker) return marker.trim();
  if ((code === 127 || code === 126) && 'argv' in command) {
    const program = command.argv[0] ?? '';
    const stderr = (await runner.readFile(`${logDir}/${STDERR_FILE}`, 4096)) ?? '';
    // GNU time: `cannot run <program>: <reason>`; the shell (no GNU time): `<program>: not found`.
    const viaTime = gnuTimeExecFailureText(stderr, program);
    if (viaTime) return viaTime;
    if (/not found/i.test(stderr)) return `command not found: ${program}`;
  }
  return null;
}
