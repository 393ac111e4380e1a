/** Errors of the store layer. */
import { StrataError } from '../model/index.js';

/** Every code a store error may carry; each is documented in docs/errors.md. */
export const STORE_ERROR_CODES = ['STORE_CONFLICT', 'STORE_BAD_URL'] as const;

/** A change named a `from` state the row was no longer in: another writer got there first. */
export class StoreConflictError extends StrataError<'STORE_CONFLICT'> {
  constructor(message: string) {
    super('STORE_CONFLICT', message);
    this.name = 'StoreConflictError';
  }
}

/** A `--db` URL Strata cannot use. */
export class StoreUrlError extends StrataError<'STORE_BAD_URL'> {
  constructor(message: string) {
    super('STORE_BAD_URL', message, { kind: 'usage' });
    this.name = 'StoreUrlError';
  }
}
