/**
 * Who drives a workflow. Each engine process has an owner id `host:pid:start` written into the
 * workflow lease; after a crash, a new process on the same host may take over a lease at once when
 * the owner process is provably gone, instead of waiting for the lease to expire.
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
  return `${hostname()}:${process.pid}:${processStartTicks(process.pid) ?? Date.now()}`;
}

/** True when `owner` names a process on this host that no longer exists (or is a different process). */
export function isOwnerDead(owner: string): boolean {
  const parts = owner.split(':');
  if (parts.length < 3) return false;
  const [host, pidText, start] = parts;
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const ticks = processStartTicks(pid);
  return ticks === null || ticks !== start;
}
