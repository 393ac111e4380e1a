/**
 * Reading a commit the store refused: which workflows it refused, so that the engine drops just
 * those and commits the rest of the turn again, instead of stopping for all of them.
 *
 * - `StoreLeaseLostError`: another engine holds their lease now (fencing): it drives them.
 * - `StoreConflictError` naming a workflow: a row of it was not in the state this engine's mirror
 *   said; the mirror of that workflow is wrong, so the engine stops driving it and gives its lease
 *   back (an engine adopting it reads the truth from the store).
 * - a conflict naming none (two writers raced): every workflow the set touched, for the same reason.
 * Anything else (the store failed) is not about some workflows: null, and the engine stops.
 */
import { StoreConflictError, StoreLeaseLostError } from '../store/errors.js';
import { workflowsTouched } from '../store/lease-fence.js';
import { coerceError } from '../model/index.js';
import type { ChangeSet, Store } from '../store/store.js';
import type { Turn } from './turn.js';

/**
 * Commits `first` fenced by `owner`'s leases. A commit refused for some workflows calls `onRefused`
 * (to drop them), rejects their requests, and commits the rest of the turn again; any other failure
 * is thrown. Returns the turn that was committed.
 */
export async function commitFenced(
  store: Store,
  owner: string,
  first: Turn,
  onRefused: (lost: Set<string>, error: Error, turn: Turn) => void,
): Promise<Turn> {
  let turn = first;
  while (!turn.empty) {
    const changes = { owner, tasks: turn.tasks, attempts: turn.attempts, workflows: turn.workflows };
    try {
      await store.commit(changes);
      break;
    } catch (e) {
      const lost = workflowsRefused(e, changes);
      if (!lost) throw e;
      const error = coerceError(e);
      onRefused(lost, error, turn);
      const rest = turn.without(lost);
      for (const r of rest.dropped) r.reject(error);
      turn = rest.turn;
    }
  }
  return turn;
}

export function workflowsRefused(error: unknown, changes: ChangeSet): Set<string> | null {
  const touched = workflowsTouched(changes);
  let refused: readonly string[];
  if (error instanceof StoreLeaseLostError) refused = error.workflowIds;
  else if (error instanceof StoreConflictError) refused = error.workflowId ? [error.workflowId] : touched;
  else return null;
  const lost = new Set(refused.filter((id) => touched.includes(id)));
  return lost.size > 0 ? lost : null;
}
