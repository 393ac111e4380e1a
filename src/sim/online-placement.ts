/**
 * Online mode (`simulateOnline`): the pool of tasks waiting for a placement and the node views the
 * engine's `Scheduler` sees, and the call to `scheduler.place` itself, whose placements are checked
 * and booked here. What happens to a placed task next (staging its inputs, starting it) is the task
 * lifecycle's (task-lifecycle.ts).
 *
 * Why the views are maintained incrementally: one `NodeView` per node is built once and updated in
 * place when its node changes; `offered` lists, in node order, the views of every node that is up
 * with a free core (and of at most as many full ones, see syncView). Per call the twin adds
 * O(placements) and O(pool) to the scheduler's own work over `pool` and `offered`; it never rebuilds
 * the views.
 */
import type { Placement } from '../scheduler/scheduler.js';
import { SimError } from './sim-error.js';
import { EV_WAKE, type SimState } from './sim-state.js';

/**
 * Brings a node's view up to date. A node enters `offered` when it is up with a free core and
 * leaves it at once when it crashes; a node that fills up stays listed (with 0 free cores) until
 * full nodes are half the list, then all of them leave in one O(K) pass ({@link compactOffered}).
 * So a node that fills and frees again and again (first-fit packs the first nodes) costs nothing,
 * and an insertion's memmove is over a list that is short when the platform is busy.
 */
export function syncView(s: SimState, node: number): void {
  const { freeCores, listed, fullListed } = s;
  const view = s.views[node]!;
  view.free.cpus = freeCores[node]!;
  view.free.memoryBytes = s.freeMem[node]!;
  const up = s.down[node] === 0;
  const full = !(freeCores[node]! > 0);
  if (listed[node]) {
    if (!up) {
      if (fullListed[node]) s.nFullListed--;
      fullListed[node] = 0;
      listed[node] = 0;
      const at = offeredAt(s, node);
      s.offeredNode.splice(at, 1);
      s.offered.splice(at, 1);
    } else if (full !== (fullListed[node] === 1)) {
      fullListed[node] = full ? 1 : 0;
      s.nFullListed += full ? 1 : -1;
    }
  } else if (up && !full) {
    listed[node] = 1;
    const at = offeredAt(s, node);
    s.offeredNode.splice(at, 0, node);
    s.offered.splice(at, 0, view);
  }
}

/** Where `node` is, or would go, in `offered` (binary search on node order). */
function offeredAt(s: SimState, node: number): number {
  const offeredNode = s.offeredNode;
  let lo = 0;
  let hi = offeredNode.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offeredNode[mid]! < node) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Drops the full nodes from `offered` once they are more than half of it. */
function compactOffered(s: SimState): void {
  const { offered, offeredNode, fullListed, listed } = s;
  if (s.nFullListed <= 32 || s.nFullListed * 2 <= offered.length) return;
  let w = 0;
  for (let i = 0; i < offered.length; i++) {
    const k = offeredNode[i]!;
    if (fullListed[k]) {
      fullListed[k] = 0;
      listed[k] = 0;
    } else {
      offered[w] = offered[i]!;
      offeredNode[w++] = k;
    }
  }
  offered.length = w;
  offeredNode.length = w;
  s.nFullListed = 0;
}

/** The task waits for a placement (from the next call to the scheduler). */
export function offer(s: SimState, t: number): void {
  let r = s.readyOf[t];
  if (!r) {
    r = { key: String(t), resources: { cpus: s.cores[t]!, memoryBytes: s.mem[t]!, gpus: s.gpus[t]! } };
    s.readyOf[t] = r;
  }
  s.pool.push(r);
  s.waiting[t] = 1;
  s.poolNew = true;
}

/**
 * Hands the pool to the scheduler, checks its placements and books each one's node resources;
 * returns them, for the caller to stage once every placement is booked (so that staging can never
 * see a half-applied batch), or null when the scheduler was not called (no task, or no free core).
 */
export function placeReady(s: SimState): readonly Placement[] | null {
  s.poolNew = false;
  compactOffered(s);
  const { pool, offered, waiting, now } = s;
  const scheduler = s.scheduler!;
  if (pool.length === 0 || offered.length === s.nFullListed) return null; // no task, or no free core
  const placements = scheduler.place(pool, offered, now);
  // A scheduler that holds tasks back until a time is called again then, even if nothing changes.
  const wake = scheduler.nextWakeAt?.(now);
  if (wake !== undefined && wake > now && !(wake >= s.nextWake && s.nextWake > now)) {
    s.nextWake = wake;
    s.q.schedule(wake, EV_WAKE, 0, 0);
  }
  for (const p of placements) bookPlacement(s, p);
  if (placements.length > 0) {
    let w = 0;
    for (const r of pool) if (waiting[Number(r.key)] === 1) pool[w++] = r;
    pool.length = w;
  }
  return placements;
}

/** Checks one placement against the waiting tasks and the node's free capacity, then holds that capacity. */
function bookPlacement(s: SimState, p: Placement): void {
  const { cores, mem, gpus, freeCores, freeMem, freeGpus, platform } = s;
  const t = Number(p.key);
  if (!(Number.isInteger(t) && t >= 0 && t < s.nTasks) || s.waiting[t] !== 1) {
    throw badPlacement(s, `placed ${JSON.stringify(p.key)}, which is not a waiting task`);
  }
  const node = s.nodeByName.get(p.nodeId);
  if (node === undefined || s.down[node])
    throw badPlacement(s, `placed task ${t} on unknown or crashed node "${p.nodeId}"`);
  const view = s.views[node]!;
  const free = view.free.gpuIds;
  if (
    cores[t]! > freeCores[node]! ||
    mem[t]! > freeMem[node]! ||
    p.gpuIds.length !== gpus[t]! ||
    p.gpuIds.some((g, i) => !free.includes(g) || p.gpuIds.indexOf(g) !== i)
  ) {
    throw badPlacement(
      s,
      `task ${t} does not fit the free capacity of node "${p.nodeId}" (or its GPUs are wrong)`,
    );
  }
  let l = 0;
  if (p.cpuFrequencyHz !== undefined) {
    const type = platform.nodeTypes[s.nodeType[node]!]!;
    l =
      p.cpuFrequencyHz === type.cpuFrequencyHz
        ? 0
        : 1 + (type.dvfs ?? []).findIndex((d) => d.frequencyHz === p.cpuFrequencyHz);
    if (l < 0)
      throw badPlacement(
        s,
        `task ${t} asks for ${p.cpuFrequencyHz} Hz, which node type "${type.id}" does not offer`,
      );
  }
  s.dvfs[t] = l;
  s.waiting[t] = 0;
  s.nodeOf[t] = node;
  freeCores[node] = freeCores[node]! - cores[t]!;
  freeMem[node] = freeMem[node]! - mem[t]!;
  freeGpus[node] = freeGpus[node]! - gpus[t];
  if (p.gpuIds.length > 0) {
    view.free.gpuIds = free.filter((g) => !p.gpuIds.includes(g));
    s.taskGpuIds[t] = [...p.gpuIds];
  }
  syncView(s, node);
}

function badPlacement(s: SimState, what: string): SimError {
  return new SimError(
    'SIM_BAD_ASSIGNMENT',
    `scheduler "${s.scheduler!.name}" at t=${s.now}: ${what}`,
    'a placement must name a waiting task and an offered node with room for it',
  );
}

/** Gives the GPU ids `t` holds back to `node`'s view (the counts are freed by the caller). */
export function releaseGpus(s: SimState, t: number, node: number): void {
  const ids = s.taskGpuIds[t];
  if (!ids) return;
  s.taskGpuIds[t] = undefined;
  const view = s.views[node]!;
  view.free.gpuIds = [...view.free.gpuIds, ...ids].sort((a, b) => a - b);
}
