/**
 * The one loop behind `StrataApi.watch()` in both implementations: the embedded control plane reads
 * the store and wakes on the engine's committed turns, the HTTP client polls the events endpoint.
 * What they share is when the stream ends, which is easy to get subtly wrong:
 *
 * - the workflow's state is read only after the events seen so far are drained, and the events are
 *   drained once more after a final state was read; a state change and its event are committed in
 *   one transaction, so no event before the final state is ever lost;
 * - a wake-up that comes while the loop reads is remembered, so the loop never sleeps past news;
 * - an abort (or a `break` of the caller) ends the stream quietly; a failure of the source (the engine
 *   stopping on a store error) ends it with that error.
 */
import { TERMINAL_WORKFLOW_STATES } from '../model/index.js';
import type { WorkflowState } from '../model/index.js';
import type { EventRecord } from '../store/store.js';
import type { WatchOptions } from './strata-api.js';

/** Events asked for at once; a longer backlog is read page by page. */
const PAGE = 1000;

export interface WatchSource {
  /** The workflow's state now. */
  workflowState(): Promise<WorkflowState>;
  /** Its events with `seq` above `afterSeq`, oldest first, at most `limit`. */
  listEvents(afterSeq: number, limit: number): Promise<EventRecord[]>;
  /** Longest time between two looks, whether woken or not. */
  pollMs: number;
  /**
   * Calls `wake` when there may be news before `pollMs` is over, `fail` when there never will be.
   * Returns what stops the calls.
   */
  subscribe?(wake: () => void, fail: (error: Error) => void): () => void;
}

export async function* watchEvents(
  source: WatchSource,
  options: WatchOptions = {},
): AsyncGenerator<EventRecord, void, undefined> {
  const signal = options.signal;
  let after = options.afterSeq ?? 0;
  let news = false;
  let failure: Error | null = null;
  // Read through a call: the subscription sets it between awaits, which narrowing cannot see.
  const failed = (): Error | null => failure;
  let nudge: (() => void) | null = null;
  const unsubscribe = source.subscribe?.(
    () => {
      news = true;
      nudge?.();
    },
    (error) => {
      failure = error;
      nudge?.();
    },
  );
  async function* drain(): AsyncGenerator<EventRecord, void, undefined> {
    for (;;) {
      const page = await source.listEvents(after, PAGE);
      for (const event of page) {
        if (signal?.aborted) return;
        after = event.seq;
        yield event;
      }
      if (page.length < PAGE) return;
    }
  }
  try {
    while (!signal?.aborted) {
      news = false;
      yield* drain();
      throwIf(failed());
      if (signal?.aborted) return;
      if (TERMINAL_WORKFLOW_STATES.has(await source.workflowState())) {
        yield* drain();
        return;
      }
      if (!news) await pause(source.pollMs, signal, (wake) => (nudge = wake));
      nudge = null;
      throwIf(failed());
    }
  } finally {
    unsubscribe?.();
  }
}

/** Resolves after `ms`, at a nudge, or when `signal` aborts, whichever comes first. */
function pause(
  ms: number,
  signal: AbortSignal | undefined,
  onNudge: (nudge: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    onNudge(done);
  });
}

function throwIf(error: Error | null): void {
  if (error) throw error;
}
