/**
 * Checks what a task promised after its command exited 0: declared outputs exist (and are non-empty
 * when asked), stdout matches a pattern, a validator command agrees. A failed check turns the
 * attempt into a failure, which the retry policy then handles like any other.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TaskSpec } from '../model/index.js';
import { compileUserRegex } from '../spec/regex.js';
import { readTail } from './read-tail.js';

/**
 * How much of the end of stdout a `stdout` pattern is matched against. The match is linear (RE2),
 * so this bounds the time one check holds the event loop: a few milliseconds a mebibyte.
 */
export const STDOUT_LIMIT_BYTES = 1024 * 1024;
const VALIDATOR_TIMEOUT_MS = 120_000;

export function needsValidation(spec: TaskSpec): boolean {
  const v = spec.validate;
  return (
    ((v.outputsExist || v.outputsNonEmpty) && spec.outputs.length > 0) ||
    v.stdoutMatches !== undefined ||
    v.command !== undefined
  );
}

/**
 * Returns null when valid, else a message saying what is wrong. `env` is the task's environment
 * (the attempt's `LaunchRequest.env`): the validator command runs with it.
 */
export async function validateAttempt(
  spec: TaskSpec,
  workdir: string,
  stdoutPath: string | null,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  const v = spec.validate;
  if (v.outputsExist || v.outputsNonEmpty) {
    for (const output of spec.outputs) {
      const path = resolve(workdir, output);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch {
        return `validation failed: declared output ${output} was not written (looked for ${path})`;
      }
      if (v.outputsNonEmpty && size === 0) return `validation failed: declared output ${output} is empty`;
    }
  }
  if (v.stdoutMatches !== undefined) {
    // Compiled again here: a workflow stored before patterns were checked with RE2 may hold one
    // that RE2 refuses, and it must fail the check, never fall back to a backtracking engine.
    const compiled = compileUserRegex(v.stdoutMatches);
    if (!compiled.ok) {
      return `validation failed: stdout pattern /${v.stdoutMatches}/ cannot be used: ${compiled.reason}`;
    }
    const text = stdoutPath ? await readTail(stdoutPath, STDOUT_LIMIT_BYTES) : '';
    if (!compiled.regex.test(text)) {
      return `validation failed: stdout does not match /${v.stdoutMatches}/`;
    }
  }
  if (v.command !== undefined) {
    const code = await runValidator(v.command, workdir, env);
    if (code !== 0) return `validation failed: validator command exited with ${code}`;
  }
  return null;
}

function runValidator(
  command: TaskSpec['command'],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number | string> {
  const [file, ...args] = 'shell' in command ? ['/bin/sh', '-c', command.shell] : command.argv;
  return new Promise((resolvePromise) => {
    const child = spawn(file ?? 'false', args, { cwd, env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), VALIDATOR_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolvePromise(`an error (${e.message})`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise(code ?? `signal ${signal}`);
    });
  });
}
