/**
 * The engine's leases: a workflow is driven only by the one process holding its lease, so two
 * engines never act on the same tasks. Takes leases (at once from a dead owner on this host),
 * renews them all on a timer, and gives them back.
 *
 * A renewal tells which leases are still held: one the engine drives that is missing was taken over
 * (this engine stalled past its time to live), and `onLost` drops that workflow from the engine. A
 * renewal that fails (the store is busy or unreachable) is tried again at the next tick: what keeps
 * two engines from writing the same workflow is the store's fencing of every commit
 * (`ChangeSet.owner`), not the timer.
 */
import type { Store } from '../store/store.js';
import { isOwnerDead } from './owner.js';

export class LeaseKeeper {
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    readonly owner: string,
    readonly ttlMs: number,
    private readonly clock: () => number,
    /** The workflows the engine drives now. */
    private readonly driven: () => Iterable<string>,
    /** Workflows the engine drove whose lease another engine holds now. */
    private readonly onLost: (workflowIds: string[]) => void,
  ) {}

  /** Renews every lease this owner holds, every third of the time to live. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Stops renewing: the leases still held run out after their time to live unless released. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.stopped) return;
    this.renewing = true;
    // Only workflows driven before the renewal began can be judged by it.
    const asked = [...this.driven()];
    try {
      const held = new Set(await this.store.renewLeases(this.owner, this.clock(), this.ttlMs));
      const lost = asked.filter((id) => !held.has(id));
      if (lost.length > 0 && !this.stopped) this.onLost(lost);
    } catch {
      // Tried again at the next tick; commits stay fenced meanwhile.
    } finally {
      this.renewing = false;
    }
  }

  /** Takes the lease on a workflow nobody else holds (one this engine just created). */
  acquire(workflowId: string, now: number): Promise<boolean> {
    return this.store.acquireLease(workflowId, this.owner, now, this.ttlMs);
  }

  /**
   * Takes the lease if it is free or expired, or if `heldBy` (its owner as last read) is a process on
   * this host that has provably died.
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
