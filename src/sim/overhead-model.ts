/**
 * The runtime-system model: what a workflow manager (Pegasus/HTCondor, Makeflow/Work Queue,
 * Nextflow) adds to a recorded run beyond the tasks' own runtimes — job release and submission,
 * queueing, polling, post-processing — as a few parameters per runtime system, fitted on the 31
 * shared WfCommons instances by bench/fit-overheads.ts. docs/sim-validation.md has the model, the
 * fit and its errors.
 *
 * The parameters are DATA (RUNTIME_SYSTEM_MODELS): re-run `npm run fit:overheads` and copy its
 * output here when the instances or the simulator's semantics change. Pure: no I/O.
 *
 * @example
 * const model = runtimeSystemModelFor(workload.recorded!.runtimeSystem);
 * const { platform, assignment } = recordedReplay(workload, { maxCoresPerMachine: model.maxCoresPerMachine });
 * simulate(workload, platform, assignment, { seed: 1, overheads: model.overheads });
 */
import type { SimOverheads } from './sim-options.js';

export interface RuntimeSystemModel {
  /** Stable id, e.g. `pegasus-4.9`. */
  id: string;
  /** For people, e.g. `Pegasus 4.9.x`. */
  label: string;
  /** Matches a recorded runtime system whose name contains this (case-insensitive)... */
  nameContains: string;
  /** ...and whose version starts with this ('' = any version). */
  versionPrefix: string;
  /**
   * `perTaskS`, `releaseRatePerS` (0 = unlimited), `perLevelS`, `stagingBandwidthBps` (0 = no staging
   * channel): see docs/simulator.md.
   */
  overheads: Required<SimOverheads>;
  /**
   * Jobs (cores) a machine runs at once under this manager, when fewer than its cores (HTCondor
   * slots, Work Queue worker cores); undefined = all its cores. Applied by recordedReplay.
   */
  maxCoresPerMachine?: number;
  /** Where the values come from. */
  fit: { instances: number; medianAbsRelErr: number; looMedianAbsRelErr: number | null };
}

/**
 * Fitted by bench/fit-overheads.ts (grid search over perTaskS × releaseRatePerS × perLevelS ×
 * stagingBandwidthBps × maxCoresPerMachine minimising the median absolute relative error of the makespan, ties broken by
 * the mean |log(simulated/real)|), on the instances of /work/shared/data/wfcommons (WfInstances
 * commit f085867f), recorded replay with referenceMHz 2000, Nov 2026: 12,005 combinations
 * (perTaskS ∈ {0,10,20,40,60,90,120}, releaseRatePerS ∈ {0 (none),1,0.5,0.3,0.2,0.1,0.05},
 * perLevelS ∈ {0,20,40,60,90,120,180}, stagingBandwidthBps ∈ {0 (none), 10, 2, 1, 0.5 Gb/s},
 * maxCoresPerMachine ∈ {all,2,4,6,8,12,16}). `fit` holds the in-sample and leave-one-out medians of
 * |relative error| of that run (all 31: 10.7 % and 27.5 %; before the staging channel was added,
 * 12.7 % and 33.8 %). The generic model's leave-one-out leaves one of all 31 out.
 */
export const RUNTIME_SYSTEM_MODELS: readonly RuntimeSystemModel[] = [
  {
    id: 'pegasus-4.9',
    label: 'Pegasus 4.9.x',
    nameContains: 'pegasus',
    versionPrefix: '4.',
    overheads: { perTaskS: 20, releaseRatePerS: 0.5, perLevelS: 40, stagingBandwidthBps: 6.25e7 },
    fit: { instances: 13, medianAbsRelErr: 0.107, looMedianAbsRelErr: 0.268 },
  },
  {
    id: 'pegasus-5.0',
    label: 'Pegasus 5.0.x',
    nameContains: 'pegasus',
    versionPrefix: '5.',
    overheads: { perTaskS: 0, releaseRatePerS: 1, perLevelS: 20, stagingBandwidthBps: 1.25e9 },
    maxCoresPerMachine: 6,
    fit: { instances: 8, medianAbsRelErr: 0.197, looMedianAbsRelErr: 0.452 },
  },
  {
    id: 'makeflow',
    label: 'Makeflow (Work Queue)',
    nameContains: 'makeflow',
    versionPrefix: '',
    overheads: { perTaskS: 120, releaseRatePerS: 0.3, perLevelS: 180, stagingBandwidthBps: 1.25e9 },
    maxCoresPerMachine: 4,
    fit: { instances: 5, medianAbsRelErr: 0.052, looMedianAbsRelErr: 0.152 },
  },
  {
    id: 'nextflow',
    label: 'Nextflow',
    nameContains: 'nextflow',
    versionPrefix: '',
    overheads: { perTaskS: 20, releaseRatePerS: 0.1, perLevelS: 20, stagingBandwidthBps: 0 },
    fit: { instances: 5, medianAbsRelErr: 0.038, looMedianAbsRelErr: 0.059 },
  },
];

/**
 * For a runtime system none of the above matches (another manager, or Pegasus 3.x/6.x): one set of
 * parameters fitted on all the shared instances together — a generic workflow manager.
 */
export const FALLBACK_RUNTIME_SYSTEM_MODEL: RuntimeSystemModel = {
  id: 'generic',
  label: 'any other runtime system',
  nameContains: '',
  versionPrefix: '',
  overheads: { perTaskS: 10, releaseRatePerS: 0.5, perLevelS: 40, stagingBandwidthBps: 1.25e8 },
  fit: { instances: 31, medianAbsRelErr: 0.179, looMedianAbsRelErr: 0.405 },
};

/**
 * The model of a recorded runtime system: the first of RUNTIME_SYSTEM_MODELS whose `nameContains`
 * is in the name (case-insensitive) and whose `versionPrefix` starts the version; else, for a Pegasus
 * of another version, the Pegasus model of the nearest major version (3.x → 4.9, 6.x → 5.0); else
 * FALLBACK_RUNTIME_SYSTEM_MODEL.
 *
 * @example
 * runtimeSystemModelFor({ name: 'Pegasus', version: '4.9.3' }).id; // 'pegasus-4.9'
 * runtimeSystemModelFor({ name: 'Snakemake', version: '8.0' }).id; // 'generic'
 */
export function runtimeSystemModelFor(runtimeSystem: { name: string; version: string }): RuntimeSystemModel {
  const name = runtimeSystem.name.trim().toLowerCase();
  const version = runtimeSystem.version.trim().replace(/^v/i, '');
  const named = RUNTIME_SYSTEM_MODELS.filter((m) => name.includes(m.nameContains));
  const exact = named.find((m) => version.startsWith(m.versionPrefix));
  if (exact) return exact;
  if (named.length > 0) {
    // Nearest major version among the models of that name (earlier on a tie).
    const major = Number.parseInt(version, 10);
    if (Number.isFinite(major)) {
      let best: RuntimeSystemModel | undefined;
      let bestD = Infinity;
      for (const m of named) {
        const d = Math.abs(Number.parseInt(m.versionPrefix, 10) - major);
        if (d < bestD) {
          best = m;
          bestD = d;
        }
      }
      if (best) return best;
    }
    return named[named.length - 1]!;
  }
  return FALLBACK_RUNTIME_SYSTEM_MODEL;
}

/**
 * The simulator overheads of a recorded runtime system (see runtimeSystemModelFor for the matching).
 * A fresh object, so that callers may change it.
 *
 * @example
 * simulate(workload, platform, assignment, { seed: 1, overheads: overheadsFor(workload.recorded!.runtimeSystem) });
 */
export function overheadsFor(runtimeSystem: { name: string; version: string }): SimOverheads {
  return { ...runtimeSystemModelFor(runtimeSystem).overheads };
}
