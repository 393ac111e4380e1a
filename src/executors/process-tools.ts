/**
 * Linux process plumbing for the local executor: reading `/proc`, parsing the accounting file GNU time
 * writes, and signalling whole process groups.
 *
 * Everything here is about *finding out* what a process did after the fact, which is the only way to
 * know it once the engine that spawned it has died: the kernel gives a child's exit status to its
 * parent alone. These helpers never spawn anything and never throw for a process that has vanished
 * (processes vanish all the time): they answer `null` or `false` instead.
 */
import { constants as osConstants } from 'node:os';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** The few fields of `/proc/PID/stat` the executor needs. */
export interface ProcStat {
  pid: number;
  /** One letter: R, S, D, Z (zombie), X (dead), T, ... */
  state: string;
  /** Process group id. */
  pgrp: number;
  /** Field 22: start time in clock ticks after boot. With the pid it names a process uniquely. */
  startTicks: number;
}

/**
 * Parses one `/proc/PID/stat` line. The command name (field 2) may hold spaces and parentheses, so the
 * fields are counted from the *last* `)`.
 *
 * @example
 * parseProcStat('42 (sleep) S 1 42 42 0 -1 4194304 95 0 0 0 0 0 0 0 20 0 1 0 1234 ...')?.startTicks // 1234
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(text, 10);
  // After ") " come fields 3, 4, 5, ...: field n sits at index n - 3.
  const rest = text.slice(close + 2).split(' ');
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTicks = Number(rest[19]);
  if (
    !Number.isInteger(pid) ||
    state === undefined ||
    !Number.isInteger(pgrp) ||
    !Number.isFinite(startTicks)
  ) {
    return null;
  }
  return { pid, state, pgrp, startTicks };
}

/** Reads `/proc/PID/stat` synchronously (one small read: cheap enough for every `start`). */
export function readProcStatSync(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

/** A zombie has exited: it only waits for a parent to reap it (which some container inits never do). */
export function isRunning(stat: ProcStat | null): stat is ProcStat {
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** Whether `pid` still names the very process that started at `startTicks` and has not exited. */
export async function isSameProcessRunning(pid: number, startTicks: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return isRunning(stat) && stat.startTicks === startTicks;
}

/**
 * Whether the attempt process `pid` still runs. With its start time, exactly (pid reuse shows);
 * without (it could not be read at launch), from its stat if readable, else from `kill(pid, 0)`:
 * where `/proc` hides it, a process that exists counts as running.
 */
export async function isAttemptRunning(pid: number, startTicks: number | null): Promise<boolean> {
  if (startTicks !== null) return isSameProcessRunning(pid, startTicks);
  const stat = await readProcStat(pid);
  if (stat) return isRunning(stat);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads at most this many `/proc` files at once: a scan must not run out of file descriptors. */
const PROC_READ_BATCH = 64;

async function listPids(): Promise<number[]> {
  const names = await readdir('/proc');
  const pids: number[] = [];
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code >= 48 && code <= 57) pids.push(Number(name));
  }
  return pids;
}

/**
 * Whether any process of group `pgid` is still running (zombies do not count). `kill(-pgid, 0)` alone
 * cannot tell: it succeeds while zombies remain, and an init that never reaps keeps them forever.
 */
export async function isGroupRunning(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false; // ESRCH: nothing left in the group at all
  }
  const pids = await listPids();
  const stats = await Promise.all(pids.map((pid) => readProcStat(pid)));
  return stats.some((stat) => isRunning(stat) && stat.pgrp === pgid);
}

/** Sends `signal` to every process of group `pgid`. Returns false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Running processes whose environment holds `name=value` exactly. Reads every `/proc/PID/environ` this
 * user may read: meant for the rare re-attach without a handle, never for a hot path.
 */
export async function findProcessesByEnv(name: string, value: string): Promise<ProcStat[]> {
  // Entries are NUL-terminated; padding with NULs makes every whole entry read `\0name=value\0`.
  const needle = Buffer.from(`\0${name}=${value}\0`);
  const pids = await listPids();
  const found: ProcStat[] = [];
  for (let i = 0; i < pids.length; i += PROC_READ_BATCH) {
    const batch = await Promise.all(
      pids.slice(i, i + PROC_READ_BATCH).map(async (pid) => {
        let environ: Buffer;
        try {
          environ = await readFile(`/proc/${pid}/environ`);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // Out of descriptors is not "not this process": the caller must not conclude it is gone.
          if (code === 'EMFILE' || code === 'ENFILE') throw error;
          return null; // gone, or another user's process
        }
        if (!Buffer.concat([NUL, environ, NUL]).includes(needle)) return null;
        const stat = await readProcStat(pid);
        return isRunning(stat) ? stat : null;
      }),
    );
    for (const stat of batch) if (stat) found.push(stat);
  }
  return found;
}

const NUL = Buffer.from([0]);

let bootTimeMsCache: number | null | undefined;

/** Boot time from `/proc/stat` (`btime`, whole seconds), in epoch ms; null when unreadable. */
export function bootTimeMs(): number | null {
  if (bootTimeMsCache !== undefined) return bootTimeMsCache;
  try {
    const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
    bootTimeMsCache = match?.[1] === undefined ? null : Number(match[1]) * 1000;
  } catch {
    bootTimeMsCache = null;
  }
  return bootTimeMsCache;
}

/**
 * Epoch ms at which a process started, from its `startTicks`. Linux reports `/proc` times in USER_HZ,
 * which is 100 on every architecture Node runs on. Accurate to about a second (`btime` is in seconds).
 */
export function processStartedAtMs(startTicks: number): number | null {
  const boot = bootTimeMs();
  return boot === null ? null : boot + startTicks * 10;
}

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(osConstants.signals).map(([name, num]) => [num, name] as const),
);

/** `9` → `'SIGKILL'`; unknown numbers come back as `'SIG<n>'`. */
export function signalName(num: number): string {
  return SIGNAL_NAMES.get(num) ?? `SIG${num}`;
}

/**
 * The `-f` format given to GNU time. `%x` is the exit status (0 when killed by a signal: the signal is
 * only in the line GNU time writes before it), `%U`/`%S` user and system CPU seconds, `%M` peak RSS in
 * KiB, `%e` wall seconds.
 */
export const GNU_TIME_FORMAT = 'strata-rusage exit=%x user=%U sys=%S maxrss_kib=%M wall=%e';

/** What a finished process did, as GNU time recorded it. */
export interface RusageRecord {
  /** Null when a signal killed it. */
  exitCode: number | null;
  signal: string | null;
  cpuTimeMs: number;
  peakRssBytes: number;
  wallMs: number;
}

/**
 * Parses the file GNU time writes with {@link GNU_TIME_FORMAT}. What GNU time writes (checked with
 * GNU time 1.9):
 * - exit 0: the format line alone;
 * - non-zero exit: `Command exited with non-zero status 3`, then the line with `exit=3`;
 * - killed by a signal: `Command terminated by signal 9`, then the line with `exit=0`;
 * - command not found: the line with `exit=127` (126: not executable); the reason goes to stderr.
 * An empty file (GNU time creates it at start and fills it at the end) or a foreign one gives null.
 *
 * @example
 * parseRusage('Command terminated by signal 9\nstrata-rusage exit=0 user=0.01 sys=0.00 maxrss_kib=1500 wall=2.00\n')
 * // { exitCode: null, signal: 'SIGKILL', cpuTimeMs: 10, peakRssBytes: 1536000, wallMs: 2000 }
 */
export function parseRusage(text: string): RusageRecord | null {
  const line =
    /^strata-rusage exit=(\d+) user=([\d.]+) sys=([\d.]+) maxrss_kib=(\d+) wall=([\d.]+)\s*$/m.exec(text);
  if (!line) return null;
  const [, exit, user, sys, rss, wall] = line;
  const signalMatch = /^Command terminated by signal (\d+)\s*$/m.exec(text);
  const signalNum = signalMatch?.[1] === undefined ? null : Number(signalMatch[1]);
  return {
    exitCode: signalNum === null ? Number(exit) : null,
    signal: signalNum === null ? null : signalName(signalNum),
    cpuTimeMs: Math.round((Number(user) + Number(sys)) * 1000),
    peakRssBytes: Number(rss) * 1024,
    wallMs: Math.round(Number(wall) * 1000),
  };
}

/**
 * What GNU time wrote on the attempt's stderr when it could not exec the command —
 * `<time>: cannot run <cmd>: <reason>` (then it exits 127 when not found, 126 when not executable)
 * — as a message, or null when it says no such thing.
 *
 * @example
 * gnuTimeExecFailureText('/usr/bin/time: cannot run nope: No such file or directory\n', 'nope'); // 'command not found: nope'
 */
export function gnuTimeExecFailureText(stderr: string, command: string): string | null {
  const marker = `cannot run ${command}: `;
  const at = stderr.indexOf(marker);
  if (at < 0) return null;
  const reason = stderr.slice(at + marker.length).split('\n')[0] ?? '';
  return /no such file/i.test(reason) ? `command not found: ${command}` : `cannot run ${command}: ${reason}`;
}
