/** Errors of the store layer. */

/** Every code a store error may carry; each is documented in docs/errors.md. */
export const STORE_ERROR_CODES = ['STORE_CONFLICT', 'STORE_BAD_URL'] as const;

/** A change named a `from` state the row was no longer in: another writer got there first. */
export class StoreConflictError extends Error {
  readonly code = 'STORE_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** A `--db` URL Strata cannot use. */
export class StoreUrlError extends Error {
  readonly code = 'STORE_BAD_URL';
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}
