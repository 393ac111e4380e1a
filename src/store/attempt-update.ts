/**
 * Which fields an attempt update carries, as one bit mask both back-ends use: an update writes only
 * the columns it names (undefined = leave the column alone), so each back-end picks its SQL by the
 * mask (SQLite caches one statement per mask; PostgreSQL sends the mask with each row).
 */
import type { AttemptWrite } from './store.js';

/** An attempt write that changes an attempt already stored. */
export type AttemptUpdate = Extract<AttemptWrite, { kind: 'update' }>;

export const SET_NODE = 1;
export const SET_HANDLE = 2;
export const SET_STARTED = 4;
export const SET_STDOUT = 8;
export const SET_STDERR = 16;
export const SET_OUTCOME = 32;

/** The mask of the fields `u` carries (below 64). */
export function attemptUpdateFlags(u: AttemptUpdate): number {
  return (
    (u.node !== undefined ? SET_NODE : 0) |
    (u.handle !== undefined ? SET_HANDLE : 0) |
    (u.startedAt !== undefined ? SET_STARTED : 0) |
    (u.stdoutPath !== undefined ? SET_STDOUT : 0) |
    (u.stderrPath !== undefined ? SET_STDERR : 0) |
    (u.outcome ? SET_OUTCOME : 0)
  );
}
