/**
 * Moving a task's input files to its node's site: which replicas exist or are on their way, starting
 * a transfer over the link between two sites (fair-shared with the others on it, see transfers.ts),
 * and the tasks waiting for each transfer. What a task does once its inputs are there is the task
 * lifecycle's business (task-lifecycle.ts): these functions only report how many it waits for.
 *
 * Transfer records live in typed arrays that double when full, so that starting one allocates
 * nothing in the common case.
 */
import { bookTransferEnergy } from './energy-accounting.js';
import { SimError } from './sim-error.js';
import { growF64, growI32 } from '../model/index.js';
import { EV_LINK, type SimState } from './sim-state.js';

/** 0 absent, 1 present, k + 2 = arriving by transfer k. */
function replicaGet(s: SimState, f: number, site: number): number {
  return s.replicaDense
    ? s.replicaDense[f * s.nSites + site]!
    : (s.replicaSparse!.get(f * s.nSites + site) ?? 0);
}

function replicaSet(s: SimState, f: number, site: number, v: number): void {
  if (s.replicaDense) s.replicaDense[f * s.nSites + site] = v;
  else s.replicaSparse!.set(f * s.nSites + site, v);
}

/**
 * Starts the transfers the inputs of `t` need to its node's site (or joins those under way) and
 * notes the intra-site move; returns how many transfers it now waits for (also in `pendingIn`).
 */
export function requestInputs(s: SimState, t: number): number {
  const { nodeOf, nodeSite, inStart, inFile, producer, fileInitialSite, fileSize, intra, intraDelay } = s;
  const node = nodeOf[t]!;
  const dst = nodeSite[node]!;
  let pending = 0;
  let intraBytes = 0;
  for (let k = inStart[t]!; k < inStart[t + 1]!; k++) {
    const f = inFile[k]!;
    const p = producer[f]!;
    const src = p >= 0 ? nodeSite[nodeOf[p]!]! : fileInitialSite[f]!;
    if (src < 0) continue; // a file with no known location is local
    if (intra !== undefined && !(p >= 0 && nodeOf[p] === node)) intraBytes += fileSize[f]!;
    if (src === dst) continue;
    const r = replicaGet(s, f, dst);
    if (r === 1) continue;
    addWaiter(s, r >= 2 ? r - 2 : startTransfer(s, f, src, dst, t), t);
    pending++;
  }
  if (intraDelay && intra && intraBytes > 0) {
    intraDelay[t] = intra.latencyS + intraBytes / intra.bandwidthBps;
  }
  s.pendingIn[t] = pending;
  return pending;
}

/** Schedules the next transfer completion on `link` (an older event for it is then stale). */
export function rescheduleLink(s: SimState, link: number): void {
  const v = ++s.linkVersion[link]!;
  const t = s.net.nextCompletion(link);
  if (t < Infinity) s.q.schedule(t, EV_LINK, link, v);
}

function startTransfer(s: SimState, f: number, src: number, dst: number, t: number): number {
  const link = s.linkOf[src * s.nSites + dst]!;
  if (link < 0) {
    const { workload, platform } = s;
    throw new SimError(
      'SIM_NO_LINK',
      `task "${workload.tasks[t]!.name}" needs file "${workload.files[f]!.name}" from site ` +
        `"${platform.sites[src]!.id}" at site "${platform.sites[dst]!.id}", and no link joins them`,
      'add a link between the two sites, or assign the task elsewhere',
    );
  }
  const now = s.now;
  const id = s.net.start(link, s.fileSize[f]!, now);
  if (id >= s.trFile.length) {
    const cap = s.trFile.length * 2;
    s.trFile = growI32(s.trFile, cap);
    s.trDst = growI32(s.trDst, cap);
    s.trLink = growI32(s.trLink, cap);
    s.trStart = growF64(s.trStart, cap);
    s.trWaitHead = growI32(s.trWaitHead, cap);
  }
  s.trFile[id] = f;
  s.trDst[id] = dst;
  s.trLink[id] = link;
  s.trStart[id] = now;
  s.trWaitHead[id] = -1;
  s.nTransfers++;
  s.bytesMoved += s.fileSize[f]!;
  replicaSet(s, f, dst, id + 2);
  rescheduleLink(s, link);
  return id;
}

function addWaiter(s: SimState, tr: number, t: number): void {
  const nWaiters = s.nWaiters;
  if (nWaiters === s.wTask.length) {
    s.wTask = growI32(s.wTask, nWaiters * 2);
    s.wNext = growI32(s.wNext, nWaiters * 2);
  }
  s.wTask[nWaiters] = t;
  s.wNext[nWaiters] = s.trWaitHead[tr]!;
  s.trWaitHead[tr] = s.nWaiters++;
}

/**
 * Transfer `tr` has landed (bytes and latency): its file is now at its destination site. Books its
 * energy; the caller then walks the waiters (from `trWaitHead[tr]` along `wNext`, tasks in `wTask`).
 */
export function landTransfer(s: SimState, tr: number): void {
  replicaSet(s, s.trFile[tr]!, s.trDst[tr]!, 1);
  bookTransferEnergy(s, tr);
}
