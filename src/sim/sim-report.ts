/**
 * Turns the state a run ended in into its `SimReport` (report.ts): makespan, energy and carbon
 * (from energy-accounting.ts), transfers, utilisation, failure counts, and the per-task trace when
 * asked for. Runs once, after the event loop.
 */
import { energyTotals, taskEnergy } from './energy-accounting.js';
import type { SimReport } from './report.js';
import { DONE, J_PER_KWH, type SimState } from './sim-state.js';

export function buildReport(s: SimState): SimReport {
  const makespan = s.nTasks > 0 ? s.now : 0;
  const e = energyTotals(s, makespan);
  const report: SimReport = {
    makespanS: makespan,
    energyKWh: e.energyJ / J_PER_KWH,
    carbonKg: e.carbonG / 1000,
    workflowEnergyKWh: (s.heldJ + e.transferJ) / J_PER_KWH,
    workflowCarbonKg: (s.heldG + e.transferG) / 1000,
    bytesMoved: s.bytesMoved,
    transfers: s.nTransfers,
    meanUtilisation: makespan > 0 && e.totalCores > 0 ? e.busyCoreS / (e.totalCores * makespan) : 0,
    tasksFinished: s.finished,
    slowedTasks: countSlowed(s.dvfs, s.state),
    failures: {
      nodeCrashes: s.nodeCrashes,
      failedAttempts: s.failedAttempts,
      retriedTasks: s.retriedTasks,
      failedTasks: s.failedTasks,
      skippedTasks: s.skippedTasks,
      stragglers: s.stragglers,
    },
    perSite: e.perSite,
    perNode: { energyJ: e.perNodeJ, carbonG: e.perNodeG, busyCoreS: s.nodeBusyCoreS },
    events: s.events,
  };
  if (s.trace) {
    const energy = taskEnergy(s, makespan, e.idleCi);
    report.trace = {
      start: s.attemptStart,
      finish: s.finishAt,
      node: Int32Array.from(s.nodeOf),
      attempts: s.attempts,
      energyJ: energy.energyJ,
      carbonG: energy.carbonG,
      level: Uint8Array.from(s.dvfs),
    };
  }
  return report;
}

/** Tasks that finished at a DVFS level > 0. */
function countSlowed(level: Uint8Array, state: Uint8Array): number {
  let k = 0;
  for (let t = 0; t < level.length; t++) if (level[t]! > 0 && state[t] === DONE) k++;
  return k;
}
