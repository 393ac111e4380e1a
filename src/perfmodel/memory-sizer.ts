/**
 * Memory requests: the predicted p95 of the task type's peak memory plus a safety margin learned
 * from failures, per task type. A request that turns out too small (the attempt is killed for
 * running out of memory) raises the margin (× 2, + 5 points); each request that fits lowers it a
 * little (× 0.98), so the margin settles where failures are rare. The retry after an out-of-memory
 * kill asks for `retryFactor` × the failed request (at least the new margin over p95), capped at
 * the node's memory.
 */

export interface MemorySizerOptions {
  /** Margin over p95 for a type never failed (0.1 = 10 %). */
  initialMargin: number;
  /** On a failure: margin ← margin × grow + step. */
  grow: number;
  step: number;
  /** On a success: margin ← margin × shrink. */
  shrink: number;
  /** The retry after an out-of-memory kill asks for this much more than the failed request. */
  retryFactor: number;
}

export const DEFAULT_MEMORY_SIZER: MemorySizerOptions = {
  initialMargin: 0.1,
  grow: 2,
  step: 0.05,
  shrink: 0.98,
  retryFactor: 2,
};

/** Whole bytes, rounding up, but not over floating-point dust (1000 × 1.1 is 1100.0000000000002). */
function ceilBytes(x: number): number {
  return Math.ceil(x * (1 - 1e-12));
}

export class MemorySizer {
  private readonly margins = new Map<string, number>();

  constructor(readonly options: MemorySizerOptions = DEFAULT_MEMORY_SIZER) {}

  margin(type: string): number {
    return this.margins.get(type) ?? this.options.initialMargin;
  }

  /** Bytes to request for a task of this type, given the predictor's p95; capped at `nodeMemoryBytes`. */
  request(type: string, p95Bytes: number, nodeMemoryBytes = Infinity): number {
    return Math.min(nodeMemoryBytes, ceilBytes(p95Bytes * (1 + this.margin(type))));
  }

  /** The request fitted (peak ≤ request). */
  succeeded(type: string): void {
    this.margins.set(type, this.margin(type) * this.options.shrink);
  }

  /**
   * The attempt was killed for exceeding `requestedBytes`: raises the type's margin and returns the
   * request for the retry.
   */
  outOfMemory(type: string, requestedBytes: number, p95Bytes: number, nodeMemoryBytes = Infinity): number {
    const m = this.margin(type) * this.options.grow + this.options.step;
    this.margins.set(type, m);
    return Math.min(
      nodeMemoryBytes,
      ceilBytes(Math.max(requestedBytes * this.options.retryFactor, p95Bytes * (1 + m))),
    );
  }

  state(): Record<string, number> {
    return Object.fromEntries(this.margins);
  }
}
