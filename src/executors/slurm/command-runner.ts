/**
 * The command layer of the Slurm executor: how `sbatch`, `squeue`, `scancel`, `sacct` and friends
 * are run, here (`LocalCommandRunner`) or on a cluster's login node over SSH (`SshCommandRunner`).
 *
 * Commands are argv arrays from end to end. The local runner execs them without a shell. The SSH
 * runner has to hand the remote side one command line (that is how SSH works): it builds it with
 * `shellCommandLine`, which single-quotes every argument, so that nothing in a task's name, argument
 * or environment value is ever interpreted by the remote shell.
 *
 * It must never build a shell string from user data by concatenation, and never throw for a
 * command that ran and failed: a non-zero exit is a result (`code`), only a runner that could not
 * start the command at all rejects.
 *
 * @example
 * const runner = new SshCommandRunner({ host: 'login.hpc.example.org', user: 'alice' });
 * const { code, stdout } = await runner.run(['squeue', '--json']);
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { shellCommandLine } from './shell-quote.js';

export interface CommandResult {
  /** Exit code; null when the command was killed (by the runner's timeout, or a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command never reached the other side (ssh exit 255: no connection, refused key, ...). */
  unreachable?: boolean;
}

export interface RunOptions {
  /** Written to the command's standard input (then closed). */
  stdin?: string;
  /** Kills the command after this long (default: the runner's). */
  timeoutMs?: number;
}

export interface CommandRunner {
  /** Where commands run, for messages: `local`, `ssh alice@login1`. */
  readonly where: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** A file on the side where jobs run (for the job completion log and launch errors); null if absent. */
  readFile(path: string, maxBytes?: number): Promise<string | null>;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Runs `file args...` without a shell and collects its output (a test seam: `spawnArgv`). */
export function spawnArgv(
  argv: readonly string[],
  options: RunOptions & { env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that does not read its stdin closes the pipe early: that is not an error here.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs commands on this machine (the submit host is the login node, or is inside the cluster). */
export class LocalCommandRunner implements CommandRunner {
  readonly where = 'local';
  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return spawnArgv(argv, { timeoutMs: this.timeoutMs, ...options });
  }

  async readFile(path: string, maxBytes = 1 << 20): Promise<string | null> {
    try {
      const text = await readFile(path, 'utf8');
      return text.length > maxBytes ? text.slice(-maxBytes) : text;
    } catch {
      return null;
    }
  }
}

export interface SshOptions {
  /** The login node: a host name or address (never starting with '-'). */
  host: string;
  user?: string;
  port?: number;
  /** Private key file (`ssh -i`). */
  identity?: string;
  /** Extra `-o` options, e.g. `['ControlMaster=auto', 'ControlPersist=60', 'ControlPath=~/.ssh/cm-%r@%h:%p']`. */
  options?: readonly string[];
  /** The ssh program (default `ssh`, found on PATH). */
  ssh?: string;
  timeoutMs?: number;
}

/** Why an SSH setting cannot be used, or null when it can (also used by the platform parser). */
export function sshOptionProblem(options: SshOptions): string | null {
  // A host or user starting with '-' would be read by ssh as an option (`-oProxyCommand=...`).
  if (!/^[A-Za-z0-9_][A-Za-z0-9._:-]*$/.test(options.host)) {
    return `ssh host ${JSON.stringify(options.host)} is not a host name or address`;
  }
  if (options.user !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(options.user)) {
    return `ssh user ${JSON.stringify(options.user)} is not a user name`;
  }
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)
  ) {
    return `ssh port ${String(options.port)} is not a TCP port (1-65535)`;
  }
  for (const option of options.options ?? []) {
    if (!/^[A-Za-z]+[ =]/.test(option) || option.includes('\n')) {
      return `ssh option ${JSON.stringify(option)} is not of the form Name=value`;
    }
  }
  return null;
}

/**
 * Runs commands on a login node over SSH, in batch mode (never a password prompt). The remote side
 * receives one command line in which every argument is single-quoted.
 */
export class SshCommandRunner implements CommandRunner {
  readonly where: string;
  private readonly prefix: string[];
  private readonly timeoutMs: number;

  constructor(options: SshOptions) {
    const problem = sshOptionProblem(options);
    if (problem) throw new Error(problem);
    const destination = options.user ? `${options.user}@${options.host}` : options.host;
    this.where = `ssh ${destination}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.prefix = [
      options.ssh ?? 'ssh',
      '-o',
      'BatchMode=yes',
      ...(options.port !== undefined ? ['-p', String(options.port)] : []),
      ...(options.identity !== undefined ? ['-i', options.identity] : []),
      ...(options.options ?? []).flatMap((o) => ['-o', o]),
      '--',
      destination,
    ];
  }

  /** The local argv that runs `argv` remotely (exposed for tests and `--dry-run` style messages). */
  argvFor(argv: readonly string[]): string[] {
    return [...this.prefix, shellCommandLine(argv)];
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const result = await spawnArgv(this.argvFor(argv), { timeoutMs: this.timeoutMs, ...options });
    // ssh exits 255 for its own errors; the remote command's code otherwise.
    return result.code === 255 ? { ...result, unreachable: true } : result;
  }

  async readFile(path: string, maxBytes = 1 << 20): Promise<string | null> {
    const result = await this.run(['tail', '-c', String(maxBytes), '--', path]);
    return result.code === 0 ? result.stdout : null;
  }
}
