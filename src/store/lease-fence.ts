/**
 * Lease fencing, shared by both back-ends: which workflows a change set touches, so that a commit
 * made on behalf of an engine (`ChangeSet.owner`) can check, in its own transaction, that the engine
 * still holds each of their leases.
 */
import type { ChangeSet } from './store.js';

/** The distinct ids of the workflows a change set writes to, sorted (a stable lock order). */
export function workflowsTouched(changes: ChangeSet): string[] {
  const ids = new Set<string>();
  for (const a of changes.attempts ?? []) ids.add(a.kind === 'insert' ? a.attempt.workflowId : a.workflowId);
  for (const t of changes.tasks ?? []) ids.add(t.workflowId);
  for (const w of changes.workflows ?? []) ids.add(w.id);
  return [...ids].sort();
}
