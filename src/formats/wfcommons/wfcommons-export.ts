/**
 * A Strata run as a WfCommons instance (WfFormat 1.5), so that Strata's own runs can be history for
 * the performance model and the digital twin (`strata simulate --history`), and be read by any
 * WfCommons tool. The inverse of `importWfCommons` for what Strata records: the DAG, files by path
 * with their sizes, and per task its last succeeded attempt — runtime, start, node, cores, CPU use
 * (`avgCPU` from the attempt's CPU time) and peak memory. Pure: the caller reads the store and the
 * file sizes.
 *
 * @example
 * const instance = runToWfCommons({ name: 'w', id: 'wf_1', createdAt, finishedAt, tasks, strataVersion: '0.1.0' });
 * writeFileSync('w.json', JSON.stringify(instance, null, 1));
 */
import type { TaskSpec } from '../../model/index.js';
import { resolveFromWorkdir } from '../../spec/posix-paths.js';
import { programOf } from '../../spec/spec-to-workload.js';

/** What the export reads of one attempt (a subset of the store's attempt record). */
export interface ExportAttempt {
  status: string;
  node: string | null;
  startedAt: number | null;
  endedAt: number | null;
  cpuTimeMs: number | null;
  peakRssBytes: number | null;
}

export interface ExportTask {
  name: string;
  /** Indices (in `tasks`) of the tasks it depends on. */
  deps: readonly number[];
  spec: TaskSpec;
  attempts: readonly ExportAttempt[];
}

/** What is known of a machine an attempt ran on (WfFormat `machines[]`). */
export interface ExportMachine {
  cores?: number;
  speedMHz?: number;
  memoryBytes?: number;
}

export interface ExportRun {
  name: string;
  id: string;
  /** Epoch milliseconds. */
  createdAt: number;
  finishedAt: number | null;
  tasks: readonly ExportTask[];
  strataVersion: string;
  /** Size in bytes of a file by its path relative to the workflow's directory; undefined = unknown (0). */
  fileSize?: (path: string) => number | undefined;
  /** Machine facts by node name; nodes not given are listed by name only. */
  machines?: ReadonlyMap<string, ExportMachine>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The last succeeded attempt with both times, if any. */
function lastSucceeded(attempts: readonly ExportAttempt[]): ExportAttempt | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i]!;
    if (a.status === 'succeeded' && a.startedAt !== null && a.endedAt !== null) return a;
  }
  return undefined;
}

function argumentsOf(spec: TaskSpec): string[] {
  return 'argv' in spec.command ? spec.command.argv.slice(1) : [spec.command.shell];
}

/**
 * The WfFormat 1.5 instance of a run. Tasks with no succeeded attempt are in the specification
 * but not in the execution (the importer then warns that they have no runtime). The makespan is
 * the workflow's wall-clock time, creation to finish (the span of its attempts while unfinished),
 * so it includes Strata's own overheads, as WfCommons makespans include their systems'.
 */
export function runToWfCommons(run: ExportRun): Record<string, unknown> {
  const files = new Map<string, number>();
  const fileId = (spec: TaskSpec, p: string): string => {
    const path = resolveFromWorkdir(spec.workdir, p);
    if (!files.has(path)) files.set(path, Math.max(0, Math.round(run.fileSize?.(path) ?? 0)));
    return path;
  };
  const children = run.tasks.map((): string[] => []);
  run.tasks.forEach((t) => t.deps.forEach((d) => children[d]?.push(t.name)));
  const specTasks = run.tasks.map((t, i) => ({
    name: t.name,
    id: t.name,
    parents: t.deps.map((d) => run.tasks[d]!.name),
    children: children[i]!,
    inputFiles: t.spec.inputs.map((p) => fileId(t.spec, p)),
    outputFiles: t.spec.outputs.map((p) => fileId(t.spec, p)),
  }));

  const nodes = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  const execTasks: Array<Record<string, unknown>> = [];
  for (const t of run.tasks) {
    const a = lastSucceeded(t.attempts);
    if (!a) continue;
    const runtimeMs = a.endedAt! - a.startedAt!;
    first = Math.min(first, a.startedAt!);
    last = Math.max(last, a.endedAt!);
    const cores = Math.max(1, t.spec.resources.cpus);
    if (a.node) nodes.add(a.node);
    execTasks.push({
      id: t.name,
      runtimeInSeconds: Math.max(0, runtimeMs) / 1000,
      executedAt: iso(a.startedAt!),
      command: { program: programOf(t.spec), arguments: argumentsOf(t.spec) },
      coreCount: cores,
      // Percent of one core, as WfCommons records it (over 100 when several cores were busy).
      ...(a.cpuTimeMs !== null && runtimeMs > 0 ? { avgCPU: (100 * a.cpuTimeMs) / runtimeMs } : {}),
      ...(a.peakRssBytes !== null && a.peakRssBytes > 0 ? { memoryInBytes: a.peakRssBytes } : {}),
      ...(a.node ? { machines: [a.node] } : {}),
    });
  }
  const makespanMs =
    run.finishedAt !== null ? run.finishedAt - run.createdAt : Number.isFinite(first) ? last - first : 0;

  const machines = [...nodes].sort().map((node) => {
    const m = run.machines?.get(node);
    const cpu = {
      ...(m?.cores ? { coreCount: m.cores } : {}),
      ...(m?.speedMHz ? { speedInMHz: Math.round(m.speedMHz) } : {}),
    };
    return {
      nodeName: node,
      ...(Object.keys(cpu).length > 0 ? { cpu } : {}),
      ...(m?.memoryBytes ? { memoryInBytes: m.memoryBytes } : {}),
    };
  });

  return {
    name: run.name,
    description: `Strata workflow ${run.id}, exported by strata export wfcommons`,
    createdAt: iso(run.createdAt),
    schemaVersion: '1.5',
    runtimeSystem: { name: 'Strata', version: run.strataVersion },
    workflow: {
      specification: {
        tasks: specTasks,
        files: [...files].map(([id, sizeInBytes]) => ({ id, sizeInBytes })),
      },
      execution: {
        makespanInSeconds: Math.max(0, makespanMs) / 1000,
        executedAt: iso(run.createdAt),
        tasks: execTasks,
        machines,
      },
    },
  };
}
