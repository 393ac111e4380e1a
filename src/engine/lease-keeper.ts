/**
 * The engine's leases: a workflow is driven only by the one process holding its lease, so two
 * engines never act on the same tasks. Takes leases (at once from a dead owner on this host),
 * renews them all on a timer, and gives them back. A renewal the store refuses stops the engine
 * (through `onError`): it can no longer be sure it still holds what it drives.
 */
import type { Store } from '../store/store.js';
import { coerceError } from '../model/index.js';
import { isOwnerDead } from './owner.js';

export class LeaseKeeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Renews every lease this owner holds, every third of the time to live. */
  start(): void {
    this.timer = setInterval(
      () => {
        this.store
          .renewLeases(this.owner, this.clock(), this.ttlMs)
          .catch((e) => this.onError(coerceError(e)));
      },
      Math.max(100, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Takes the lease on a workflow nobody else holds (one this engine just created). */
  acquire(workflowId: string, now: number): Promise<boolean> {
    return this.store.acquireLease(workflowId, this.owner, now, this.ttlMs);
  }

  /**
   * Takes the lease if it is free or expired, or if `heldBy` (its owner as last read) is a process on
   * this host that has died.
   */
  async take(workflowId: string, heldBy: string | null): Promise<boolean> {
    const now = this.clock();
    let holds = await this.store.acquireLease(workflowId, this.owner, now, this.ttlMs);
    if (!holds && heldBy && isOwnerDead(heldBy)) {
      holds = await this.store.acquireLease(workflowId, this.owner, now, this.ttlMs, heldBy);
    }
    return holds;
  }

  /** Gives a lease back; a failure only means another engine waits for it to expire. */
  release(workflowId: string): Promise<void> {
    return this.store.releaseLease(workflowId, this.owner).catch(() => undefined);
  }
}
