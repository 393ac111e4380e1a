/**
 * How the local executor turns a request into a process: what to exec, with which environment and
 * log files, what the `started` handle records, and why a launch failed. Kept apart from the
 * executor's bookkeeping so that `start` reads as the sequence of its few system calls.
 */
import { accessSync, closeSync, constants as fsConstants, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorText, parseHandleJson, type LaunchRequest } from './executor.js';
import { GNU_TIME_FORMAT } from './process-tools.js';

/** The JSON carried by `started.handle`: enough to find the process again and tell it from pid reuse. */
export interface LocalHandle {
  pid: number;
  /** `/proc/PID/stat` field 22; null where unreadable (then the pid alone is never trusted). */
  startTicks: number | null;
  startedAt: number;
  logDir: string;
  /** The host it runs on (absent in handles written before hosts were recorded: taken as this one). */
  host?: string;
}

export function parseHandle(handle: string | null): LocalHandle | null {
  return parseHandleJson<LocalHandle>(handle, (value) =>
    Number.isInteger(value.pid) &&
    (value.pid ?? 0) > 0 &&
    (value.startTicks === null || typeof value.startTicks === 'number') &&
    typeof value.startedAt === 'number' &&
    typeof value.logDir === 'string' &&
    (value.host === undefined || typeof value.host === 'string')
      ? (value as LocalHandle)
      : null,
  );
}

/** What to exec, without GNU time; a string is why it cannot be run. */
export function commandLine(req: LaunchRequest): { file: string; args: string[] } | string {
  if ('shell' in req.command) return { file: '/bin/sh', args: ['-c', req.command.shell] };
  const [file, ...args] = req.command.argv;
  if (file === undefined || file === '') return 'empty command: argv has no program to run';
  return { file, args };
}

/** What to spawn: the command itself, or GNU time around it writing `<logDir>/rusage`. */
export function spawnLine(
  target: { file: string; args: string[] },
  gnuTime: string | null,
  logDir: string,
): [string, string[]] {
  return gnuTime
    ? [gnuTime, ['-f', GNU_TIME_FORMAT, '-o', join(logDir, 'rusage'), '--', target.file, ...target.args]]
    : [target.file, target.args];
}

/**
 * The attempt's environment: the request's (the task's whole environment, model/task-env.ts), then
 * Strata's own variables (which win). Nothing of the executor's own process environment.
 */
export function attemptEnv(req: LaunchRequest): Record<string, string> {
  return {
    ...req.env,
    STRATA_ATTEMPT_ID: req.attemptId,
    STRATA_WORKFLOW_ID: req.workflowId,
    STRATA_TASK: req.taskName,
    STRATA_ATTEMPT: String(req.attempt),
    // Empty when no GPU was given, so that a task cannot grab one behind the scheduler's back.
    CUDA_VISIBLE_DEVICES: req.gpuIds.join(','),
  };
}

/** Mode of the attempt's directory and of the files in it: the owner's alone (docs/security.md). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the log directory (0700) and opens (truncating) both log files (0600); returns their fds.
 * With GNU time, its `rusage` file is made 0600 first (time would create it with the umask's mode).
 */
export function openLogFiles(
  logDir: string,
  stdoutPath: string,
  stderrPath: string,
  gnuTime: string | null,
): [number, number] {
  mkdirSync(logDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (gnuTime) closeSync(openSync(join(logDir, 'rusage'), 'w', PRIVATE_FILE_MODE));
  const out = openSync(stdoutPath, 'w', PRIVATE_FILE_MODE);
  try {
    return [out, openSync(stderrPath, 'w', PRIVATE_FILE_MODE)];
  } catch (error) {
    closeQuietly(out);
    throw error;
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

/**
 * Why a spawn failed, in words naming what the task can fix. The working directory is checked first:
 * Node reports a missing `cwd` as ENOENT, the same code as a missing command.
 */
export function describeSpawnError(
  error: unknown,
  req: LaunchRequest,
  command: string,
  gnuTime: string | null,
): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const workdirProblem = checkDirectory(req.workdir);
  if (workdirProblem) return workdirProblem;
  if (gnuTime) return `cannot run ${gnuTime}: ${errorText(error)}`;
  if (code === 'ENOENT') return `command not found: ${command}`;
  if (code === 'EACCES') return `permission denied: ${command}`;
  return `cannot start ${command}: ${errorText(error)}`;
}

/** Why `dir` cannot be a working directory, or null when it can. */
function checkDirectory(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return `working directory is not a directory: ${dir}`;
    accessSync(dir, fsConstants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `working directory does not exist: ${dir}`;
    return `working directory is not usable: ${dir} (${errorText(error)})`;
  }
}
