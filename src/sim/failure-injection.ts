/**
 * The failures the twin injects (`SimOptions.failures`) and what follows from them: nodes crash at
 * exponentially distributed times and come back after a repair delay, killing the attempts running
 * on them; attempts may be stragglers; a killed attempt is retried after the retry policy's delay
 * until the task runs out of attempts, and then its descendants are skipped.
 *
 * Each kind of randomness has its own seeded stream (see SimState), so that switching one on does
 * not move the others.
 */
import { retryDelayMs } from '../model/index.js';
import {
  EV_CRASH,
  EV_REPAIR,
  EV_RETRY,
  FAILED,
  markDirty,
  PENDING,
  SKIPPED,
  type SimState,
} from './sim-state.js';
import { endAttempt } from './task-lifecycle.js';

/** Before the run: every node's first crash. */
export function scheduleCrashes(s: SimState): void {
  if (s.mtbf > 0)
    for (let k = 0; k < s.nNodes; k++) s.q.schedule(s.rngCrash.exponential(s.mtbf), EV_CRASH, k, 0);
}

/** Whether the attempt starting now is a straggler (counted if so): it then runs `slowdown` times longer. */
export function drawStraggler(s: SimState): boolean {
  if (s.pStraggler > 0 && s.rngStraggler.next() < s.pStraggler) {
    s.stragglers++;
    return true;
  }
  return false;
}

/** `node` crashes now: the attempts on it are killed (and retried or failed), and it is repaired later. */
export function crash(s: SimState, node: number): void {
  s.nodeCrashes++;
  s.down[node] = 1;
  for (let t = s.runHead[node]!; t >= 0;) {
    const next = s.runNext[t]!;
    endAttempt(s, t, node);
    s.gen[t]!++; // its finish event is now stale
    s.failedAttempts++;
    attemptFailed(s, t);
    t = next;
  }
  s.q.schedule(s.now + s.repairS, EV_REPAIR, node, 0);
  if (s.online) markDirty(s, node); // its view leaves the offered nodes until the repair
}

/** `node` is back: it can run tasks again, and will crash again. */
export function repair(s: SimState, node: number): void {
  s.down[node] = 0;
  s.q.schedule(s.now + s.rngCrash.exponential(s.mtbf), EV_CRASH, node, 0);
  markDirty(s, node);
}

/** A killed attempt: retry after the policy's delay (and the per-task overhead), or fail the task. */
function attemptFailed(s: SimState, t: number): void {
  const attempts = s.attempts;
  if (attempts[t]! >= s.maxAttempts) {
    s.state[t] = FAILED;
    s.failedTasks++;
    s.done++;
    skipDescendants(s, t);
    return;
  }
  if (attempts[t] === 1) s.retriedTasks++;
  const delayS = retryDelayMs(s.retry, attempts[t]! + 1, s.retryRandom) / 1000;
  s.q.schedule(s.now + delayS + s.perTaskS, EV_RETRY, t, 0);
}

/** The descendants of a failed task will never run. */
function skipDescendants(s: SimState, t: number): void {
  const { childStart, children, state } = s;
  const stack: number[] = [t];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (let k = childStart[u]!; k < childStart[u + 1]!; k++) {
      const c = children[k]!;
      if (state[c] === PENDING) {
        state[c] = SKIPPED;
        s.skippedTasks++;
        s.done++;
        stack.push(c);
      }
    }
  }
}
