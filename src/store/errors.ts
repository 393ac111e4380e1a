/** Errors of the store layer. */
import { StrataError } from '../model/index.js';

/** Every code a store error may carry; each is documented in docs/errors.md. */
export const STORE_ERROR_CODES = ['STORE_CONFLICT', 'STORE_LEASE_LOST', 'STORE_BAD_URL'] as const;

/**
 * A change named a `from` state the row was no longer in: another writer got there first.
 * `workflowId` names the workflow whose row did not match, when the store knows it.
 */
export class StoreConflictError extends StrataError<'STORE_CONFLICT'> {
  readonly workflowId: string | undefined;
  constructor(message: string, workflowId?: string) {
    super('STORE_CONFLICT', message);
    this.name = 'StoreConflictError';
    this.workflowId = workflowId;
  }
}

/**
 * Lease fencing: a change set written on behalf of an engine (`ChangeSet.owner`) touched workflows
 * whose lease that engine no longer holds (another engine took it over, or it was released). Nothing
 * was written; `workflowIds` lists the workflows lost.
 */
export class StoreLeaseLostError extends StrataError<'STORE_LEASE_LOST'> {
  readonly workflowIds: readonly string[];
  constructor(owner: string, workflowIds: readonly string[]) {
    super(
      'STORE_LEASE_LOST',
      `${owner} no longer holds the lease on ${workflowIds.length === 1 ? 'workflow' : 'workflows'} ` +
        `${workflowIds.join(', ')}: the change set was not written.`,
      { hint: 'another engine took the workflow over; this engine must stop driving it' },
    );
    this.name = 'StoreLeaseLostError';
    this.workflowIds = workflowIds;
  }
}

/** A `--db` URL Strata cannot use. */
export class StoreUrlError extends StrataError<'STORE_BAD_URL'> {
  constructor(message: string) {
    super('STORE_BAD_URL', message, { kind: 'usage' });
    this.name = 'StoreUrlError';
  }
}
