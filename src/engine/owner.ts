/**
 * Who drives a workflow. Each engine process has an owner id `host:pid:start` written into the
 * workflow lease; after a crash, a new process on the same host may take over a lease at once when
 * the owner process is provably gone, instead of waiting for the lease to expire.
 *
 * "Provably" is the point: an owner is judged dead only on this host, and only when the kernel says
 * so (no process with that pid, or one that started at another time). Where `/proc` is hidden
 * (`hidepid=2` on HPC login nodes, macOS has none) or the owner lives on another host, nothing is
 * known, and the owner counts as alive until its lease expires.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or null. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

export function currentOwnerId(): string {
  return `${hostname()}:${process.pid}:${processStartTicks(process.pid) ?? `t${Date.now()}`}`;
}

/** Whether a process with this pid exists: true, false, or null when the kernel will not say. */
export function processExists(pid: number): boolean | null {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // another user's process: it exists
    return null;
  }
}

/**
 * True only when `owner` names a process on this host that provably no longer exists (or whose pid
 * now belongs to a process that started at another time). Unknown is alive.
 */
export function isOwnerDead(owner: string, host = hostname()): boolean {
  const parts = owner.split(':');
  if (parts.length < 3) return false;
  const [ownerHost, pidText, start] = parts;
  if (ownerHost !== host) return false; // another host: judged by its lease alone
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const exists = processExists(pid);
  if (exists === false) return true;
  if (exists === null) return false;
  const ticks = processStartTicks(pid);
  // The pid exists: it is another process only if both start times are known and differ.
  if (ticks === null || start === undefined || !/^\d+$/.test(start)) return false;
  return ticks !== start;
}
