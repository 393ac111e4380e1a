/**
 * What a simulation run reports, and a plain-text rendering of it. Units: seconds, kWh, kg CO2e,
 * bytes; per-node and per-task figures in joules and grams (they are small).
 */

export interface SimFailureCounts {
  /** Node crashes that happened before the workflow ended. */
  nodeCrashes: number;
  /** Attempts killed by a crash. */
  failedAttempts: number;
  /** Tasks that needed at least one retry. */
  retriedTasks: number;
  /** Tasks that ran out of attempts. */
  failedTasks: number;
  /** Descendants of failed tasks, never run. */
  skippedTasks: number;
  /** Attempts that drew the straggler slowdown. */
  stragglers: number;
}

export interface SimTrace {
  /** Start of the task's last attempt (NaN if it never started). */
  start: Float64Array;
  /** When it finished (NaN if it never finished). */
  finish: Float64Array;
  node: Int32Array;
  /** Attempts started. */
  attempts: Int32Array;
  /** Energy of the task: its dynamic energy (all attempts) plus its share of its node's idle energy. */
  energyJ: Float64Array;
  carbonG: Float64Array;
  /** DVFS level it ran at (0 = nominal CPU frequency; see `NodeType.dvfs`). */
  level: Uint8Array;
}

export interface SimReport {
  makespanS: number;
  /** Energy of the whole platform during the run: every node's idle power all along, plus dynamic and transfer energy. */
  energyKWh: number;
  carbonKg: number;
  /**
   * Energy attributable to the workflow: for each attempt, its cores' share of its node's power
   * (idle and dynamic) while it ran, plus its transfers. Leaves out nodes and time the workflow did not
   * use — what it adds on a shared continuum, and what the energy- and carbon-aware policies minimise.
   */
  workflowEnergyKWh: number;
  workflowCarbonKg: number;
  /** Bytes moved between sites (intra-site moves are not counted). */
  bytesMoved: number;
  /** Inter-site transfers made. */
  transfers: number;
  /** Busy core-seconds over (all cores × makespan). */
  meanUtilisation: number;
  /** Tasks that finished. */
  tasksFinished: number;
  /** Tasks that ran below their node's nominal CPU frequency (a DVFS level > 0). */
  slowedTasks: number;
  failures: SimFailureCounts;
  perSite: Record<string, { energyKWh: number; carbonKg: number }>;
  /** Per global node index. */
  perNode: { energyJ: Float64Array; carbonG: Float64Array; busyCoreS: Float64Array };
  /** Events processed (stale ones not counted). */
  events: number;
  /** Per task start/finish/node (for a Gantt chart) — only when options.trace is true. */
  trace?: SimTrace;
}

/**
 * A small table of the headline figures.
 *
 * @example
 * console.log(formatReport(report));
 */
export function formatReport(r: SimReport): string {
  const rows: Array<[string, string]> = [
    ['makespan', `${r.makespanS.toFixed(1)} s`],
    ['tasks finished', String(r.tasksFinished)],
    ...(r.slowedTasks > 0
      ? [['DVFS', `${r.slowedTasks} tasks below nominal CPU frequency`] as [string, string]]
      : []),
    ['energy', `${r.energyKWh.toFixed(3)} kWh`],
    ['carbon', `${r.carbonKg.toFixed(3)} kg CO2e`],
    ['bytes moved', `${(r.bytesMoved / 1e9).toFixed(3)} GB in ${r.transfers} transfers`],
    ['mean utilisation', `${(r.meanUtilisation * 100).toFixed(1)} %`],
    [
      'failures',
      `${r.failures.nodeCrashes} crashes, ${r.failures.failedAttempts} failed attempts, ` +
        `${r.failures.retriedTasks} retried, ${r.failures.failedTasks} failed, ` +
        `${r.failures.skippedTasks} skipped, ${r.failures.stragglers} stragglers`,
    ],
    ['events', String(r.events)],
  ];
  for (const [site, s] of Object.entries(r.perSite)) {
    rows.push([`site ${site}`, `${s.energyKWh.toFixed(3)} kWh, ${s.carbonKg.toFixed(3)} kg CO2e`]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
