/** Runs the built `strata` CLI as a separate process (test helper). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export type RunningCli = ChildProcess & { result: Promise<CliResult>; output(): string };

export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    // No token or config file of the user running the tests: each test gives its own.
    env: {
      ...process.env,
      STRATA_DB: '',
      STRATA_SERVER: '',
      STRATA_TOKEN: '',
      XDG_CONFIG_HOME: join(cwd, '.no-config'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return Object.assign(child, { result, output: () => stdout + stderr });
}

/** Waits until a `strata server` process says where it listens; returns that URL. */
export async function serverUrlOf(server: RunningCli): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const url = /listening on (https?:\/\/\S+)/.exec(server.output())?.[1];
    if (url) return url;
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`strata server did not start listening:\n${server.output()}`);
}

/** Makes a token with `strata token create --json` on the store of `cwd` (or `args`); returns it. */
export async function createToken(
  cwd: string,
  role: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const res = await runCli([...args, 'token', 'create', '--role', role, '--json'], cwd, env);
  if (res.code !== 0) throw new Error(`strata token create failed: ${res.stderr}`);
  return (JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { token: string }).token;
}

export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, cwd, env).result;
}
