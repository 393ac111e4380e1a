/**
 * SQLite's write lock is one per file: while another process holds it (a CLI storing a workflow of
 * 100,000s of tasks holds it for seconds), a write fails with `SQLITE_BUSY` once the busy timeout
 * runs out. better-sqlite3 waits that timeout synchronously, blocking the whole event loop, so the
 * store keeps it short and retries here instead, sleeping asynchronously with a growing backoff, for
 * a bounded time: a lock held longer than `budgetMs` is a fault the caller sees.
 */
import Database from 'better-sqlite3';

export interface BusyRetry {
  /** How long one try waits for the lock inside SQLite (blocking). */
  busyTimeoutMs: number;
  /** How long all tries together may wait before the last `SQLITE_BUSY` is thrown. */
  budgetMs: number;
}

export const DEFAULT_BUSY_RETRY: BusyRetry = { busyTimeoutMs: 250, budgetMs: 60_000 };

export function isBusy(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'))
  );
}

/** Runs `work` (a synchronous transaction) until it is not refused for a lock, or the budget is spent. */
export async function retryBusy<T>(work: () => T, retry: BusyRetry): Promise<T> {
  const start = Date.now();
  let delay = 10;
  for (;;) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || Date.now() - start >= retry.budgetMs) throw error;
    }
    await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 500);
  }
}
