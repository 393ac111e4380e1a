/** Errors of the store layer. */

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
