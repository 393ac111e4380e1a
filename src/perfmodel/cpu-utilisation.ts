/**
 * Estimates a task's CPU utilisation (`WorkloadTask.cpuUtilisation`: the share of its run its cores
 * compute) from tasks seen before: the mean of those of its type (program), else of all, else
 * unknown. The energy-aware planners use it (dynamic power is drawn, and a lower CPU frequency
 * slows the run, only while the cores are busy). Learnt like the runtime predictors — from history
 * runs, and from a run's own earlier tasks when `predictedWorkload` learns online. Pure, no I/O.
 *
 * @example
 * const util = new CpuUtilisationEstimator();
 * util.observeWorkload(historyRun);        // tasks with a recorded cpuUtilisation
 * util.estimate('mProject');               // their mean, or of all types, or undefined
 */
import type { Workload } from '../model/workload.js';

export class CpuUtilisationEstimator {
  private readonly byType = new Map<string, { sum: number; n: number }>();
  private readonly all = { sum: 0, n: 0 };

  /** Records one finished task's utilisation (ignored unless 0–1). */
  observe(type: string, cpuUtilisation: number): void {
    if (!(cpuUtilisation >= 0 && cpuUtilisation <= 1)) return;
    const t = this.byType.get(type) ?? { sum: 0, n: 0 };
    t.sum += cpuUtilisation;
    t.n++;
    this.byType.set(type, t);
    this.all.sum += cpuUtilisation;
    this.all.n++;
  }

  /** Observes every task of a run that records its utilisation; returns how many did. */
  observeWorkload(workload: Workload): number {
    let n = 0;
    for (const t of workload.tasks) {
      if (t.cpuUtilisation === undefined) continue;
      this.observe(t.type, t.cpuUtilisation);
      n++;
    }
    return n;
  }

  /** The mean of the type's tasks seen, else of all tasks seen, else undefined (nothing seen). */
  estimate(type: string): number | undefined {
    const s = this.byType.get(type) ?? (this.all.n > 0 ? this.all : undefined);
    return s ? s.sum / s.n : undefined;
  }
}
