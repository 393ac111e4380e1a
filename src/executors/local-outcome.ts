/**
 * How the local executor learns how an attempt ended: from the exit the kernel reported to it, or —
 * when the engine that spawned it is gone, or to add CPU time and peak memory — from the record GNU
 * time left in `<logDir>/rusage`.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptOutcome } from '../model/index.js';
import { gnuTimeExecFailureText, parseRusage, type RusageRecord } from './process-tools.js';

/**
 * The GNU time record of an attempt, or null when there is none (yet). Read synchronously: a file of
 * about 100 bytes that was just written costs three quick syscalls, far less than the four thread-pool
 * round trips of an asynchronous read (and this runs once per attempt).
 */
export function readRusage(logDir: string): RusageRecord | null {
  try {
    return parseRusage(readFileSync(join(logDir, 'rusage'), 'utf8'));
  } catch {
    return null;
  }
}

/** The record with the time it was written: when the attempt ended, if nobody was watching it. */
export async function readRusageFile(
  logDir: string,
): Promise<{ rusage: RusageRecord; mtimeMs: number } | null> {
  const path = join(logDir, 'rusage');
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const rusage = parseRusage(text);
    return rusage ? { rusage, mtimeMs: Math.round(info.mtimeMs) } : null;
  } catch {
    return null;
  }
}

/**
 * GNU time reports a command it could not exec on its stderr (the attempt's `stderr.log`) as
 * `<time>: cannot run <cmd>: <reason>`, then exits 127 (not found) or 126 (not executable).
 */
export async function gnuTimeExecFailure(logDir: string, command: string): Promise<string | null> {
  let text: string;
  try {
    text = (await readFile(join(logDir, 'stderr.log'), 'utf8')).slice(0, 4096);
  } catch {
    return null;
  }
  return gnuTimeExecFailureText(text, command);
}

/**
 * How an exited attempt ended. Killed by SIGKILL (not by Strata: cancels and timeouts are handled
 * before this) after reaching at least the memory it asked for: taken as out of memory — the
 * kernel's OOM killer sends SIGKILL — so that the engine retries it asking for more.
 */
export function exitOutcome(
  exit: { exitCode: number | null; signal: string | null },
  startedAt: number | null,
  endedAt: number,
  rusage: RusageRecord | null,
  memoryBytes = 0,
): AttemptOutcome {
  const succeeded = exit.exitCode === 0 && exit.signal === null;
  const outcome: AttemptOutcome = {
    status: succeeded ? 'succeeded' : 'failed',
    exitCode: exit.signal === null ? exit.exitCode : null,
    signal: exit.signal,
    startedAt,
    endedAt,
    cpuTimeMs: rusage?.cpuTimeMs ?? null,
    peakRssBytes: rusage?.peakRssBytes ?? null,
  };
  if (!succeeded) {
    outcome.message =
      exit.signal !== null ? `killed by signal ${exit.signal}` : `exited with code ${exit.exitCode}`;
    const peak = outcome.peakRssBytes;
    if (exit.signal === 'SIGKILL' && memoryBytes > 0 && peak !== null && peak >= memoryBytes) {
      outcome.outOfMemory = true;
      outcome.message = `killed by SIGKILL after using ${peak} bytes, its request ${memoryBytes}: out of memory`;
    }
  }
  return outcome;
}
