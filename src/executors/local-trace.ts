/**
 * The trace a local attempt leaves, and how an engine that did not launch it finds it again.
 *
 * The engine may die at any moment between committing an attempt and committing its handle, while
 * the attempt's process lives on (it leads its own session). So the attempt leaves a durable trace
 * in its log directory, in order:
 * 1. `stdout.log` and `stderr.log`, created before the spawn: without them the attempt never ran;
 * 2. `pid`, written right after the spawn, before `started` is reported: the process (pid, start
 *    time in clock ticks, host), exactly what the handle says;
 * 3. `rusage`, written by GNU time when the command ends: how it ended.
 * Between 1 and 2 (microseconds) only the environment tells: every process of the attempt carries
 * `STRATA_ATTEMPT_ID`, and `/proc` is searched for it.
 *
 * An attempt on another host cannot be watched from here: it is judged by its `rusage` record alone
 * (visible when the state directory is shared), and the engine only adopts it once the lease of the
 * engine that launched it has expired.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LaunchRequest } from './executor.js';
import { parseHandle, type LocalHandle } from './local-launch.js';
import { readRusageFile } from './local-outcome.js';
import { findProcessesByEnv, isAttemptRunning, processStartedAtMs } from './process-tools.js';

const TRACE_FILE = 'pid';

/** Writes `<logDir>/pid` (the handle of the attempt just spawned). A failure only loses the trace. */
export function writeLaunchTrace(handle: LocalHandle): void {
  try {
    writeFileSync(join(handle.logDir, TRACE_FILE), JSON.stringify(handle), { mode: 0o600 });
  } catch {
    // The log directory was just written to; if this fails, the environment search remains.
  }
}

/** The handle the attempt's `pid` file records, or null. */
export function readLaunchTrace(logDir: string): LocalHandle | null {
  try {
    return parseHandle(readFileSync(join(logDir, TRACE_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** Where an attempt's processes are, when found running. */
export interface FoundAttempt {
  pid: number;
  pgid: number;
  startTicks: number | null;
  startedAt: number | null;
}

/**
 * Finds an attempt launched by an earlier engine: from its handle, else from its trace, else (the
 * engine died between spawn and trace) from the environment of the processes running. Null when no
 * process of it runs on this host.
 */
export async function findAttempt(
  req: LaunchRequest,
  known: LocalHandle | null,
  logDir: string,
): Promise<FoundAttempt | null> {
  if (known) {
    if (known.host !== undefined && known.host !== hostname()) return null;
    if (!(await isAttemptRunning(known.pid, known.startTicks))) return null;
    return { pid: known.pid, pgid: known.pid, startTicks: known.startTicks, startedAt: known.startedAt };
  }
  // Its log files are made before the spawn: without them, it never ran.
  if (!existsSync(join(logDir, 'stdout.log'))) return null;
  // The group leader is the attempt. Without it, a record means the attempt ended (what survives was
  // left behind on purpose, `cmd &`); with no record, the oldest survivor is followed.
  const procs = await findProcessesByEnv('STRATA_ATTEMPT_ID', req.attemptId);
  procs.sort((a, b) => a.startTicks - b.startTicks);
  const leader =
    procs.find((p) => p.pid === p.pgrp) ?? ((await readRusageFile(logDir)) ? undefined : procs[0]);
  if (!leader) return null;
  return {
    pid: leader.pid,
    pgid: leader.pgrp,
    startTicks: leader.startTicks,
    startedAt: processStartedAtMs(leader.startTicks),
  };
}

/** The handle the engine recorded, or the trace the attempt left when it recorded none. */
export function knownHandle(handle: string | null, logDir: string): LocalHandle | null {
  return parseHandle(handle) ?? readLaunchTrace(logDir);
}
