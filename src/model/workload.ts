/**
 * A workload: a DAG of tasks with amounts of work and files, as the scheduler's static policies and
 * the digital twin see it (no commands). Imported from WfCommons instances or derived from a Strata
 * workflow. Arrays indexed by position, so that a million tasks stay cheap.
 */

export interface WorkloadFile {
  name: string;
  sizeBytes: number;
}

export interface WorkloadTask {
  name: string;
  /** The program (transformation) it runs: what performance models learn per. */
  type: string;
  /** Work in reference-core seconds: its runtime on one core of speed 1, on one core. */
  work: number;
  /**
   * When `work` is an estimate: its 90th percentile, in the same units. Planners that slow a task
   * down (lower CPU frequencies) check that it would still fit at this much work. Default: `work`.
   */
  workP90?: number;
  /** Cores it uses (its work is spread over them). */
  cores: number;
  /**
   * The fraction of its run its cores are busy computing, 0–1 (a WfCommons task's `avgCPU` / 100 /
   * cores). The rest is waiting (I/O, network): it draws no dynamic power and does not slow down at a
   * lower CPU frequency. Default 1 (CPU-bound).
   */
  cpuUtilisation?: number;
  memoryBytes: number;
  gpus: number;
  /** Indices into `Workload.files`. */
  inputs: number[];
  outputs: number[];
  /** Indices of the tasks it depends on. */
  parents: number[];
  /**
   * Whether it may wait for a greener hour or move to a greener site (carbon-aware policies);
   * default false.
   */
  flexible?: boolean;
}

/** What a recorded execution (a WfCommons instance) says about how the workload really ran. */
export interface RecordedExecution {
  makespanS: number;
  runtimeSystem: { name: string; version: string };
  /** The machines it ran on, as a platform of one site. */
  machines: Array<{ name: string; cores: number; speedMHz: number | null; memoryBytes: number | null }>;
  /** Per task: runtime in seconds as measured, and the machine index it ran on (null if unknown). */
  tasks: Array<{ runtimeS: number; machine: number | null; startS: number | null }>;
}

export interface Workload {
  name: string;
  tasks: WorkloadTask[];
  files: WorkloadFile[];
  recorded?: RecordedExecution;
}
