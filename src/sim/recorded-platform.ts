/**
 * Recorded replay: rebuilds the machines a WfCommons instance was recorded on as a platform of one
 * site, and the recorded task-to-machine mapping as an assignment, so that `simulate` can replay the
 * run against its real makespan (bench/sim-validate-bench.ts, `strata simulate --platform recorded`).
 *
 * Why the speeds are what they are: the importer turned each runtime into work with
 * `work = runtime × cores × speedMHz / referenceMHz` (src/formats/wfcommons/wfcommons.ts); a node of speed
 * `speedMHz / referenceMHz` therefore gives back `work / (cores × speed) = runtime` exactly. Use the
 * same `referenceMHz` as the import (both default to DEFAULT_REFERENCE_MHZ). A machine of unknown
 * speed has speed 1, which is also what the importer assumed for its tasks.
 *
 * Must stay pure (no I/O): the caller reads and imports the file. Semantics in docs/sim-validation.md.
 *
 * @example
 * const { platform, assignment } = recordedReplay(workload);
 * const report = simulate(workload, platform, assignment, { seed: 1 });
 */
import type { NodeType, Platform } from '../model/platform.js';
import type { Workload } from '../model/workload.js';
import { DEFAULT_REFERENCE_MHZ } from '../formats/wfcommons/wfcommons.js';
import type { Assignment } from './sim-options.js';

export interface RecordedReplayOptions {
  /** MHz of the reference core the importer used (default DEFAULT_REFERENCE_MHZ, 2000). */
  referenceMHz?: number;
  /** Power per core at idle, W (default RECORDED_IDLE_W_PER_CORE). */
  idleWPerCore?: number;
  /** Power per core at full load, W (default RECORDED_MAX_W_PER_CORE). */
  maxWPerCore?: number;
  /**
   * At most this many cores of a machine run tasks at once (the workflow manager's job slots per
   * worker, e.g. HTCondor slots or a Work Queue worker's cores); default: all its recorded cores.
   */
  maxCoresPerMachine?: number;
}

export interface RecordedReplay {
  platform: Platform;
  assignment: Assignment;
}

/** The one site of a recorded platform. */
export const RECORDED_SITE_ID = 'recorded';

/**
 * Default power per core. WfFormat records no power, and energy is not validated against anything
 * here, so this is only a plausible figure: SPECpower_ssj2008 results for two-socket x86 servers of
 * the instances' era (2 × 12–24 cores) run at roughly 80–150 W idle and 300–450 W at full load, i.e.
 * about 2 W idle and 7 W at full load per core.
 */
export const RECORDED_IDLE_W_PER_CORE = 2;
export const RECORDED_MAX_W_PER_CORE = 7;

/**
 * Platform and assignment that replay `workload.recorded`:
 *
 * - one site (`recorded`, kind `hpc`, constant carbon intensity 0 — carbon is not recorded), no links;
 * - one node type per recorded machine, count 1, id = the machine's name (made unique with `#2`,
 *   `#3`, ... if names repeat): cores from the record, speed `speedMHz / referenceMHz` (1 when
 *   unknown), memory and power per the rules below;
 * - every task on its recorded machine. A task with no recorded machine (or none that exists) goes to
 *   the machine that would finish it soonest by a simple load count: the least loaded by
 *   Σ work / (cores × speed) of the tasks placed on it so far, in task order (ties: first machine).
 *   With no machine recorded at all (a workload without an execution), one machine `unknown` is made
 *   with enough cores to run every task at once (the sum of task cores), speed 1: the replay is then
 *   the critical path plus overheads.
 *
 * A machine runs at most `cores` cores at once (the simulator queues the rest, in task order), which
 * is what its batch slots did for real: if the recorded mapping put more tasks on a machine than it
 * has cores at some instant, the replay makes them wait rather than pretending the machine was larger.
 * Two exceptions keep every recorded run replayable: a machine has at least as many cores as its
 * largest task, and its memory is the larger of the recorded memory and the sum of the memory of the
 * tasks mapped to it — WfFormat records peak use, not reservations, and the run did happen, so memory
 * never holds a task back in a replay.
 *
 * @example
 * const { platform, assignment } = recordedReplay(workload, { referenceMHz: 2000 });
 * platform.nodeTypes.map((t) => [t.id, t.cores, t.speed]); // [['pegasus-5', 48, 0.6], ...]
 */
export function recordedReplay(workload: Workload, options: RecordedReplayOptions = {}): RecordedReplay {
  const referenceMHz = options.referenceMHz ?? DEFAULT_REFERENCE_MHZ;
  const idlePerCore = options.idleWPerCore ?? RECORDED_IDLE_W_PER_CORE;
  const maxPerCore = options.maxWPerCore ?? RECORDED_MAX_W_PER_CORE;
  const tasks = workload.tasks;
  const n = tasks.length;
  const recorded = workload.recorded;

  interface Machine {
    name: string;
    cores: number;
    speed: number;
    memoryBytes: number;
  }
  const cap =
    options.maxCoresPerMachine !== undefined && options.maxCoresPerMachine > 0
      ? options.maxCoresPerMachine
      : Infinity;
  const machines: Machine[] = (recorded?.machines ?? []).map((m) => ({
    name: m.name,
    cores: Math.min(m.cores > 0 ? m.cores : 1, cap),
    speed: m.speedMHz !== null && m.speedMHz > 0 ? m.speedMHz / referenceMHz : 1,
    memoryBytes: m.memoryBytes ?? 0,
  }));
  if (machines.length === 0) {
    const cores = tasks.reduce((s, t) => s + t.cores, 0);
    machines.push({ name: 'unknown', cores: Math.max(1, cores), speed: 1, memoryBytes: 0 });
  }
  const M = machines.length;

  // Recorded machines first; then the unmapped tasks, least loaded machine first.
  const nodeOf = new Int32Array(n).fill(-1);
  const load = new Float64Array(M);
  for (let t = 0; t < n; t++) {
    const m = recorded?.tasks[t]?.machine;
    if (m !== undefined && m !== null && m >= 0 && m < M) {
      nodeOf[t] = m;
      const mc = machines[m]!;
      load[m] = load[m]! + tasks[t]!.work / (mc.cores * mc.speed);
    }
  }
  for (let t = 0; t < n; t++) {
    if (nodeOf[t]! >= 0) continue;
    let best = 0;
    for (let m = 1; m < M; m++) if (load[m]! < load[best]!) best = m;
    nodeOf[t] = best;
    const mc = machines[best]!;
    load[best] = load[best]! + tasks[t]!.work / (mc.cores * mc.speed);
  }

  // Every mapped task must fit its machine (see above).
  const memSum = new Float64Array(M);
  for (let t = 0; t < n; t++) {
    const m = nodeOf[t]!;
    const task = tasks[t]!;
    const mc = machines[m]!;
    if (task.cores > mc.cores) mc.cores = task.cores;
    memSum[m] = memSum[m]! + task.memoryBytes;
  }

  const seen = new Map<string, number>();
  const nodeTypes: NodeType[] = machines.map((mc, m) => {
    const k = (seen.get(mc.name) ?? 0) + 1;
    seen.set(mc.name, k);
    return {
      id: k === 1 ? mc.name : `${mc.name}#${k}`,
      site: RECORDED_SITE_ID,
      count: 1,
      cores: mc.cores,
      speed: mc.speed,
      memoryBytes: Math.max(mc.memoryBytes, memSum[m]!),
      gpus: 0,
      gpuSpeed: 0,
      idleW: idlePerCore * mc.cores,
      maxW: maxPerCore * mc.cores,
    };
  });

  const platform: Platform = {
    name: `recorded:${workload.name}`,
    sites: [{ id: RECORDED_SITE_ID, kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 0 } }],
    nodeTypes,
    links: [],
    data: {},
  };
  return { platform, assignment: { nodeOf } };
}
