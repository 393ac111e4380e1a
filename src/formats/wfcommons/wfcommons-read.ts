/**
 * Reads a parsed WfFormat document (1.4 or 1.5) into one version-neutral shape, checking every
 * field it uses and recording mistakes by JSON path. It resolves nothing: task and file references
 * stay strings here; wfcommons.ts turns them into indices.
 *
 * WfFormat 1.5: `workflow.specification` (the DAG: tasks with ids, parents, children, file ids;
 * files with sizes) and `workflow.execution` (one run: makespan, per-task runtimes, cores, memory,
 * machines). WfFormat 1.4: one `workflow.tasks[]` list holding both, tasks referring to each other
 * by name, each task listing its files with `link: input|output`, and the machine it ran on as
 * `machine`; `wms` instead of `runtimeSystem`; `cpu.count` and `cpu.speed` on machines. The 1.4
 * layout is the one `wfcommons-migrate-instance.py` (wfcommons/WfFormat) converts from.
 */
import type { JsonPath, WfcErrorCollector } from './wfcommons-errors.js';

export interface RawRef {
  ref: string;
  path: JsonPath;
}

export interface RawTask {
  /** What other tasks and the execution part use to name it (1.5 `id`, 1.4 `name`). */
  key: string;
  /** Other names it may be referred to by (1.4: its `id`, if any). */
  aliases: string[];
  name: string;
  path: JsonPath;
  parents: RawRef[];
  children: RawRef[];
  inputs: RawRef[];
  outputs: RawRef[];
  /** Undefined when the instance has no execution record for it. */
  runtimeS: number | undefined;
  cores: number;
  memoryBytes: number;
  /** Recorded `avgCPU`: mean CPU use in percent of one core (over 100 for several busy cores). */
  avgCpuPercent: number | undefined;
  program: string | undefined;
  category: string | undefined;
  machine: RawRef | undefined;
  executedAt: string | undefined;
}

export interface RawMachine {
  name: string;
  cores: number | undefined;
  speedMHz: number | undefined;
  memoryBytes: number | undefined;
}

export interface RawFile {
  id: string;
  sizeBytes: number;
  path: JsonPath;
}

export interface RawInstance {
  name: string;
  version: string;
  runtimeSystem: { name: string; version: string } | undefined;
  tasks: RawTask[];
  files: RawFile[];
  /** Undefined when the instance records no execution (a 1.5 file with a specification only). */
  makespanS: number | undefined;
  machines: RawMachine[];
  /** 1.5 spec tasks with no execution entry. */
  tasksWithoutExecution: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${v as number | boolean}`;
}

/** Typed field access that records WFC_MISSING_FIELD and WFC_WRONG_TYPE. */
class FieldReader {
  constructor(private readonly errors: WfcErrorCollector) {}

  private get(o: Obj, key: string, path: JsonPath, required: boolean, hint: string): unknown {
    const v = o[key];
    if (v === undefined) {
      if (required) this.errors.add('WFC_MISSING_FIELD', path, `missing field "${key}"`, hint);
      return undefined;
    }
    return v;
  }

  private wrong(path: JsonPath, key: string, expected: string, v: unknown): undefined {
    this.errors.add(
      'WFC_WRONG_TYPE',
      [...path, key],
      `"${key}" must be ${expected}, not ${describe(v)}`,
      'check this field against the WfFormat schema (wfcommons-schema.json)',
    );
    return undefined;
  }

  obj(o: Obj, key: string, path: JsonPath, required: boolean, hint = ''): Obj | undefined {
    const v = this.get(o, key, path, required, hint);
    if (v === undefined) return undefined;
    return isObj(v) ? v : this.wrong(path, key, 'an object', v);
  }

  list(o: Obj, key: string, path: JsonPath, required: boolean, hint = ''): unknown[] | undefined {
    const v = this.get(o, key, path, required, hint);
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v : this.wrong(path, key, 'a list', v);
  }

  str(o: Obj, key: string, path: JsonPath, required: boolean, hint = ''): string | undefined {
    const v = this.get(o, key, path, required, hint);
    if (v === undefined) return undefined;
    return typeof v === 'string' && v !== '' ? v : this.wrong(path, key, 'a non-empty string', v);
  }

  /** A finite number ≥ 0 (> 0 with `positive`). */
  num(
    o: Obj,
    key: string,
    path: JsonPath,
    required: boolean,
    hint = '',
    positive = false,
  ): number | undefined {
    const v = this.get(o, key, path, required, hint);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      return this.wrong(path, key, positive ? 'a number greater than 0' : 'a number, 0 or more', v);
    }
    return v;
  }

  /** A list of strings (task or file references). */
  refs(o: Obj, key: string, path: JsonPath): RawRef[] {
    const list = this.list(o, key, path, false) ?? [];
    const out: RawRef[] = [];
    list.forEach((item, i) => {
      if (typeof item === 'string' && item !== '') out.push({ ref: item, path: [...path, key, i] });
      else this.wrong([...path, key], String(i), 'a non-empty string', item);
    });
    return out;
  }

  /** Each item of a list that is an object, with its path; the others are reported. */
  objects(list: unknown[], path: JsonPath, what: string): Array<{ o: Obj; path: JsonPath }> {
    const out: Array<{ o: Obj; path: JsonPath }> = [];
    list.forEach((item, i) => {
      if (isObj(item)) out.push({ o: item, path: [...path, i] });
      else this.wrong(path, String(i), `an object (${what})`, item);
    });
    return out;
  }
}

function runtimeSystemOf(r: FieldReader, root: Obj, key: string): RawInstance['runtimeSystem'] {
  const rs = r.obj(root, key, [], false);
  if (rs === undefined) return undefined;
  const name = r.str(rs, 'name', [key], true, `${key} names the workflow system that ran it, e.g. "Pegasus"`);
  const v = rs['version'];
  // Versions are sometimes written as numbers (5.0); keep the text.
  const version = typeof v === 'number' ? String(v) : r.str(rs, 'version', [key], true, 'e.g. "5.0"');
  return name === undefined || version === undefined ? undefined : { name, version };
}

function machinesOf(r: FieldReader, list: unknown[], path: JsonPath): RawMachine[] {
  return r.objects(list, path, 'a machine').flatMap(({ o, path: p }) => {
    const name = r.str(o, 'nodeName', p, true, 'each machine needs its node name, which tasks refer to');
    const cpu = r.obj(o, 'cpu', p, false);
    const cpuPath = [...p, 'cpu'];
    // 1.5 writes coreCount/speedInMHz, 1.4 count/speed; accept either in both.
    const cores =
      cpu === undefined
        ? undefined
        : (r.num(cpu, 'coreCount', cpuPath, false, '', true) ??
          r.num(cpu, 'count', cpuPath, false, '', true));
    const speedMHz =
      cpu === undefined
        ? undefined
        : (r.num(cpu, 'speedInMHz', cpuPath, false, '', true) ??
          r.num(cpu, 'speed', cpuPath, false, '', true));
    const memoryBytes = r.num(o, 'memoryInBytes', p, false);
    return name === undefined ? [] : [{ name, cores, speedMHz, memoryBytes }];
  });
}

function programOf(r: FieldReader, o: Obj, path: JsonPath): string | undefined {
  const command = r.obj(o, 'command', path, false);
  if (command === undefined) return undefined;
  const program = command['program'];
  return typeof program === 'string' && program.trim() !== '' ? program.trim() : undefined;
}

/** WfFormat 1.5 (and 1.6, which only adds optional fields). */
export function readV15(root: Obj, version: string, name: string, errors: WfcErrorCollector): RawInstance {
  const r = new FieldReader(errors);
  const runtimeSystem = runtimeSystemOf(r, root, 'runtimeSystem');
  const wf = r.obj(
    root,
    'workflow',
    [],
    true,
    'the workflow object holds specification (the DAG) and execution (the run)',
  );
  const out = emptyInstance(name, version, runtimeSystem);
  if (wf === undefined) return out;
  const spec = r.obj(
    wf,
    'specification',
    ['workflow'],
    true,
    'WfFormat 1.5 keeps the DAG in workflow.specification {tasks, files}',
  );
  if (spec === undefined) return out;
  const sp: JsonPath = ['workflow', 'specification'];
  const tasks = r.list(spec, 'tasks', sp, true, "the list of the workflow's tasks") ?? [];
  for (const { o, path } of r.objects(tasks, [...sp, 'tasks'], 'a task')) {
    const id = r.str(
      o,
      'id',
      path,
      true,
      'each task needs a unique id; parents, children and execution tasks refer to it',
    );
    const taskName = r.str(o, 'name', path, true, 'each task needs a name') ?? id;
    if (id === undefined || taskName === undefined) continue;
    out.tasks.push({
      key: id,
      aliases: [],
      name: taskName,
      path,
      parents: r.refs(o, 'parents', path),
      children: r.refs(o, 'children', path),
      inputs: r.refs(o, 'inputFiles', path),
      outputs: r.refs(o, 'outputFiles', path),
      runtimeS: undefined,
      cores: 1,
      memoryBytes: 0,
      avgCpuPercent: undefined,
      program: undefined,
      category: undefined,
      machine: undefined,
      executedAt: undefined,
    });
  }
  const files = r.list(spec, 'files', sp, false) ?? [];
  for (const { o, path } of r.objects(files, [...sp, 'files'], 'a file')) {
    const id = r.str(o, 'id', path, true, 'each file needs an id; tasks list their files by id');
    const size = r.num(o, 'sizeInBytes', path, true, "the file's size in bytes (0 if unknown)");
    if (id !== undefined && size !== undefined) out.files.push({ id, sizeBytes: size, path });
  }

  const exec = r.obj(wf, 'execution', ['workflow'], false);
  if (exec === undefined) return out;
  const ep: JsonPath = ['workflow', 'execution'];
  out.makespanS = r.num(
    exec,
    'makespanInSeconds',
    ep,
    true,
    'the recorded wall-clock time of the whole run, in seconds',
  );
  out.machines = machinesOf(r, r.list(exec, 'machines', ep, false) ?? [], [...ep, 'machines']);
  const byId = new Map<string, RawTask>();
  for (const t of out.tasks) if (!byId.has(t.key)) byId.set(t.key, t);
  const seen = new Set<string>();
  const execTasks = r.list(exec, 'tasks', ep, true, 'per-task runtimes of the run') ?? [];
  for (const { o, path } of r.objects(execTasks, [...ep, 'tasks'], 'an execution task')) {
    const id = r.str(o, 'id', path, true, 'the id of the specification task this entry measures');
    const runtimeS = r.num(o, 'runtimeInSeconds', path, true, "the task's measured runtime in seconds");
    const cores = r.num(o, 'coreCount', path, false, '', true);
    const memoryBytes = r.num(o, 'memoryInBytes', path, false);
    const avgCpuPercent = r.num(o, 'avgCPU', path, false);
    const machines = r.refs(o, 'machines', path);
    const executedAt = r.str(o, 'executedAt', path, false);
    const program = programOf(r, o, path);
    if (id === undefined) continue;
    const task = byId.get(id);
    if (task === undefined) {
      errors.add(
        'WFC_UNKNOWN_TASK',
        [...path, 'id'],
        `execution task "${id}" is not a task of workflow.specification.tasks`,
        'execution tasks join specification tasks by id: check the spelling',
      );
      continue;
    }
    if (seen.has(id)) {
      errors.add(
        'WFC_DUPLICATE_TASK',
        [...path, 'id'],
        `task "${id}" is measured twice in workflow.execution.tasks`,
        'keep one entry per task',
      );
      continue;
    }
    seen.add(id);
    task.runtimeS = runtimeS;
    task.cores = cores ?? 1;
    task.memoryBytes = memoryBytes ?? 0;
    task.avgCpuPercent = avgCpuPercent;
    task.machine = machines[0];
    task.executedAt = executedAt;
    task.program = program;
  }
  out.tasksWithoutExecution = out.tasks.filter((t) => !seen.has(t.key)).length;
  return out;
}

/** An instance with nothing read yet; the readers fill it in. */
function emptyInstance(
  name: string,
  version: string,
  runtimeSystem: RawInstance['runtimeSystem'],
): RawInstance {
  return {
    name,
    version,
    runtimeSystem,
    tasks: [],
    files: [],
    makespanS: undefined,
    machines: [],
    tasksWithoutExecution: 0,
  };
}

/** WfFormat 1.4: tasks carry their own runtimes, files and machine. */
export function readV14(root: Obj, version: string, name: string, errors: WfcErrorCollector): RawInstance {
  const r = new FieldReader(errors);
  const runtimeSystem = runtimeSystemOf(r, root, 'wms');
  const wf = r.obj(root, 'workflow', [], true, 'the workflow object holds tasks, machines and the makespan');
  const out = emptyInstance(name, version, runtimeSystem);
  if (wf === undefined) return out;
  out.makespanS = r.num(
    wf,
    'makespanInSeconds',
    ['workflow'],
    true,
    'the recorded wall-clock time of the whole run, in seconds',
  );
  out.machines = machinesOf(r, r.list(wf, 'machines', ['workflow'], false) ?? [], ['workflow', 'machines']);
  const fileIndex = new Map<string, RawFile>();
  const tasks = r.list(wf, 'tasks', ['workflow'], true, 'WfFormat 1.4 lists tasks in workflow.tasks') ?? [];
  for (const { o, path } of r.objects(tasks, ['workflow', 'tasks'], 'a task')) {
    const taskName = r.str(o, 'name', path, true, 'each task needs a unique name; parents refer to it');
    const id = r.str(o, 'id', path, false);
    const runtimeS = r.num(o, 'runtimeInSeconds', path, true, "the task's measured runtime in seconds");
    const cores = r.num(o, 'cores', path, false, '', true);
    const memoryBytes = r.num(o, 'memoryInBytes', path, false);
    const avgCpuPercent = r.num(o, 'avgCPU', path, false);
    const machine = r.str(o, 'machine', path, false);
    const category = r.str(o, 'category', path, false);
    const inputs: RawRef[] = [];
    const outputs: RawRef[] = [];
    const files = r.list(o, 'files', path, false) ?? [];
    for (const { o: f, path: fp } of r.objects(files, [...path, 'files'], 'a file')) {
      const fname = r.str(f, 'name', fp, true, 'each file needs a name');
      const dir = r.str(f, 'path', fp, false) ?? '';
      const size = r.num(f, 'sizeInBytes', fp, true, "the file's size in bytes (0 if unknown)");
      const link = f['link'];
      if (link === undefined) {
        errors.add(
          'WFC_MISSING_FIELD',
          fp,
          'missing field "link"',
          'say whether the task reads the file ("input") or writes it ("output")',
        );
        continue;
      }
      if (link !== 'input' && link !== 'output') {
        errors.add(
          'WFC_WRONG_TYPE',
          [...fp, 'link'],
          `"link" must be "input" or "output", not ${describe(link)}`,
          'use "input" for a file the task reads, "output" for one it writes',
        );
        continue;
      }
      if (fname === undefined || size === undefined) continue;
      const fileId = dir + fname;
      if (!fileIndex.has(fileId)) {
        const raw = { id: fileId, sizeBytes: size, path: fp };
        fileIndex.set(fileId, raw);
        out.files.push(raw);
      }
      (link === 'input' ? inputs : outputs).push({ ref: fileId, path: fp });
    }
    if (taskName === undefined) continue;
    out.tasks.push({
      key: taskName,
      aliases: id === undefined ? [] : [id],
      name: taskName,
      path,
      parents: r.refs(o, 'parents', path),
      children: r.refs(o, 'children', path),
      inputs,
      outputs,
      runtimeS,
      cores: cores ?? 1,
      memoryBytes: memoryBytes ?? 0,
      avgCpuPercent,
      program: programOf(r, o, path),
      category,
      machine: machine === undefined ? undefined : { ref: machine, path: [...path, 'machine'] },
      executedAt: r.str(o, 'executedAt', path, false),
    });
  }
  return out;
}

export { isObj };
