/**
 * A seeded generator of large layered random DAGs, for the simulator's benchmark and stress tests:
 * `levels` levels of about equal width; each task past the first level has 1–3 parents in the level
 * above, drawn near its own position (so that locality-minded placements have something to find);
 * each task writes one file that its children read; first-level tasks read one of a few initial
 * datasets. Work is lognormal, file sizes Pareto (heavy-tailed), cores mostly 1.
 *
 * @example
 * const { workload, initialData } = syntheticWorkload({ tasks: 10_000, seed: 7 });
 */
import type { Workload, WorkloadFile, WorkloadTask } from '../model/index.js';
import { Random } from '../model/index.js';

export interface SyntheticWorkloadOptions {
  tasks: number;
  seed: number;
  /** Number of levels (default 100; at most one per task). */
  levels?: number;
  /** Parents per task past the first level: uniform in 1..maxParents (default 3). */
  maxParents?: number;
  /** Median work in reference-core seconds (default 60) and the lognormal's sigma (default 1). */
  workMedianS?: number;
  workSigma?: number;
  /** Pareto file sizes: minimum (default 1 MB), tail index (default 1.5), cap (default 10 GB). */
  fileMinBytes?: number;
  fileAlpha?: number;
  fileMaxBytes?: number;
  /** Initial datasets read by first-level tasks (default 16), placed round-robin on these sites. */
  datasets?: number;
  dataSites?: string[];
}

export interface SyntheticWorkload {
  workload: Workload;
  /** DAG level of each task (0 = first). */
  level: Int32Array;
  /** Where the initial datasets are: merge into `platform.data`. */
  initialData: Record<string, string>;
}

export function syntheticWorkload(o: SyntheticWorkloadOptions): SyntheticWorkload {
  const n = o.tasks;
  const levels = Math.max(1, Math.min(o.levels ?? 100, n));
  const maxParents = o.maxParents ?? 3;
  const workMedian = o.workMedianS ?? 60;
  const workSigma = o.workSigma ?? 1;
  const fileMin = o.fileMinBytes ?? 1e6;
  const fileAlpha = o.fileAlpha ?? 1.5;
  const fileMax = o.fileMaxBytes ?? 1e10;
  const datasets = o.datasets ?? 16;
  const dataSites = o.dataSites ?? [];
  const rng = new Random(o.seed, 7);

  const files: WorkloadFile[] = [];
  const initialData: Record<string, string> = {};
  for (let d = 0; d < datasets; d++) {
    const name = `dataset-${d}`;
    files.push({ name, sizeBytes: Math.round(Math.min(fileMax, rng.pareto(fileMin * 100, fileAlpha))) });
    if (dataSites.length > 0) initialData[name] = dataSites[d % dataSites.length]!;
  }

  const level = new Int32Array(n);
  const tasks: WorkloadTask[] = new Array<WorkloadTask>(n);
  const noFiles: number[] = [];
  const r = () => rng.next();
  let levelStart = 0;
  let prevStart = 0;
  let prevWidth = 0;
  for (let lv = 0; lv < levels; lv++) {
    const end = Math.round(((lv + 1) * n) / levels);
    const width = end - levelStart;
    for (let t = levelStart; t < end; t++) {
      level[t] = lv;
      const out = files.length;
      files.push({ name: `f${t}`, sizeBytes: Math.round(Math.min(fileMax, rng.pareto(fileMin, fileAlpha))) });
      let parents: number[];
      let inputs: number[];
      if (lv === 0 || prevWidth === 0) {
        parents = noFiles;
        inputs = datasets > 0 ? [rng.int(datasets)] : noFiles;
      } else {
        const k = 1 + rng.int(maxParents);
        parents = [];
        inputs = [];
        // Near the same relative position in the level above: ±2.5% of its width.
        const centre = Math.floor(((t - levelStart) / width) * prevWidth);
        const window = Math.max(1, Math.ceil(prevWidth * 0.025));
        for (let j = 0; j < k; j++) {
          let pos = centre + rng.int(2 * window + 1) - window;
          pos = Math.min(prevWidth - 1, Math.max(0, pos));
          const p = prevStart + pos;
          if (!parents.includes(p)) {
            parents.push(p);
            inputs.push(datasets + p);
          }
        }
      }
      const u = r();
      const cores = u < 0.7 ? 1 : u < 0.9 ? 2 : 4;
      tasks[t] = {
        name: `t${t}`,
        type: `type${lv % 10}`,
        work: rng.lognormal(workMedian, workSigma) * cores,
        cores,
        memoryBytes: (1 + rng.int(4)) * 2 ** 30,
        gpus: 0,
        inputs,
        outputs: [out],
        parents,
      };
    }
    prevStart = levelStart;
    prevWidth = width;
    levelStart = end;
  }
  return { workload: { name: `synthetic-${n}`, tasks, files }, level, initialData };
}
