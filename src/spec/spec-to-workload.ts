/**
 * A Strata workflow spec as a `Workload` for the digital twin, so that users can try a policy on
 * their own workflow before running it (`strata simulate --workflow wf.yaml --history …`).
 *
 * A spec says what runs and what it needs, not how long it takes: the runtimes come from `estimate`
 * (in practice the performance model, learnt from earlier runs of the same programs). Each task's
 * type is its PROGRAM — the base name of `argv[0]`, or of the first word of a shell command, as a
 * WfCommons trace names it — which is what a performance model learns runtimes per. Work is the
 * estimated runtime on one reference core (speed 1) times the task's CPUs. Files are the tasks'
 * inputs and outputs, by path relative to the workflow (a task's workdir joined): an input no task
 * writes has the size `inputBytes` gives it (0 when unknown), outputs have size 0 (a spec does not
 * say how big they will be). Pure: the caller reads the files.
 *
 * @example
 * const { workload, priors } = specToWorkload(spec, (f) => ({ runtimeS: predictor.predict(f, ref).runtime.mean, prior: false }));
 */
import type { TaskSpec, Workload, WorkloadFile, WorkflowSpec } from '../model/index.js';
import { resolveFromWorkdir } from './posix-paths.js';

/** What the runtime estimate is asked about. */
export interface SpecTaskFeatures {
  type: string;
  inputBytes: number;
  cores: number;
  memoryBytes: number;
}

export interface SpecRuntimeEstimate {
  /** Seconds on one reference core. */
  runtimeS: number;
  /** Whether the estimate is a prior (nothing known about this type). */
  prior: boolean;
  /** Estimated share of its run its cores compute (`WorkloadTask.cpuUtilisation`); unset = CPU-bound. */
  cpuUtilisation?: number;
}

export interface SpecToWorkloadOptions {
  /** Size in bytes of an input no task writes, by its path (relative to the workflow); default 0. */
  inputBytes?: (path: string) => number;
}

/** The program a task runs: the base name of its first word. */
export function programOf(task: TaskSpec): string {
  const first =
    'argv' in task.command ? (task.command.argv[0] ?? '') : (task.command.shell.trim().split(/\s+/)[0] ?? '');
  const base = first.slice(first.lastIndexOf('/') + 1);
  return base === '' ? task.name : base;
}

export function specToWorkload(
  spec: WorkflowSpec,
  estimate: (features: SpecTaskFeatures) => SpecRuntimeEstimate,
  options: SpecToWorkloadOptions = {},
): { workload: Workload; priors: number } {
  const files: WorkloadFile[] = [];
  const fileIndex = new Map<string, number>();
  const fileOf = (path: string): number => {
    let i = fileIndex.get(path);
    if (i === undefined) {
      i = files.length;
      files.push({ name: path, sizeBytes: 0 });
      fileIndex.set(path, i);
    }
    return i;
  };
  const pathOf = (task: TaskSpec, p: string): string => resolveFromWorkdir(task.workdir, p);
  const written = new Set<string>();
  for (const task of spec.tasks) for (const o of task.outputs) written.add(pathOf(task, o));

  const indexOf = new Map(spec.tasks.map((t, i) => [t.name, i]));
  let priors = 0;
  const tasks = spec.tasks.map((task) => {
    const inputs = task.inputs.map((p) => {
      const path = pathOf(task, p);
      const f = fileOf(path);
      if (!written.has(path)) files[f]!.sizeBytes = options.inputBytes?.(path) ?? 0;
      return f;
    });
    const outputs = task.outputs.map((p) => fileOf(pathOf(task, p)));
    const cores = Math.max(1, task.resources.cpus);
    const features: SpecTaskFeatures = {
      type: programOf(task),
      inputBytes: inputs.reduce((s, f) => s + files[f]!.sizeBytes, 0),
      cores,
      memoryBytes: task.resources.memoryBytes,
    };
    const est = estimate(features);
    if (est.prior) priors++;
    return {
      name: task.name,
      type: features.type,
      work: Math.max(0, est.runtimeS) * cores,
      cores,
      memoryBytes: task.resources.memoryBytes,
      gpus: task.resources.gpus,
      inputs,
      outputs,
      parents: task.deps.map((d) => indexOf.get(d)!),
      ...(task.flexible ? { flexible: true } : {}),
      ...(est.cpuUtilisation !== undefined ? { cpuUtilisation: est.cpuUtilisation } : {}),
    };
  });
  return { workload: { name: spec.name, tasks, files }, priors };
}
