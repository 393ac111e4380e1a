/**
 * Reading the errors the pg driver throws: which constraint a duplicate broke, and which failures are
 * two writers racing (a `StoreConflictError`, which callers know how to handle) rather than faults.
 */
import { coerceError } from '../model/index.js';
import { writersRaced } from './conflicts.js';

/** The fields of a server error pg passes on (SQLSTATE code, constraint, detail line). */
interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as PgError | null;
  return e?.code === '23505' && e.constraint === constraint;
}

export function pgDetail(error: unknown): string {
  return (error as PgError).detail ?? coerceError(error).message;
}

/** Deadlocks and serialization failures are two writers racing for the same rows: a conflict. */
export function toStoreError(error: unknown): unknown {
  const code = (error as PgError | null)?.code;
  if (code === '40P01' || code === '40001') {
    return writersRaced(coerceError(error).message);
  }
  return error;
}
