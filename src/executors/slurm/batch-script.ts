/**
 * What Strata hands to `sbatch`: the batch script (on standard input) and the command line. One
 * submission carries one attempt, or several of the same shape as a job array (`--array=0-N`), each
 * array index running one attempt.
 *
 * The script is the only shell text Strata writes, and every value in it — log directory, working
 * directory, environment values, argv, the shell string of a `{ shell }` command — goes through
 * `shellQuote`: a task's name, arguments or environment can never inject a command. The job name
 * is sanitised as well (Slurm shows it to everyone), and the comment carries Strata's ids encoded.
 * The job is submitted with `--export=NONE`: it sees the environment the script sets (the task's,
 * see model/task-env.ts) and Slurm's own variables, never the submitting server's.
 *
 * Pure: builds text and argv, never runs anything.
 *
 * @example
 * const script = batchScript([request]);
 * const argv = sbatchArgv({ name: jobName([request]), comment: batchComment('k3x9', [request]), ... });
 */
import type { LaunchRequest } from '../executor.js';
import { GNU_TIME_FORMAT } from '../process-tools.js';
import { isShellVariableName, shellQuote } from './shell-quote.js';

/** Files an attempt writes in its `logDir` (the engine reads the first two as its logs). */
export const STDOUT_FILE = 'stdout.log';
export const STDERR_FILE = 'stderr.log';
/** Written by the script when it cannot start the command (e.g. the working directory is missing). */
export const LAUNCH_ERROR_FILE = 'strata-launch-error';
/** Exit code of the script when the attempt's log directory cannot be made. */
export const NO_LOG_DIR_EXIT = 70;
/** Where GNU time writes the attempt's CPU time, peak memory and exit status (`parseRusage`). */
export const RUSAGE_FILE = 'rusage';
/** GNU time, where the compute node has it (the script checks; without it the command runs bare). */
export const DEFAULT_GNU_TIME = '/usr/bin/time';

/** Why this request cannot be submitted as it is, or null when it can. */
export function requestProblem(req: LaunchRequest): string | null {
  if ('argv' in req.command) {
    const [file] = req.command.argv;
    if (file === undefined || file === '') return 'empty command: argv has no program to run';
    if (req.command.argv.some((a) => a.includes('\0'))) return 'an argument contains a NUL byte';
  } else if (req.command.shell.includes('\0')) {
    return 'the shell command contains a NUL byte';
  }
  for (const [name, value] of Object.entries(req.env)) {
    if (!isShellVariableName(name)) {
      return `environment variable name ${JSON.stringify(name)} cannot be exported by a POSIX shell`;
    }
    if (value.includes('\0')) return `environment variable ${name} contains a NUL byte`;
  }
  if (req.workdir.includes('\0') || req.logDir.includes('\0')) return 'a path contains a NUL byte';
  return null;
}

/** The lines that run one attempt (inside its `case` arm). */
function attemptLines(req: LaunchRequest, gnuTime: string | null): string[] {
  const q = shellQuote;
  const log = (file: string) => q(`${req.logDir}/${file}`);
  const env: Record<string, string> = {
    ...req.env,
    // Strata's own variables win over the task's, as with the local executor.
    STRATA_ATTEMPT_ID: req.attemptId,
    STRATA_WORKFLOW_ID: req.workflowId,
    STRATA_TASK: req.taskName,
    STRATA_ATTEMPT: String(req.attempt),
  };
  const command =
    'argv' in req.command ? req.command.argv.map(q).join(' ') : `/bin/sh -c ${q(req.command.shell)}`;
  return [
    // The attempt's folder and files are the owner's alone (0700/0600); the command gets the umask back.
    'strata_umask=$(umask); umask 077',
    `mkdir -p -- ${q(req.logDir)} || exit ${NO_LOG_DIR_EXIT}`,
    `exec >${log(STDOUT_FILE)} 2>${log(STDERR_FILE)} || exit ${NO_LOG_DIR_EXIT}`,
    ...(gnuTime ? [`if [ -x ${q(gnuTime)} ]; then : >${log(RUSAGE_FILE)}; fi`] : []),
    `if ! cd -- ${q(req.workdir)} 2>/dev/null; then`,
    `  if [ -d ${q(req.workdir)} ]; then m='working directory is not usable: '; else m='working directory does not exist: '; fi`,
    `  printf '%s%s\\n' "$m" ${q(req.workdir)} >${log(LAUNCH_ERROR_FILE)}`,
    '  exit 1',
    'fi',
    'umask "$strata_umask"',
    ...Object.entries(env).map(([name, value]) => `${name}=${q(value)}; export ${name}`),
    // The job was submitted with --export=NONE, which `srun` inside it would inherit: its steps
    // get the task's environment (set above) instead of none.
    'SLURM_EXPORT_ENV=ALL; export SLURM_EXPORT_ENV',
    // Under GNU time where the node has it: CPU time and peak memory (and the command's own exit
    // status or signal, which Slurm then sees as time's exit code) go to the rusage file.
    ...(gnuTime
      ? [
          `if [ -x ${q(gnuTime)} ]; then exec ${q(gnuTime)} -f ${q(GNU_TIME_FORMAT)} -o ${log(RUSAGE_FILE)} -- ${command}; fi`,
        ]
      : []),
    // exec: the command is the job's process, so Slurm sees its own exit code or signal.
    `exec ${command}`,
  ];
}

/**
 * The batch script for one or more attempts; array index `k` runs `reqs[k]`. `gnuTime`: the GNU
 * time binary to run each command under when the node has it (default `/usr/bin/time`; null: never).
 */
export function batchScript(
  reqs: readonly LaunchRequest[],
  gnuTime: string | null = DEFAULT_GNU_TIME,
): string {
  const arms = reqs.flatMap((req, k) => [
    `${k})`,
    ...attemptLines(req, gnuTime).map((l) => `  ${l}`),
    '  ;;',
  ]);
  return [
    '#!/bin/sh',
    `# Written by Strata's Slurm executor: ${reqs.length} attempt(s), one per array index.`,
    'case "${SLURM_ARRAY_TASK_ID:-0}" in',
    ...arms,
    'esac',
    'echo "strata: no attempt for array index ${SLURM_ARRAY_TASK_ID:-0}" >&2',
    `exit ${NO_LOG_DIR_EXIT}`,
    '',
  ].join('\n');
}

/** A job name Slurm and every terminal can show: `strata.<task>`, safe characters only. */
export function jobName(reqs: readonly LaunchRequest[]): string {
  const names = reqs.map((r) => r.taskName);
  let base = names[0] ?? 'task';
  if (names.length > 1) {
    // A foreach family (`align[0]`, `align[1]`, ...) is named after its common prefix.
    let prefix = base;
    for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
    base = `${prefix.replace(/[[(._-]+$/, '') || 'tasks'}[${names.length}]`;
  }
  return `strata.${base.replace(/[^A-Za-z0-9._-]/g, '_')}`.slice(0, 128);
}

/** `%XX`-encodes what would break the comment's syntax (spaces, commas, control characters...). */
function encodeId(id: string): string {
  return id.replace(/[^A-Za-z0-9._:/-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
  );
}

/** Slurm refuses a job comment longer than this (ESLURM_PATHNAME_TOO_LONG). */
export const MAX_COMMENT_LENGTH = 1024;

/** The longest prefix all ids share that ends with `/` (the workflow id, for the engine's ids). */
function sharedPrefix(ids: readonly string[]): string {
  let prefix = ids[0] ?? '';
  for (const id of ids) while (!id.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}

/**
 * The job comment: `strata <token> <prefix> <rest>,<rest>,...`, where attempt id k is `prefix +
 * rest k` (ids encoded; the prefix is `-` when empty). The token names the submission: after an
 * sbatch whose answer was lost, the executor finds the job by it instead of submitting twice; a
 * re-attach without handle finds an attempt by its id. Slurm takes at most 1024 characters: the
 * executor splits arrays so that each comment fits (`commentFits`).
 */
export function batchComment(token: string, reqs: readonly LaunchRequest[]): string {
  const ids = reqs.map((r) => r.attemptId);
  const prefix = sharedPrefix(ids);
  const rests = ids.map((id) => encodeId(id.slice(prefix.length)));
  return `strata ${token} ${prefix ? encodeId(prefix) : '-'} ${rests.join(',')}`;
}

export function commentFits(token: string, reqs: readonly LaunchRequest[]): boolean {
  return batchComment(token, reqs).length <= MAX_COMMENT_LENGTH;
}

/**
 * How many of `reqs`, from the first, go in one submission: as many as fit the array's size limit
 * (`max`) and the comment's 1024 characters.
 */
export function batchSize(token: string, reqs: readonly LaunchRequest[], max: number): number {
  let n = Math.min(reqs.length, max);
  while (n > 1 && !commentFits(token, reqs.slice(0, n))) n = Math.ceil(n / 2);
  return n;
}

/** Reads a comment written by `batchComment`: the token and the (encoded) attempt ids, or null. */
export function parseBatchComment(comment: string): { token: string; attemptIds: string[] } | null {
  const match = /^strata (\S+) (\S+) (\S+)$/.exec(comment);
  if (!match) return null;
  const prefix = match[2] === '-' ? '' : match[2]!;
  return { token: match[1]!, attemptIds: match[3]!.split(',').map((rest) => prefix + rest) };
}

/** The encoded form of an attempt id, as it appears in comments. */
export { encodeId as encodeAttemptId };

export interface SbatchSettings {
  name: string;
  comment: string;
  reqs: readonly LaunchRequest[];
  partition?: string | undefined;
  account?: string | undefined;
  qos?: string | undefined;
  extraArgs?: readonly string[] | undefined;
}

/** Slurm's `--time` in whole minutes: the timeout rounded up, plus one minute of slack. */
export function timeLimitMinutes(timeoutMs: number | undefined): number | null {
  return timeoutMs === undefined ? null : Math.ceil(timeoutMs / 60_000) + 1;
}

/** The `sbatch` command line (the script goes to its standard input). */
export function sbatchArgv(s: SbatchSettings): string[] {
  const first = s.reqs[0];
  if (!first) throw new Error('sbatchArgv: no attempt');
  const { cpus, memoryBytes, gpus } = first.resources;
  const minutes = timeLimitMinutes(first.timeoutMs);
  return [
    'sbatch',
    '--parsable',
    `--job-name=${s.name}`,
    `--comment=${s.comment}`,
    // The script writes each attempt's logs itself (an array's attempts each have their own files).
    '--output=/dev/null',
    '--error=/dev/null',
    // Strata retries (its own policy, with a fresh attempt): Slurm must not rerun a job behind its back.
    '--no-requeue',
    // Not the submitter's environment (the server's: store URL, passwords): the script sets the
    // task's own (model/task-env.ts); Slurm adds its SLURM_* variables.
    '--export=NONE',
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${Math.max(1, Math.ceil(cpus))}`,
    ...(memoryBytes > 0 ? [`--mem=${Math.ceil(memoryBytes / 1048576)}M`] : []),
    ...(gpus > 0 ? [`--gres=gpu:${Math.ceil(gpus)}`] : []),
    ...(minutes !== null ? [`--time=${minutes}`] : []),
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...(s.qos ? [`--qos=${s.qos}`] : []),
    ...(s.reqs.length > 1 ? [`--array=0-${s.reqs.length - 1}`] : []),
    ...(s.extraArgs ?? []),
  ];
}

/** Attempts that may share one job array: same workflow, same resources, same time limit. */
export function shapeKey(req: LaunchRequest): string {
  const { cpus, memoryBytes, gpus } = req.resources;
  return JSON.stringify([req.workflowId, cpus, memoryBytes, gpus, timeLimitMinutes(req.timeoutMs)]);
}
