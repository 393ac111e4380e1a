/**
 * WfCommons import: a WfFormat 1.4 or 1.5 instance (a recorded workflow execution, JSON) into
 * Strata's `Workload`, with the run itself kept in `recorded` so that the simulator can replay it on
 * its machines, with its task-to-machine mapping, against its real makespan.
 *
 * Work is normalised to reference-core seconds: runtime × cores × (speed of the machine the task
 * ran on / speed of the reference core). File sizes are kept as the data to move. docs/wfcommons.md
 * says what is read from where and what is assumed.
 *
 * Pure: the caller reads the file; this never throws on bad input (every mistake is a WFC_* error).
 *
 * @example
 * const result = importWfCommons(readFileSync(path, 'utf8'), { file: path });
 * if (!result.ok) for (const e of result.errors) console.error(formatSpecError(e));
 * else console.log(`${result.workload.tasks.length} tasks`, result.warnings);
 */
import type { RecordedExecution, Workload, WorkloadTask } from '../../model/workload.js';
import type { SpecError } from '../../spec/spec-errors.js';
import { jsonSyntaxError, WfcErrorCollector } from './wfcommons-errors.js';
import { isObj, readV14, readV15 } from './wfcommons-read.js';
import type { RawInstance, RawRef, RawTask } from './wfcommons-read.js';
import { parseWfTimestamp } from './wfcommons-timestamps.js';

export { WFC_ERROR_CODES } from './wfcommons-errors.js';

export interface WfImportOptions {
  /** Shown in errors. */
  file: string;
  /**
   * MHz of the reference core (speed 1); default 2000. A 2 GHz core is a round middle of the
   * machines the published instances ran on (1.2 to 3.4 GHz), so works stay close to runtimes.
   */
  referenceMHz?: number;
}

export type WfImportResult =
  { ok: true; workload: Workload; warnings: string[] } | { ok: false; errors: SpecError[] };

export const DEFAULT_REFERENCE_MHZ = 2000;

/** Versions read with the 1.5 reader: 1.6 only adds optional fields (per wfcommons-migrate-instance.py). */
const V15 = new Set(['1.5', '1.6']);
const V14 = new Set(['1.4']);
const OLDER = new Set(['1.0', '1.1', '1.2', '1.3']);

/**
 * Imports a WfCommons instance.
 *
 * @example
 * importWfCommons('{"name":"x","schemaVersion":"2.0","workflow":{}}', { file: 'x.json' })
 * // { ok: false, errors: [{ code: 'WFC_UNSUPPORTED_VERSION', ... }] }
 */
export function importWfCommons(text: string, options: WfImportOptions): WfImportResult {
  const file = options.file;
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (cause) {
    return { ok: false, errors: [jsonSyntaxError(text, file, cause)] };
  }
  const errors = new WfcErrorCollector(file);
  const fail = (): WfImportResult => ({ ok: false, errors: errors.finish(text) });

  if (!isObj(doc)) {
    errors.add(
      'WFC_WRONG_TYPE',
      [],
      'a WfCommons instance is a JSON object',
      'expected { "name": ..., "schemaVersion": ..., "workflow": ... }',
    );
    return fail();
  }
  const rawVersion = doc['schemaVersion'];
  const name = doc['name'];
  if (rawVersion === undefined) {
    errors.add(
      'WFC_MISSING_FIELD',
      [],
      'missing field "schemaVersion"',
      'WfCommons instances say their WfFormat version, e.g. "schemaVersion": "1.5"',
    );
    return fail();
  }
  const version = typeof rawVersion === 'number' ? String(rawVersion) : `${rawVersion as string}`;
  if (!V15.has(version) && !V14.has(version)) {
    errors.add(
      'WFC_UNSUPPORTED_VERSION',
      ['schemaVersion'],
      `WfFormat version ${JSON.stringify(version)} is not supported`,
      OLDER.has(version)
        ? 'Strata reads WfFormat 1.4 and 1.5: upgrade the file with tools/wfcommons-migrate-instance.py of wfcommons/WfFormat'
        : 'Strata reads WfFormat 1.4 and 1.5 (and 1.6, which only adds optional fields)',
    );
    return fail();
  }
  if (typeof name !== 'string' || name === '') {
    if (name === undefined)
      errors.add(
        'WFC_MISSING_FIELD',
        [],
        'missing field "name"',
        'give the instance a name, e.g. "montage-2mass-04d"',
      );
    else
      errors.add(
        'WFC_WRONG_TYPE',
        ['name'],
        '"name" must be a non-empty string',
        'give the instance a name, e.g. "montage-2mass-04d"',
      );
    return fail();
  }
  const raw = V15.has(version) ? readV15(doc, version, name, errors) : readV14(doc, version, name, errors);
  if (errors.count > 0) return fail();
  if (raw.tasks.length === 0) {
    const where = V15.has(version) ? ['workflow', 'specification', 'tasks'] : ['workflow', 'tasks'];
    errors.add('WFC_NO_TASKS', where, 'the instance has no tasks', 'a workload needs at least one task');
    return fail();
  }
  const asked = options.referenceMHz;
  const badReference = asked !== undefined && !(Number.isFinite(asked) && asked > 0);
  const built = build(raw, badReference ? DEFAULT_REFERENCE_MHZ : (asked ?? DEFAULT_REFERENCE_MHZ), errors);
  if (errors.count > 0 || built === undefined) return fail();
  const warnings = badReference
    ? [`referenceMHz ${String(asked)} is not a speed; ${DEFAULT_REFERENCE_MHZ} MHz used`, ...built.warnings]
    : built.warnings;
  return { ok: true, workload: built.workload, warnings };
}

/**
 * Resolves parent, child and file references into indices and checks that the tasks form a DAG;
 * undefined (with the errors added) when a reference is unknown or there is a cycle.
 */
function resolveEdges(
  raw: RawInstance,
  taskIndex: Map<string, number>,
  fileIndex: Map<string, number>,
  errors: WfcErrorCollector,
): { parents: number[][]; inputs: number[][]; outputs: number[][] } | undefined {
  const parentSets = raw.tasks.map(() => new Set<number>());
  // Parents and children are two views of one edge list: an unknown task in either is the same mistake.
  const taskNamed = (r: RawRef, role: 'parent' | 'child', t: RawTask): number | undefined => {
    const j = taskIndex.get(r.ref);
    if (j === undefined)
      errors.add(
        'WFC_UNKNOWN_PARENT',
        r.path,
        `${role} "${r.ref}" of task "${t.key}" is not a task of this instance`,
        'parents and children name other tasks by id (1.4: by name); check the spelling',
      );
    return j;
  };
  raw.tasks.forEach((t, i) => {
    for (const p of t.parents) {
      const j = taskNamed(p, 'parent', t);
      if (j !== undefined) parentSets[i]?.add(j);
    }
    for (const c of t.children) {
      const j = taskNamed(c, 'child', t);
      if (j !== undefined) parentSets[j]?.add(i);
    }
  });
  const fileRefs = (t: RawTask, refs: RawTask['inputs'], kind: string): number[] => {
    const out = new Set<number>();
    for (const r of refs) {
      const j = fileIndex.get(r.ref);
      if (j === undefined)
        errors.add(
          'WFC_UNKNOWN_FILE',
          r.path,
          `${kind} file "${r.ref}" of task "${t.key}" is not in workflow.specification.files`,
          'list every file a task reads or writes in workflow.specification.files, with its sizeInBytes',
        );
      else out.add(j);
    }
    return [...out];
  };
  const inputs = raw.tasks.map((t) => fileRefs(t, t.inputs, 'input'));
  const outputs = raw.tasks.map((t) => fileRefs(t, t.outputs, 'output'));
  if (errors.count > 0) return undefined;
  const parents = parentSets.map((s) => [...s]);
  const found = findCycle(parents);
  if (found !== undefined) {
    // Start the cycle at the task written first, so that the message is stable and easy to find.
    const ring = found.slice(0, -1);
    const start = ring.indexOf(Math.min(...ring));
    const cycle = [...ring.slice(start), ...ring.slice(0, start), ring[start] ?? 0];
    const first = raw.tasks[cycle[0] ?? 0];
    const names = cycle.map((i) => raw.tasks[i]?.key ?? String(i));
    errors.add(
      'WFC_CYCLE',
      first?.path ?? [],
      `the tasks depend on each other in a cycle: ${names.join(' -> ')}`,
      'a workflow is a DAG: remove one of these parent/child links',
    );
    return undefined;
  }
  return { parents, inputs, outputs };
}

/** Resolves references into indices, checks the DAG, normalises work and builds `recorded`. */
function build(
  raw: RawInstance,
  referenceMHz: number,
  errors: WfcErrorCollector,
): { workload: Workload; warnings: string[] } | undefined {
  const warnings: string[] = [];
  const taskIndex = new Map<string, number>();
  raw.tasks.forEach((t, i) => {
    if (taskIndex.has(t.key)) {
      errors.add(
        'WFC_DUPLICATE_TASK',
        t.path,
        `task "${t.key}" is declared twice`,
        'task ids (1.4: names) must be unique; rename or remove one of them',
      );
    } else taskIndex.set(t.key, i);
  });
  // 1.4 references may use a task's id instead of its name; names win.
  raw.tasks.forEach((t, i) => {
    for (const alias of t.aliases) if (!taskIndex.has(alias)) taskIndex.set(alias, i);
  });
  const fileIndex = new Map<string, number>();
  raw.files.forEach((f, i) => {
    if (fileIndex.has(f.id))
      errors.add(
        'WFC_DUPLICATE_FILE',
        f.path,
        `file "${f.id}" is declared twice`,
        'file ids must be unique; remove one of the entries',
      );
    else fileIndex.set(f.id, i);
  });

  const edges = resolveEdges(raw, taskIndex, fileIndex, errors);
  if (edges === undefined) return undefined;
  const { parents, inputs, outputs } = edges;

  // Machines and the task-to-machine mapping.
  const machineIndex = new Map<string, number>();
  raw.machines.forEach((m, i) => {
    if (!machineIndex.has(m.name)) machineIndex.set(m.name, i);
  });
  const onlyMachine = raw.machines.length === 1 ? 0 : null;
  let assumedOnly = 0;
  let noMachine = 0;
  const unknownMachines = new Set<string>();
  let unknownMachineTasks = 0;
  const machineOf = raw.tasks.map((t): number | null => {
    if (t.runtimeS === undefined) return null;
    if (t.machine === undefined) {
      if (onlyMachine !== null) {
        assumedOnly++;
        return onlyMachine;
      }
      noMachine++;
      return null;
    }
    const j = machineIndex.get(t.machine.ref);
    if (j === undefined) {
      unknownMachines.add(t.machine.ref);
      unknownMachineTasks++;
      return null;
    }
    return j;
  });

  const isNextflow = /nextflow/i.test(raw.runtimeSystem?.name ?? '');
  let unknownSpeed = 0;
  const slowMachines = new Set<string>();
  const tasks: WorkloadTask[] = raw.tasks.map((t, i) => {
    const m = machineOf[i] ?? null;
    const speed = m === null ? undefined : raw.machines[m]?.speedMHz;
    let factor = 1;
    if (speed === undefined) {
      if (t.runtimeS !== undefined && m !== null) {
        unknownSpeed++;
        slowMachines.add(raw.machines[m]?.name ?? '');
      }
    } else factor = speed / referenceMHz;
    const runtime = t.runtimeS ?? 0;
    return {
      name: t.key,
      type: taskType(t, isNextflow),
      work: runtime * t.cores * factor,
      cores: t.cores,
      memoryBytes: t.memoryBytes,
      gpus: 0,
      inputs: inputs[i] ?? [],
      outputs: outputs[i] ?? [],
      parents: parents[i] ?? [],
      // avgCPU is in percent of one core; over 100 × cores (threads beyond the recorded cores) counts as fully busy.
      ...(t.avgCpuPercent !== undefined
        ? { cpuUtilisation: Math.min(1, t.avgCpuPercent / (100 * t.cores)) }
        : {}),
    };
  });

  if (assumedOnly > 0) {
    warnings.push(
      `${count(assumedOnly, 'task names', 'tasks name')} no machine; the instance lists one machine, "${raw.machines[0]?.name ?? ''}", so they are taken to have run there`,
    );
  }
  if (noMachine > 0) {
    warnings.push(
      `${count(noMachine, 'task names', 'tasks name')} no machine the instance lists; their work is runtime × cores (speed factor 1)`,
    );
  }
  if (unknownMachineTasks > 0) {
    warnings.push(
      `${count(unknownMachineTasks, 'task ran', 'tasks ran')} on machines not in the machine list (${list([...unknownMachines])}); their work is runtime × cores (speed factor 1)`,
    );
  }
  if (unknownSpeed > 0) {
    warnings.push(
      `${count(unknownSpeed, 'task ran', 'tasks ran')} on machines of unknown CPU speed (${list([...slowMachines])}); their work is runtime × cores (speed factor 1)`,
    );
  }
  if (raw.makespanS === undefined) {
    warnings.push('the instance records no execution: every task has work 0 and there is no recorded run');
  } else if (raw.tasksWithoutExecution > 0) {
    warnings.push(
      `${count(raw.tasksWithoutExecution, 'task has', 'tasks have')} no entry in workflow.execution.tasks; their runtime and work are 0`,
    );
  }

  const workload: Workload = {
    name: raw.name,
    tasks,
    files: raw.files.map((f) => ({ name: f.id, sizeBytes: f.sizeBytes })),
  };
  if (raw.makespanS !== undefined) {
    workload.recorded = recordedOf(raw, machineOf, warnings);
  }
  return { workload, warnings };
}

function recordedOf(
  raw: RawInstance,
  machineOf: Array<number | null>,
  warnings: string[],
): RecordedExecution {
  let defaultCores = 0;
  const machines = raw.machines.map((m) => {
    if (m.cores === undefined) defaultCores++;
    return {
      name: m.name,
      cores: m.cores ?? 1,
      speedMHz: m.speedMHz ?? null,
      memoryBytes: m.memoryBytes ?? null,
    };
  });
  if (defaultCores > 0)
    warnings.push(`${count(defaultCores, 'machine states', 'machines state')} no core count; 1 core assumed`);
  let badTimes = 0;
  const starts = raw.tasks.map((t) => {
    if (t.executedAt === undefined) return null;
    const s = parseWfTimestamp(t.executedAt);
    if (s === null) badTimes++;
    return s;
  });
  if (badTimes > 0)
    warnings.push(
      `${count(badTimes, 'task has', 'tasks have')} an executedAt Strata cannot read; their start is unknown`,
    );
  let earliest = Infinity;
  for (const s of starts) if (s !== null && s < earliest) earliest = s;
  return {
    makespanS: raw.makespanS ?? 0,
    runtimeSystem: normaliseRuntimeSystem(raw.runtimeSystem),
    machines,
    tasks: raw.tasks.map((t, i) => {
      const s = starts[i] ?? null;
      return {
        runtimeS: t.runtimeS ?? 0,
        machine: machineOf[i] ?? null,
        startS: s === null ? null : s - earliest,
      };
    }),
  };
}

/**
 * The runtime system as written, trimmed, with a version's stray trailing dot removed
 * ("Makeflow 7.1.12." → 7.1.12). Unknown when the instance does not say.
 */
export function normaliseRuntimeSystem(rs: { name: string; version: string } | undefined): {
  name: string;
  version: string;
} {
  if (rs === undefined) return { name: 'unknown', version: '' };
  return {
    name: rs.name.trim(),
    version: rs.version
      .trim()
      .replace(/^v(?=\d)/i, '')
      .replace(/\.+$/, ''),
  };
}

/**
 * What performance models learn per: Nextflow's process name (the last segment of the dotted task
 * name, since its `command.program` is the whole script); else the program, without its directory;
 * else the 1.2+ `category`; else the task name without its trailing number or id
 * (`cpuhog_chain_00000001` → `cpuhog_chain`, `mProject_ID0000001` → `mProject`).
 */
export function taskType(t: Pick<RawTask, 'name' | 'program' | 'category'>, isNextflow: boolean): string {
  if (isNextflow) {
    const last = t.name.split('.').pop() ?? t.name;
    return stripId(last);
  }
  if (t.program !== undefined && !/\s/.test(t.program)) {
    const base = t.program.split('/').pop() ?? '';
    if (base !== '') return base;
  }
  if (t.category !== undefined) return t.category;
  return stripId(t.name);
}

function stripId(name: string): string {
  const stripped = name.replace(/(?:[_.-]?(?:ID)?\d+)+$/, '');
  return stripped === '' ? name : stripped;
}

/** A cycle as a list of task indices (first repeated at the end), or undefined for a DAG. */
function findCycle(parents: number[][]): number[] | undefined {
  const state = new Uint8Array(parents.length); // 0 new, 1 on the stack, 2 done
  const via = new Int32Array(parents.length).fill(-1);
  for (let root = 0; root < parents.length; root++) {
    if (state[root] !== 0) continue;
    const stack: Array<[number, number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      const ps = parents[node] ?? [];
      if (next >= ps.length) {
        state[node] = 2;
        stack.pop();
        continue;
      }
      top[1] = next + 1;
      const p = ps[next]!;
      if (state[p] === 1) {
        // node depends on p, which is on the stack. via[x] is the child x was reached from, so
        // walking via from node to p follows the links parent to child: node -> ... -> p -> node.
        const chain = [node];
        for (let cur = node; cur !== p;) {
          cur = via[cur]!;
          chain.push(cur);
        }
        return [...chain, node];
      }
      if (state[p] === 0) {
        state[p] = 1;
        via[p] = node;
        stack.push([p, 0]);
      }
    }
  }
  return undefined;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function list(names: string[]): string {
  const shown = names.slice(0, 5).map((n) => `"${n}"`);
  return names.length > 5 ? `${shown.join(', ')} and ${names.length - 5} more` : shown.join(', ');
}
