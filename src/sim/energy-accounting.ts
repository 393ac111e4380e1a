/**
 * Where the twin's energy and carbon figures come from: each attempt's dynamic energy as it ends,
 * each transfer's as it lands, and, after the run, every node's idle energy over the makespan, summed
 * per node, per site and in total (and per task for the trace).
 *
 * Why the arithmetic is written out the way it is: the reported figures are compared byte for byte
 * across versions, and floating-point sums depend on their order, so every sum here keeps the order
 * (and the grouping of each expression) it has always had.
 */
import { busyFraction } from '../energy/index.js';
import type { SimReport } from './report.js';
import { J_PER_KWH, type SimState } from './sim-state.js';

/**
 * Books the attempt of `t` on `node` that ends now (finished or killed): its busy core-seconds, its
 * dynamic energy and carbon (per node and per task), and what the workflow holds.
 */
export function bookAttemptEnergy(s: SimState, t: number, node: number): void {
  const { cores, nodeCores, carbon, nodeSite, t0Carbon } = s;
  const now = s.now;
  const start = s.attemptStart[t]!;
  const d = now - start;
  const coreS = cores[t]! * d;
  s.nodeBusyCoreS[node] = s.nodeBusyCoreS[node]! + coreS;
  s.taskCoreS[t] = s.taskCoreS[t]! + coreS;
  // The host's dynamic power is drawn while the cores are busy (levelBusyFraction).
  const level = s.dvfs[t]!;
  const type = s.nodeType[node]!;
  const spanW = s.typeLevelSpanW[type]![level]!;
  const busy = busyFraction(s.cpuUtil[t]!, s.typeLevelSpeed[type]![level]!);
  const dynW = (spanW * cores[t]! * busy) / nodeCores[node]! + s.gpus[t]! * s.gpuSpanW[node]!;
  const j = dynW * d;
  const g = (dynW * carbon[nodeSite[node]!]!.integral(t0Carbon + start, t0Carbon + now)) / J_PER_KWH;
  s.nodeDynJ[node] = s.nodeDynJ[node]! + j;
  s.nodeDynG[node] = s.nodeDynG[node]! + g;
  s.taskDynJ[t] = s.taskDynJ[t]! + j;
  s.taskDynG[t] = s.taskDynG[t]! + g;
  // What the workflow holds: the cores' full share of the node's power (idle and dynamic) while
  // it holds them, and its GPUs' — the energy a policy's own model counts (taskEnergyJ).
  const idleShareW = (s.hostIdleW[node]! * cores[t]!) / nodeCores[node]! + s.gpus[t]! * s.gpuIdleW[node]!;
  s.heldJ += j + idleShareW * d;
  s.heldG +=
    g + (idleShareW * carbon[nodeSite[node]!]!.integral(t0Carbon + start, t0Carbon + now)) / J_PER_KWH;
}

/** Books transfer `tr`, whose bytes landed now at its destination site, at that site's mean intensity. */
export function bookTransferEnergy(s: SimState, tr: number): void {
  const now = s.now;
  const dst = s.trDst[tr]!;
  const e = s.fileSize[s.trFile[tr]!]! * s.linkJPerByte[s.trLink[tr]!]!;
  const start = s.trStart[tr]!;
  const ci = s.carbon[dst]!;
  const avg =
    now > start
      ? ci.integral(s.t0Carbon + start, s.t0Carbon + now) / (now - start)
      : ci.valueAt(s.t0Carbon + now);
  s.siteTransferJ[dst] = s.siteTransferJ[dst]! + e;
  s.siteTransferG[dst] = s.siteTransferG[dst]! + (e * avg) / J_PER_KWH;
}

/** The run's energy and carbon, once it is over. */
export interface EnergyTotals {
  energyJ: number;
  carbonG: number;
  /** Transfers only. */
  transferJ: number;
  transferG: number;
  perSite: SimReport['perSite'];
  perNodeJ: Float64Array;
  perNodeG: Float64Array;
  /** Per site: the carbon intensity integrated over the makespan (what idle power is charged at). */
  idleCi: number[];
  /** Core-seconds busy, over all nodes, and the cores they have (for the mean utilisation). */
  busyCoreS: number;
  totalCores: number;
}

/** Every node draws its idle power all along: adds that to the dynamic and transfer energy, per node and site. */
export function energyTotals(s: SimState, makespan: number): EnergyTotals {
  const { nodeSite, nodeIdleW, nodeDynJ, nodeDynG, siteTransferJ, siteTransferG, t0Carbon } = s;
  const N = s.nNodes;
  const perNodeJ = new Float64Array(N);
  const perNodeG = new Float64Array(N);
  const siteJ = Float64Array.from(siteTransferJ);
  const siteG = Float64Array.from(siteTransferG);
  const idleCi = s.carbon.map((c) => c.integral(t0Carbon, t0Carbon + makespan));
  let totalCores = 0;
  let busy = 0;
  for (let k = 0; k < N; k++) {
    const site = nodeSite[k]!;
    const j = nodeIdleW[k]! * makespan + nodeDynJ[k]!;
    const g = (nodeIdleW[k]! * idleCi[site]!) / J_PER_KWH + nodeDynG[k]!;
    perNodeJ[k] = j;
    perNodeG[k] = g;
    siteJ[site] = siteJ[site]! + j;
    siteG[site] = siteG[site]! + g;
    totalCores += s.nodeCores[k]!;
    busy += s.nodeBusyCoreS[k]!;
  }
  const perSite: SimReport['perSite'] = {};
  let energyJ = 0;
  let carbonG = 0;
  s.platform.sites.forEach((site, i) => {
    perSite[site.id] = { energyKWh: siteJ[i]! / J_PER_KWH, carbonKg: siteG[i]! / 1000 };
    energyJ += siteJ[i]!;
    carbonG += siteG[i]!;
  });
  let transferJ = 0;
  let transferG = 0;
  for (let i = 0; i < siteTransferJ.length; i++) {
    transferJ += siteTransferJ[i]!;
    transferG += siteTransferG[i]!;
  }
  return {
    energyJ,
    carbonG,
    transferJ,
    transferG,
    perSite,
    perNodeJ,
    perNodeG,
    idleCi,
    busyCoreS: busy,
    totalCores,
  };
}

/** Per task: its dynamic energy plus a share of its node's idle energy in proportion to the core-seconds it used there. */
export function taskEnergy(
  s: SimState,
  makespan: number,
  idleCi: number[],
): { energyJ: Float64Array; carbonG: Float64Array } {
  const { nodeOf, nodeBusyCoreS, nodeIdleW, nodeSite, taskCoreS, taskDynJ, taskDynG } = s;
  const n = s.nTasks;
  const energy = new Float64Array(n);
  const carbonT = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const node = nodeOf[t]!;
    if (node < 0) continue; // online: never placed (skipped behind a failure)
    const share = nodeBusyCoreS[node]! > 0 ? taskCoreS[t]! / nodeBusyCoreS[node]! : 0;
    const idleJ = nodeIdleW[node]! * makespan;
    const idleG = (nodeIdleW[node]! * idleCi[nodeSite[node]!]!) / J_PER_KWH;
    energy[t] = taskDynJ[t]! + share * idleJ;
    carbonT[t] = taskDynG[t]! + share * idleG;
  }
  return { energyJ: energy, carbonG: carbonT };
}
