/**
 * A task's way through the twin, one transition per function: dependencies done → release overheads
 * → placement (online) → input transfers → intra-site move, per-task overhead, notBefore → staging
 * channel → queued on its node → attempt started when it fits → attempt ended → finished, which
 * releases its children. docs/simulator.md describes the semantics; this is the code of it.
 *
 * These run on the hot path, once or a few times per task: they allocate nothing and touch only
 * the typed arrays of the state.
 */
import { busyStretch } from '../energy/index.js';
import { growI32 } from '../model/index.js';
import { bookAttemptEnergy } from './energy-accounting.js';
import { drawStraggler } from './failure-injection.js';
import { landTransfer, requestInputs } from './input-transfers.js';
import { offer, releaseGpus } from './online-placement.js';
import {
  DONE,
  EV_ENQUEUE,
  EV_FINISH,
  EV_RELEASE,
  EV_STAGED,
  markDirty,
  PENDING,
  type SimState,
} from './sim-state.js';

/** Dependencies done: apply the release overheads, then stage the inputs. */
export function becomeReady(s: SimState, t: number): void {
  const now = s.now;
  let at = now;
  if (s.perLevelS > 0) {
    const levelGate = s.levelGate;
    const lv = s.level[t]!;
    if (levelGate[lv]! < 0) levelGate[lv] = now + s.perLevelS;
    if (levelGate[lv]! > at) at = levelGate[lv]!;
  }
  if (s.releaseGap > 0) {
    if (s.lastRelease + s.releaseGap > at) at = s.lastRelease + s.releaseGap;
    s.lastRelease = at;
  }
  if (at > now) s.q.schedule(at, EV_RELEASE, t, 0);
  else release(s, t);
}

/** Released: stage its inputs to its node (static), or wait for a placement (online). */
export function release(s: SimState, t: number): void {
  if (s.online) offer(s, t);
  else stage(s, t);
}

/** Released (static) or placed (online): start the transfers its inputs need (or join those under way). */
export function stage(s: SimState, t: number): void {
  if (requestInputs(s, t) === 0) inputsReady(s, t);
}

/** Transfer `tr` has landed: the tasks waiting for it have one input fewer to wait for. */
export function arrive(s: SimState, tr: number): void {
  landTransfer(s, tr);
  const pendingIn = s.pendingIn;
  for (let w = s.trWaitHead[tr]!; w >= 0; w = s.wNext[w]!) {
    const t = s.wTask[w]!;
    if (--pendingIn[t]! === 0) inputsReady(s, t);
  }
}

/** All inputs at the task's site: after the intra-site move and per-task overhead, queue it. */
function inputsReady(s: SimState, t: number): void {
  const now = s.now;
  let at = now + s.perTaskS + (s.intraDelay ? s.intraDelay[t]! : 0);
  if (s.notBefore && s.notBefore[t]! > at) at = s.notBefore[t]!;
  if (at > now) s.q.schedule(at, EV_ENQUEUE, t, 0);
  else stageThenEnqueue(s, t);
}

/** Through the staging channel first, the first time, if there is one; then queue on the node. */
export function stageThenEnqueue(s: SimState, t: number): void {
  const stageNet = s.stageNet;
  if (!stageNet || s.staged![t] || !(s.stageBytes![t]! > 0)) {
    enqueue(s, t);
    return;
  }
  s.staged![t] = 1;
  const id = stageNet.start(0, s.stageBytes![t]!, s.now);
  if (id >= s.stageTask.length) s.stageTask = growI32(s.stageTask, s.stageTask.length * 2);
  s.stageTask[id] = t;
  rescheduleStaging(s);
}

/** Schedules the staging channel's next completion (an older event for it is then stale). */
export function rescheduleStaging(s: SimState): void {
  const at = s.stageNet!.nextCompletion(0);
  s.stageVersion++;
  if (at < Infinity) s.q.schedule(at, EV_STAGED, 0, s.stageVersion);
}

/** Static: queue on its node, started when the node is next looked at. Online: start on the node it holds. */
export function enqueue(s: SimState, t: number): void {
  if (s.online) {
    startPlaced(s, t);
    return;
  }
  const node = s.nodeOf[t]!;
  s.queues[node]!.push(s.priority ? s.priority[t]! : t, t);
  markDirty(s, node);
}

/** Online: inputs are at the node: start, unless the node crashed meanwhile (then place again). */
function startPlaced(s: SimState, t: number): void {
  const node = s.nodeOf[t]!;
  if (s.down[node]) {
    s.freeCores[node] = s.freeCores[node]! + s.cores[t]!;
    s.freeMem[node] = s.freeMem[node]! + s.mem[t]!;
    s.freeGpus[node] = s.freeGpus[node]! + s.gpus[t]!;
    releaseGpus(s, t, node);
    markDirty(s, node);
    offer(s, t);
    return;
  }
  startAttempt(s, t, node);
}

/** Static: starts queued tasks on `node` in priority order while the head fits (no backfilling). */
export function tryStart(s: SimState, node: number): void {
  if (s.down[node]) return;
  const { cores, mem, gpus, freeCores, freeMem, freeGpus } = s;
  const queue = s.queues[node]!;
  while (queue.size > 0) {
    const t = queue.peekValue();
    if (cores[t]! > freeCores[node]! || mem[t]! > freeMem[node]! || gpus[t]! > freeGpus[node]!) return;
    queue.pop();
    freeCores[node] = freeCores[node]! - cores[t]!;
    freeMem[node] = freeMem[node]! - mem[t]!;
    freeGpus[node] = freeGpus[node]! - gpus[t]!;
    startAttempt(s, t, node);
  }
}

/** Starts an attempt of `t` on `node`, whose resources it already holds. */
function startAttempt(s: SimState, t: number, node: number): void {
  const { runPrev, runNext, runHead } = s;
  const now = s.now;
  s.attempts[t]!++;
  const g = ++s.gen[t]!;
  // At a lower frequency only the task's busy share slows down (levelStretch).
  const speedFactor = s.typeLevelSpeed[s.nodeType[node]!]![s.dvfs[t]!]!;
  let duration = (s.work[t]! / (s.cores[t]! * s.nodeSpeed[node]!)) * busyStretch(s.cpuUtil[t]!, speedFactor);
  if (drawStraggler(s)) duration *= s.slowdown;
  s.attemptStart[t] = now;
  const head = runHead[node]!;
  runPrev[t] = -1;
  runNext[t] = head;
  if (head >= 0) runPrev[head] = t;
  runHead[node] = t;
  s.q.schedule(now + duration, EV_FINISH, t, g);
}

/** Ends the running attempt of `t` (finished or killed): frees the node, books its energy. */
export function endAttempt(s: SimState, t: number, node: number): void {
  const { runPrev, runNext } = s;
  const prev = runPrev[t]!;
  const next = runNext[t]!;
  if (prev >= 0) runNext[prev] = next;
  else s.runHead[node] = next;
  if (next >= 0) runPrev[next] = prev;
  runPrev[t] = -1;
  runNext[t] = -1;
  s.freeCores[node] = s.freeCores[node]! + s.cores[t]!;
  s.freeMem[node] = s.freeMem[node]! + s.mem[t]!;
  s.freeGpus[node] = s.freeGpus[node]! + s.gpus[t]!;
  if (s.online) releaseGpus(s, t, node);
  bookAttemptEnergy(s, t, node);
}

/** The attempt of `t` finished: the task is done, and its children may become ready. */
export function finish(s: SimState, t: number): void {
  const { childStart, children, depsLeft, state } = s;
  const node = s.nodeOf[t]!;
  endAttempt(s, t, node);
  state[t] = DONE;
  s.finishAt[t] = s.now;
  s.finished++;
  s.done++;
  for (let k = childStart[t]!; k < childStart[t + 1]!; k++) {
    const c = children[k]!;
    if (--depsLeft[c]! === 0 && state[c] === PENDING) becomeReady(s, c);
  }
  markDirty(s, node);
}
