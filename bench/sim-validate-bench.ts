/**
 * bench:sim-validate — does the digital twin reproduce real executions? Each WfCommons instance is
 * replayed on its recorded machines with its recorded task-to-machine mapping (src/sim/
 * recorded-platform.ts), once with the tasks' recorded runtimes alone and once with the fitted
 * overheads of its runtime system (src/sim/overhead-model.ts), against its real makespan. The
 * acceptance criterion is a median absolute relative error ≤ 20 % with the overheads.
 *
 * Usage: `node dist/bench/sim-validate-bench.js [--no-loo] [FILE…]` (default: every instance in
 * ../shared/data/wfcommons; any WfFormat 1.4/1.5 file works). Also reports the leave-one-out error
 * (each instance predicted by parameters fitted without it, bench/fit-overheads.ts; about 30 s for
 * the 31 shared instances; `--no-loo` skips it).
 *
 * Prints a per-instance table and a per-system summary, then as its last line
 * `{"bench":"sim-validate","instances":…,"median_abs_rel_err":…,"max_abs_rel_err":…,…}`.
 */
import { runtimeSystemModelFor } from '../src/sim/overhead-model.js';
import { fit, instancePaths, loadInstances, median, replayMakespan } from './fit-overheads.js';

const args = process.argv.slice(2);
const withLoo = !args.includes('--no-loo');
const instances = loadInstances(instancePaths(args));
if (instances.length === 0) {
  console.error('no instance with a recorded makespan to validate');
  process.exit(1);
}

const t0 = performance.now();
const rows = instances.map((inst) => {
  const model = runtimeSystemModelFor(inst.workload.recorded!.runtimeSystem);
  const bare = replayMakespan(inst, null);
  const params = {
    overheads: model.overheads,
    ...(model.maxCoresPerMachine !== undefined ? { maxCoresPerMachine: model.maxCoresPerMachine } : {}),
  };
  const withOv = replayMakespan(inst, params);
  return {
    inst,
    model: model.id,
    bare,
    withOv,
    errBare: (bare - inst.realS) / inst.realS,
    errOv: (withOv - inst.realS) / inst.realS,
  };
});
const replayS = (performance.now() - t0) / 1000;
const loo = withLoo ? fit(instances).loo : null;

const pct = (e: number): string => `${e >= 0 ? '+' : ''}${(100 * e).toFixed(1)} %`;
const sec = (s: number): string => s.toFixed(0);
const abs = (e: number): string => `${(100 * e).toFixed(1)} %`;
const header =
  `${'instance'.padEnd(46)} ${'runtime system'.padEnd(17)} ${'tasks'.padStart(5)} ${'real s'.padStart(7)} ` +
  `${'bare s'.padStart(7)} ${'fitted s'.padStart(8)} ${'bare err'.padStart(9)} ${'fitted err'.padStart(10)}` +
  (loo ? ` ${'LOO err'.padStart(9)}` : '');
console.log(
  `bench:sim-validate — ${instances.length} recorded executions replayed on their recorded machines\n`,
);
console.log(header);
console.log('-'.repeat(header.length));
rows.forEach((r, i) => {
  console.log(
    `${r.inst.file.replace(/\.json$/, '').padEnd(46)} ${r.inst.system.padEnd(17)} ` +
      `${String(r.inst.workload.tasks.length).padStart(5)} ${sec(r.inst.realS).padStart(7)} ` +
      `${sec(r.bare).padStart(7)} ${sec(r.withOv).padStart(8)} ${pct(r.errBare).padStart(9)} ` +
      `${pct(r.errOv).padStart(10)}` +
      (loo ? ` ${pct(loo[i]!).padStart(9)}` : ''),
  );
});

console.log('\nper runtime-system model: median |err| (max |err|)');
const models = [...new Set(rows.map((r) => r.model))];
for (const id of models) {
  const idx = rows.flatMap((r, i) => (r.model === id ? [i] : []));
  const summary = (errs: number[]): string => `${abs(median(errs)).padStart(7)} (${abs(Math.max(...errs))})`;
  const bare = idx.map((i) => Math.abs(rows[i]!.errBare));
  const ov = idx.map((i) => Math.abs(rows[i]!.errOv));
  const looS = loo ? `   leave-one-out ${summary(idx.map((i) => Math.abs(loo[i]!)))}` : '';
  console.log(
    `  ${id.padEnd(12)} ${String(idx.length).padStart(2)} instances   bare ${summary(bare)}   fitted ${summary(ov)}${looS}`,
  );
}

const absOv = rows.map((r) => Math.abs(r.errOv));
const absBare = rows.map((r) => Math.abs(r.errBare));
const under = rows.filter((r) => r.errOv < 0).length;
console.log(
  `\nall ${rows.length}: median |err| bare ${abs(median(absBare))} (max ${abs(Math.max(...absBare))}); ` +
    `fitted ${abs(median(absOv))} (max ${abs(Math.max(...absOv))}), ${under} under-predicted` +
    (loo ? `; leave-one-out ${abs(median(Array.from(loo, Math.abs)))}` : '') +
    ` — replays ${replayS.toFixed(1)} s`,
);

// Replicates: the same workflow, size and system run again (file names that differ only in the
// trailing run number). No deterministic model can predict both of two different real makespans, so
// their spread is a floor under any replay's error: |real − the replicates' median| / that median.
const replicateGroups = new Map<string, number[]>();
rows.forEach((r, i) => {
  const key = `${r.inst.file.replace(/-\d+\.json$/, '')} ${r.inst.system}`;
  replicateGroups.set(key, [...(replicateGroups.get(key) ?? []), i]);
});
const replicateDevs: number[] = [];
for (const [key, idx] of replicateGroups) {
  if (idx.length < 2) continue;
  const reals = idx.map((i) => rows[i]!.inst.realS);
  const m = median(reals);
  const devs = reals.map((s) => Math.abs(s - m) / m);
  replicateDevs.push(...devs);
  if (replicateDevs.length === devs.length) console.log('\nreplicates (same workflow, size and system):');
  console.log(
    `  ${key.padEnd(44)} real ${reals.map(sec).join(', ')} s — |real − median| / median ${devs.map(abs).join(', ')}`,
  );
}
if (replicateDevs.length > 0) {
  console.log(
    `  over the ${replicateDevs.length} replicate runs: median ${abs(median(replicateDevs))}, ` +
      `max ${abs(Math.max(...replicateDevs))} — what run-to-run noise alone costs a deterministic replay`,
  );
}

console.log(
  JSON.stringify({
    bench: 'sim-validate',
    instances: rows.length,
    median_abs_rel_err: median(absOv),
    max_abs_rel_err: Math.max(...absOv),
    no_overhead_median_abs_rel_err: median(absBare),
    no_overhead_max_abs_rel_err: Math.max(...absBare),
    ...(loo
      ? {
          loo_median_abs_rel_err: median(Array.from(loo, Math.abs)),
          loo_max_abs_rel_err: Math.max(...Array.from(loo, Math.abs)),
        }
      : {}),
    ...(replicateDevs.length > 0
      ? {
          replicate_runs: replicateDevs.length,
          replicate_median_abs_dev: median(replicateDevs),
          replicate_max_abs_dev: Math.max(...replicateDevs),
        }
      : {}),
  }),
);
