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
import type { ChangeSet } from '../store/store.js';

export function workflowsRefused(error: unknown, changes: ChangeSet): Set<string> | null {
  const touched = workflowsTouched(changes);
  let refused: readonly string[];
  if (error instanceof StoreLeaseLostError) refused = error.workflowIds;
  else if (error instanceof StoreConflictError) refused = error.workflowId ? [error.workflowId] : touched;
  else return null;
  const lost = new Set(refused.filter((id) => touched.includes(id)));
  return lost.size > 0 ? lost : null;
}
