/**
 * The twin's clock: takes events in time order and hands each to the transition it stands for, and
 * once every event of an instant is handled, starts what can start on the nodes that changed (static)
 * or asks the scheduler to place the waiting tasks (online).
 *
 * Why batching by instant: tasks that become ready at the same time then start in priority order (or
 * reach the scheduler in one call), not in the order their events happened to be processed. The loop
 * allocates nothing per event.
 */
import { crash, repair, scheduleCrashes } from './failure-injection.js';
import { rescheduleLink } from './input-transfers.js';
import { offer, placeReady, syncView } from './online-placement.js';
import {
  EV_ARRIVE,
  EV_CRASH,
  EV_ENQUEUE,
  EV_FINISH,
  EV_LINK,
  EV_RELEASE,
  EV_REPAIR,
  EV_RETRY,
  EV_STAGED,
  EV_WAKE,
  type SimState,
} from './sim-state.js';
import {
  arrive,
  becomeReady,
  enqueue,
  finish,
  release,
  rescheduleStaging,
  stage,
  stageThenEnqueue,
  tryStart,
} from './task-lifecycle.js';

/** Plays the compiled state until every task is done, failed or skipped; `s.now` is then the makespan. */
export function runEventLoop(s: SimState): void {
  const n = s.nTasks;
  const q = s.q;
  const completed = s.completed;
  scheduleCrashes(s);
  for (let t = 0; t < n; t++) if (s.depsLeft[t] === 0) becomeReady(s, t);

  for (;;) {
    if ((s.nDirty > 0 || s.poolNew) && !(q.peekTime() <= s.now)) flushDirty(s);
    if (s.done >= n) break;
    if (!q.pop()) {
      // Cannot happen for valid inputs (cycles and misfits are rejected up front); say so if it does.
      const why = s.online
        ? ` (${s.pool.length} waiting for a placement scheduler "${s.scheduler!.name}" never made)`
        : '';
      throw new Error(`simulator stalled at t=${s.now} with ${n - s.done} tasks unfinished${why}`);
    }
    const now = (s.now = q.time);
    const a = q.a;
    switch (q.type) {
      case EV_FINISH:
        if (q.b !== s.gen[a]) continue;
        finish(s, a);
        break;
      case EV_LINK: {
        if (q.b !== s.linkVersion[a]) continue;
        const k = s.net.completeDue(a, now, completed);
        for (let i = 0; i < k; i++) {
          const tr = completed[i]!;
          const latency = s.linkLatency[a]!;
          if (latency > 0) q.schedule(now + latency, EV_ARRIVE, tr, 0);
          else arrive(s, tr);
        }
        rescheduleLink(s, a);
        break;
      }
      case EV_ARRIVE:
        arrive(s, a);
        break;
      case EV_RELEASE:
        release(s, a);
        break;
      case EV_ENQUEUE:
        stageThenEnqueue(s, a);
        break;
      case EV_WAKE:
        s.poolNew = true;
        break;
      case EV_STAGED: {
        if (q.b !== s.stageVersion) continue;
        const k = s.stageNet!.completeDue(0, now, completed);
        for (let i = 0; i < k; i++) enqueue(s, s.stageTask[completed[i]!]!);
        rescheduleStaging(s);
        break;
      }
      case EV_RETRY:
        if (s.online) offer(s, a);
        else enqueue(s, a);
        break;
      case EV_CRASH:
        crash(s, a);
        break;
      case EV_REPAIR:
        repair(s, a);
        break;
    }
    s.events++;
  }
}

/** The instant is over: start what fits on the nodes that changed (static), or place the waiting tasks (online). */
function flushDirty(s: SimState): void {
  const dirty = s.dirty;
  const dirtyFlag = s.dirtyFlag;
  if (s.online) {
    for (let i = 0; i < s.nDirty; i++) {
      const node = dirty[i]!;
      dirtyFlag[node] = 0;
      syncView(s, node);
    }
    s.nDirty = 0;
    const placements = placeReady(s);
    // Staged after every placement is booked, so that staging can never see a half-applied batch.
    if (placements) for (const p of placements) stage(s, Number(p.key));
    return;
  }
  for (let i = 0; i < s.nDirty; i++) {
    const node = dirty[i]!;
    dirtyFlag[node] = 0;
    tryStart(s, node);
  }
  s.nDirty = 0;
}
