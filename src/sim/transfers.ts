/**
 * Data transfers over links with fair sharing: every transfer active on a link gets an equal share
 * of its bandwidth (bandwidth / n for n concurrent transfers — the max-min fair share when each
 * transfer crosses one link). Shares change whenever a transfer starts or ends on that link, and
 * only that link is touched.
 *
 * Why virtual time: with equal sharing, all active transfers on a link progress by the same amount
 * of bytes. The link keeps `served(t) = ∫ bandwidth / n(t) dt` — the bytes each active transfer has
 * received since the link was created. A transfer of B bytes that starts when `served = s0` ends when
 * `served = s0 + B`. So a link needs only a min-heap of those targets and one pending completion
 * time (the head's), recomputed in O(log n) on each change, instead of updating every transfer's
 * rate (O(n) per change, O(n²) under heavy contention).
 *
 * Latency is not modelled here; the simulator adds a link's latency once, after the bytes arrive.
 *
 * @example
 * const net = new FairShareNetwork(new Float64Array([100e6])); // one link, 100 MB/s
 * net.start(0, 100e6, 0);
 * net.start(0, 100e6, 0);
 * net.nextCompletion(0); // 2 (both finish at 2 s)
 */
import { MinHeap } from '../model/index.js';

export class FairShareNetwork {
  private readonly bandwidth: Float64Array;
  private readonly served: Float64Array;
  private readonly lastT: Float64Array;
  private readonly active: Int32Array;
  private readonly heaps: MinHeap[];
  private nextId = 0;

  constructor(bandwidthBps: Float64Array) {
    const n = bandwidthBps.length;
    this.bandwidth = Float64Array.from(bandwidthBps);
    this.served = new Float64Array(n);
    this.lastT = new Float64Array(n);
    this.active = new Int32Array(n);
    this.heaps = Array.from({ length: n }, () => new MinHeap(16));
  }

  /** Number of transfers currently sharing `link`. */
  activeOn(link: number): number {
    return this.active[link]!;
  }

  /** Starts a transfer of `bytes` on `link` at time `now`; returns its id (0, 1, 2, ... in start order). */
  start(link: number, bytes: number, now: number): number {
    this.advance(link, now);
    const id = this.nextId++;
    this.heaps[link]!.push(this.served[link]! + bytes, id);
    this.active[link]!++;
    return id;
  }

  /** When the next transfer on `link` completes, given no other change; `Infinity` if none is active. */
  nextCompletion(link: number): number {
    const n = this.active[link]!;
    if (n === 0) return Infinity;
    const remaining = this.heaps[link]!.peekKey() - this.served[link]!;
    return this.lastT[link]! + (remaining > 0 ? (remaining * n) / this.bandwidth[link]! : 0);
  }

  /**
   * Called at the time `nextCompletion(link)` announced: removes the transfers that are complete and
   * writes their ids to `out` (from index 0); returns how many. Transfers whose targets are equal
   * complete together.
   */
  completeDue(link: number, now: number, out: Int32Array): number {
    this.advance(link, now);
    const heap = this.heaps[link]!;
    if (heap.size === 0) return 0;
    // The event was scheduled for the head's target: snap to it so that rounding cannot leave a
    // transfer a few bytes short (and the simulation waiting for it forever).
    const served = Math.max(this.served[link]!, heap.peekKey());
    this.served[link] = served;
    let k = 0;
    while (heap.size > 0 && heap.peekKey() <= served && k < out.length) {
      out[k++] = heap.pop();
    }
    this.active[link] = heap.size;
    return k;
  }

  private advance(link: number, now: number): void {
    const n = this.active[link]!;
    const dt = now - this.lastT[link]!;
    if (n > 0 && dt > 0) this.served[link] = this.served[link]! + (dt * this.bandwidth[link]!) / n;
    this.lastT[link] = now;
  }
}
