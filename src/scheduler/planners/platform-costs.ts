/**
 * The costs of a `Workload` on a `Platform`, as a {@link CostModel} whose processors are the
 * platform's node TYPES (a handful), not its nodes (thousands): policies choose a type with it and
 * then a node of that type with the node index.
 *
 * - exec(t, type) = work / (cores × speed); `Infinity` when the task needs more cores, memory or
 *   GPUs than a node of the type has. (GPU speed is not used: work is in reference-core seconds.)
 * - comm(from → to) = bytes of the files `from` writes and `to` reads / bandwidth + latency between
 *   the two types' sites: `platform.intraSite` within a site (default free), the direct link between
 *   two sites, `Infinity` when there is none.
 * - stageIn(t, type): the task's inputs that no task writes start where `platform.data` says (files
 *   it does not list are taken to be everywhere); they move to the type's site from time 0.
 * - Means for ranks are over node types weighted by their node counts, among types that can run the
 *   task (exec) or can talk to each other (comm).
 *
 * @example
 * const model = platformCostModel(workload, platform);
 * model.exec(0, 1); // seconds of task 0 on a node of type platform.nodeTypes[1]
 */
import { type NodeType, type Platform, type Workload } from '../../model/index.js';
import { levelStretch } from '../../energy/index.js';
import type { CostModel } from './list-scheduling.js';

export interface PlatformCostModel extends CostModel {
  readonly workload: Workload;
  readonly platform: Platform;
  /** Node types, in `platform.nodeTypes` order: processor p is `types[p]`. */
  readonly types: readonly NodeType[];
  /** Site index of each type, and site ids in index order. */
  readonly siteOfType: Int32Array;
  readonly siteIds: readonly string[];
  /** Cores task t holds while it runs (at least 1). */
  cores(t: number): number;
  /** Bytes task `to` reads from files task `from` writes (0 when none). */
  edgeBytes(from: number, to: number): number;
  /** Bytes on the edge from the i-th parent of t: `parentBytes[parentOffset[t] + i]`. */
  readonly parentBytes: Float64Array;
  readonly parentOffset: Int32Array;
  /** Seconds to move `bytes` from site a to site b (0 bytes: 0 s). */
  transferTime(bytes: number, siteA: number, siteB: number): number;
  /** Joules per byte moved from site a to site b: the link's energy; 0 within a site, Infinity with no link. */
  transferJPerByte(siteA: number, siteB: number): number;
  /** Task that writes file f, or -1; and the site where platform.data puts f, or -1. */
  readonly producer: Int32Array;
  readonly initialSite: Int32Array;
  stageIn(t: number, p: number): number;
  /** Bytes of the inputs of t that no task writes, per site where they initially are. */
  initialInputs(t: number): ReadonlyArray<{ site: number; bytes: number }>;
  /** exec(t, type) at the type's DVFS level (see `NodeType.dvfs`): slower by its speed factor. */
  execAtLevel(t: number, p: number, level: number): number;
  /** execAtLevel for the task's p90 work when its work is an estimate (`workP90`), else the same. */
  execP90AtLevel(t: number, p: number, level: number): number;
}

export function platformCostModel(workload: Workload, platform: Platform): PlatformCostModel {
  const types = platform.nodeTypes;
  const nTypes = types.length;
  const nTasks = workload.tasks.length;
  if (nTypes === 0) throw new RangeError(`platform ${platform.name} has no node types`);

  const siteIds = platform.sites.map((s) => s.id);
  const siteIndex = new Map(siteIds.map((id, i) => [id, i]));
  const siteOfType = new Int32Array(nTypes);
  types.forEach((nt, i) => {
    const s = siteIndex.get(nt.site);
    if (s === undefined)
      throw new RangeError(`node type ${nt.id} is at site ${nt.site}, which platform ${platform.name} lacks`);
    siteOfType[i] = s;
  });

  const { nSites, invBw, latency, jPerByte } = siteLinks(platform, siteIndex);
  const transferTime = (bytes: number, a: number, b: number): number =>
    bytes <= 0 ? 0 : bytes * invBw[a * nSites + b]! + latency[a * nSites + b]!;

  const { meanLat, meanInvBw } = meanLink(types, siteOfType, nSites, latency, invBw);
  const edges = taskEdges(workload, platform, siteIndex, nSites);
  const { parentBytes, parentOffset, stageOffset, stageSites, stageAmounts } = edges;

  const coresOf = (t: number): number => Math.max(1, workload.tasks[t]!.cores);
  const exec = (t: number, p: number): number => {
    const task = workload.tasks[t]!;
    const nt = types[p]!;
    const c = coresOf(t);
    if (c > nt.cores || task.memoryBytes > nt.memoryBytes || task.gpus > nt.gpus) return Infinity;
    return task.work / (c * nt.speed);
  };
  // Only the task's busy share slows down at a lower frequency (levelStretch).
  const execAtLevel = (t: number, p: number, level: number): number =>
    level === 0 ? exec(t, p) : exec(t, p) * levelStretch(types[p]!, level, workload.tasks[t]!.cpuUtilisation);
  const edgeBytes = (from: number, to: number): number => {
    const i = workload.tasks[to]!.parents.indexOf(from);
    return i < 0 ? 0 : parentBytes[parentOffset[to]! + i]!;
  };

  return {
    workload,
    platform,
    types,
    siteOfType,
    siteIds,
    tasks: nTasks,
    processors: nTypes,
    parents: (t) => workload.tasks[t]!.parents,
    children: (t) => edges.children[t]!,
    exec,
    execAtLevel,
    execP90AtLevel(t, p, level) {
      const task = workload.tasks[t]!;
      const e = execAtLevel(t, p, level);
      return task.workP90 !== undefined && task.work > 0
        ? (e * Math.max(task.workP90, task.work)) / task.work
        : e;
    },
    comm: (from, to, pFrom, pTo) => transferTime(edgeBytes(from, to), siteOfType[pFrom]!, siteOfType[pTo]!),
    meanExec(t) {
      let w = 0;
      let sum = 0;
      for (let p = 0; p < nTypes; p++) {
        const e = exec(t, p);
        if (!Number.isFinite(e)) continue;
        w += types[p]!.count;
        sum += types[p]!.count * e;
      }
      return w > 0 ? sum / w : 0;
    },
    meanComm(from, to) {
      const b = edgeBytes(from, to);
      return b <= 0 ? 0 : meanLat + b * meanInvBw;
    },
    cores: coresOf,
    edgeBytes,
    parentBytes,
    parentOffset,
    transferTime,
    transferJPerByte: (a, b) => jPerByte[a * nSites + b]!,
    producer: edges.producer,
    initialSite: edges.initialSite,
    stageIn(t, p) {
      let ready = 0;
      for (let i = stageOffset[t]!; i < stageOffset[t + 1]!; i++)
        ready = Math.max(ready, transferTime(stageAmounts[i]!, stageSites[i]!, siteOfType[p]!));
      return ready;
    },
    initialInputs(t) {
      const out: Array<{ site: number; bytes: number }> = [];
      for (let i = stageOffset[t]!; i < stageOffset[t + 1]!; i++)
        out.push({ site: stageSites[i]!, bytes: stageAmounts[i]! });
      return out;
    },
  };
}

/** Site × site transfer parameters: inverse bandwidth, latency and joules per byte (Infinity: no link). */
function siteLinks(platform: Platform, siteIndex: Map<string, number>) {
  const nSites = platform.sites.length;
  const invBw = new Float64Array(nSites * nSites).fill(Infinity);
  const latency = new Float64Array(nSites * nSites).fill(Infinity);
  const jPerByte = new Float64Array(nSites * nSites).fill(Infinity);
  const intra = platform.intraSite;
  for (let s = 0; s < nSites; s++) {
    invBw[s * nSites + s] = intra ? 1 / intra.bandwidthBps : 0;
    latency[s * nSites + s] = intra ? intra.latencyS : 0;
    jPerByte[s * nSites + s] = 0;
  }
  for (const l of platform.links) {
    const a = siteIndex.get(l.from);
    const b = siteIndex.get(l.to);
    if (a === undefined || b === undefined)
      throw new RangeError(`link ${l.from} — ${l.to} names a site platform ${platform.name} lacks`);
    if (a === b) continue;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      invBw[x * nSites + y] = 1 / l.bandwidthBps;
      latency[x * nSites + y] = l.latencyS;
      jPerByte[x * nSites + y] = l.energyJPerByte;
    }
  }
  return { nSites, invBw, latency, jPerByte };
}

/** Count-weighted means over type pairs that can talk: mean = meanLatency + bytes × meanInvBw. */
function meanLink(
  types: readonly NodeType[],
  siteOfType: Int32Array,
  nSites: number,
  latency: Float64Array,
  invBw: Float64Array,
) {
  let pairWeight = 0;
  let sumLat = 0;
  let sumInvBw = 0;
  for (let a = 0; a < types.length; a++)
    for (let b = 0; b < types.length; b++) {
      const k = siteOfType[a]! * nSites + siteOfType[b]!;
      if (!Number.isFinite(latency[k]!) || !Number.isFinite(invBw[k]!)) continue;
      const w = types[a]!.count * types[b]!.count;
      pairWeight += w;
      sumLat += w * latency[k]!;
      sumInvBw += w * invBw[k]!;
    }
  const meanLat = pairWeight > 0 ? sumLat / pairWeight : 0;
  const meanInvBw = pairWeight > 0 ? sumInvBw / pairWeight : 0;

  return { meanLat, meanInvBw };
}

/**
 * Edges: who writes each file, each task's children, and the bytes on each parent edge (aligned
 * with task.parents); each task's inputs that no task writes, per site where they start.
 */
function taskEdges(workload: Workload, platform: Platform, siteIndex: Map<string, number>, nSites: number) {
  const nTasks = workload.tasks.length;
  const producer = new Int32Array(workload.files.length).fill(-1);
  workload.tasks.forEach((task, t) => {
    for (const f of task.outputs) producer[f] = t;
  });
  const children: number[][] = Array.from({ length: nTasks }, () => []);
  const initialSite = new Int32Array(workload.files.length).fill(-1);
  workload.files.forEach((f, i) => {
    const site = platform.data[f.name];
    if (site === undefined) return;
    const s = siteIndex.get(site);
    if (s === undefined) throw new RangeError(`file ${f.name} is at site ${site}, which the platform lacks`);
    initialSite[i] = s;
  });
  // Flat arrays (CSR), not one small array per task: a million tasks must stay cheap to build.
  const parentOffset = new Int32Array(nTasks + 1);
  for (let t = 0; t < nTasks; t++) parentOffset[t + 1] = parentOffset[t]! + workload.tasks[t]!.parents.length;
  const parentBytes = new Float64Array(parentOffset[nTasks]!);
  const stageOffset = new Int32Array(nTasks + 1);
  const stageSites: number[] = [];
  const stageAmounts: number[] = [];
  const perSite = new Float64Array(nSites);
  const touched: number[] = [];
  for (let t = 0; t < nTasks; t++) {
    const task = workload.tasks[t]!;
    const parents = task.parents;
    const base = parentOffset[t]!;
    for (const p of parents) {
      if (!(p >= 0 && p < nTasks && p !== t))
        throw new RangeError(`task ${task.name} (index ${t}) has parent ${p}, which is not a task`);
      children[p]!.push(t);
    }
    for (const f of task.inputs) {
      const size = workload.files[f]?.sizeBytes ?? 0;
      const p = producer[f] ?? -1;
      if (p >= 0) {
        const i = parents.indexOf(p);
        if (i >= 0) parentBytes[base + i]! += size;
      } else if (initialSite[f]! >= 0) {
        const site = initialSite[f]!;
        if (perSite[site] === 0) touched.push(site);
        perSite[site]! += size;
      }
    }
    for (const site of touched) {
      stageSites.push(site);
      stageAmounts.push(perSite[site]!);
      perSite[site] = 0;
    }
    touched.length = 0;
    stageOffset[t + 1] = stageSites.length;
  }

  return {
    producer,
    children,
    initialSite,
    parentOffset,
    parentBytes,
    stageOffset,
    stageSites,
    stageAmounts,
  };
}
