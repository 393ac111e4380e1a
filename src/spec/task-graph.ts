/**
 * From declared tasks to the task graph: applies defaults, expands foreach arrays into members,
 * resolves `after` references and file links into dependencies, and checks what only the whole
 * graph shows: duplicate names, two producers of one file, self-dependencies and cycles.
 *
 * Tasks are numbered in declaration order, members of an array contiguously. Work is linear in
 * tasks plus links, and an error in a template is reported once per template, not once per member.
 */
import { applyDefaults } from './apply-defaults.js';
import { findCycles, topologicalOrder } from './dag.js';
import type { DeclaredSettings, DeclaredTask, DeclaredWorkflow, TemplateField } from './declared-workflow.js';
import { foreachItems, MAX_TASKS } from './expand-foreach.js';
import { resolveFromWorkdir } from './posix-paths.js';
import type { SourcePos, SpecErrorCode, SpecErrorCollector } from './spec-errors.js';
import { closestMatch } from './suggest.js';
import { expandTemplate, isConstantTemplate, memberValues, type PlaceholderValues } from './templates.js';

/** The most dependency links a workflow may have; an array after an array links every pair. */
export const MAX_DEPENDENCIES = 5_000_000;

/** One declared task with its members' numbers. */
export interface TaskGroup {
  decl: DeclaredTask;
  name: string;
  /** Defaults applied. */
  settings: DeclaredSettings;
  /** The foreach items; undefined for a single task. */
  items?: string[];
  firstId: number;
  count: number;
}

export interface TaskGraph {
  groups: TaskGroup[];
  /** Group of each task number. */
  groupOf: TaskGroup[];
  /** Tasks each task runs after, explicit `after` first, then those inferred from files. */
  deps: number[][];
  /** Task numbers in topological order (complete only when no cycle was found). */
  order: number[];
}

export function taskName(group: TaskGroup, id: number): string {
  return group.items === undefined ? group.name : `${group.name}[${id - group.firstId}]`;
}

export function placeholderValues(group: TaskGroup, id: number): PlaceholderValues {
  if (group.items === undefined) return { name: group.name };
  const i = id - group.firstId;
  return memberValues(group.name, group.items[i] ?? '', i);
}

export function buildTaskGraph(
  declared: DeclaredWorkflow,
  listFiles: ((pattern: string) => string[]) | undefined,
  errors: SpecErrorCollector,
): TaskGraph {
  return new GraphBuilder(declared, listFiles, errors).build();
}

interface Aggregated {
  code: SpecErrorCode;
  pos: SourcePos;
  path: string;
  message: string;
  hint: string;
  more: number;
}

class GraphBuilder {
  private readonly groups: TaskGroup[] = [];
  private readonly groupOf: TaskGroup[] = [];
  private readonly byName = new Map<string, TaskGroup>();
  /** Names that exist but could not be expanded (errors already reported): references to them are not errors. */
  private readonly unresolvable = new Set<string>();
  private readonly aggregated = new Map<string, Aggregated>();
  private readonly workdirs: (string | undefined)[] = [];
  private readonly outputKeys: string[][] = [];
  private readonly inputKeys: string[][] = [];
  private readonly producer = new Map<string, number>();
  private readonly explicitCount: number[] = [];
  private readonly deps: number[][] = [];
  /** Dependency links made so far (bounded by MAX_DEPENDENCIES). */
  private links = 0;
  private seenStamp = new Int32Array(0);

  constructor(
    private readonly declared: DeclaredWorkflow,
    private readonly listFiles: ((pattern: string) => string[]) | undefined,
    private readonly errors: SpecErrorCollector,
  ) {}

  build(): TaskGraph {
    this.numberTasks();
    this.seenStamp = new Int32Array(this.groupOf.length);
    for (const group of this.groups) this.expandFiles(group);
    for (const group of this.groups) this.collectOutputs(group);
    let complete = true;
    for (const group of this.groups) {
      if (!this.linkDependencies(group)) {
        complete = false;
        break;
      }
    }
    this.flushAggregated();
    if (!complete) return { groups: this.groups, groupOf: this.groupOf, deps: this.deps, order: [] };
    const { order, blocked } = topologicalOrder(this.deps);
    if (blocked.length > 0) this.reportCycles(blocked);
    return { groups: this.groups, groupOf: this.groupOf, deps: this.deps, order };
  }

  // ---------------------------------------------------------------- names and members

  private numberTasks(): void {
    let total = 0;
    let tooMany = false;
    for (const decl of this.declared.tasks) {
      const name = decl.name;
      if (name === undefined) continue;
      const first = this.byName.get(name);
      if (first !== undefined || this.unresolvable.has(name)) {
        const earlier = first?.decl ?? this.declared.tasks.find((t) => t.name === name && t !== decl);
        const arrays = earlier?.foreach != null || decl.foreach != null;
        this.errors.add(
          'SPEC_DUPLICATE_TASK',
          decl.namePos,
          `${decl.path}.name`,
          `duplicate task name "${name}"${earlier ? ` (first declared at line ${earlier.namePos.line})` : ''}`,
          arrays
            ? `a foreach task "${name}" names its members ${name}[0], ${name}[1], ...; the name "${name}" itself must still be unique`
            : 'task names must be unique; rename one of them',
        );
        continue;
      }
      if (decl.foreach === null || tooMany) {
        this.unresolvable.add(name);
        continue;
      }
      let items: string[] | undefined;
      if (decl.foreach !== undefined) {
        items = foreachItems(decl.foreach, name, MAX_TASKS - total, this.listFiles, this.errors);
        if (items === undefined) {
          this.unresolvable.add(name);
          continue;
        }
      } else if (total + 1 > MAX_TASKS) {
        tooMany = true;
        this.errors.add(
          'SPEC_TOO_MANY_TASKS',
          decl.pos,
          decl.path,
          `the workflow has more than ${MAX_TASKS} tasks`,
          'split it into several workflows, or make tasks handle batches of items',
        );
        this.unresolvable.add(name);
        continue;
      }
      const count = items?.length ?? 1;
      const group: TaskGroup = {
        decl,
        name,
        settings: applyDefaults(this.declared.defaults, decl),
        items,
        firstId: total,
        count,
      };
      this.groups.push(group);
      this.byName.set(name, group);
      for (let i = 0; i < count; i++) this.groupOf.push(group);
      total += count;
    }
  }

  // ---------------------------------------------------------------- files

  private expandFiles(group: TaskGroup): void {
    const { settings, decl } = group;
    for (let id = group.firstId; id < group.firstId + group.count; id++) {
      const values = placeholderValues(group, id);
      let workdir: string | undefined;
      if (settings.workdir) {
        const text = expandTemplate(settings.workdir.template, values);
        if (this.checkPath(group, id, settings.workdir, text, 'workdir')) workdir = text;
      }
      this.workdirs[id] = workdir === undefined ? undefined : resolveFromWorkdir(undefined, workdir);
      this.outputKeys[id] = this.fileKeys(group, id, decl.outputs, values, workdir, 'output');
      this.inputKeys[id] = this.fileKeys(group, id, decl.inputs, values, workdir, 'input');
    }
  }

  /** Files seen from the workflow directory, each once, in the order written. */
  private fileKeys(
    group: TaskGroup,
    id: number,
    fields: readonly TemplateField[],
    values: PlaceholderValues,
    workdir: string | undefined,
    what: 'input' | 'output',
  ): string[] {
    const keys: string[] = [];
    for (const field of fields) {
      const text = expandTemplate(field.template, values);
      if (!this.checkPath(group, id, field, text, what)) continue;
      const key = resolveFromWorkdir(workdir, text);
      if (!keys.includes(key)) keys.push(key);
    }
    return keys;
  }

  private checkPath(group: TaskGroup, id: number, field: TemplateField, text: string, what: string): boolean {
    const where = isConstantTemplate(field.template) ? '' : ` (in "${taskName(group, id)}")`;
    // `problem` groups the members' errors: one report per field and kind of problem.
    const fail = (problem: string, message: string, hint: string): false => {
      this.aggregate(
        'SPEC_BAD_PATH',
        field.pos,
        field.path,
        `${message}${where}`,
        hint,
        `${field.path}|${problem}`,
      );
      return false;
    };
    if (text.trim() === '') {
      return fail('empty', `the ${what} path is empty`, "write a path relative to the task's workdir");
    }
    if (text.includes('\u0000')) return fail('nul', `the ${what} path contains a NUL character`, 'remove it');
    if (what !== 'workdir' && /[*?]/.test(text)) {
      return fail(
        'glob',
        `${JSON.stringify(text)} looks like a glob pattern, but ${what}s are exact file paths`,
        what === 'input'
          ? 'to run after every member of an array, use after: [array-name]; to run once per file, use foreach: { glob: ... }'
          : 'list each file; in a foreach, make the path differ per member with {{index}} or {{stem}}',
      );
    }
    if (what === 'output' && resolveFromWorkdir(undefined, text) === '.') {
      return fail(
        'dot',
        `the output ${JSON.stringify(text)} is the working directory itself`,
        'name a file or a subdirectory',
      );
    }
    return true;
  }

  private collectOutputs(group: TaskGroup): void {
    for (let id = group.firstId; id < group.firstId + group.count; id++) {
      const keys = this.outputKeys[id] ?? [];
      for (const key of keys) {
        const other = this.producer.get(key);
        if (other === undefined) {
          this.producer.set(key, id);
          continue;
        }
        const otherGroup = this.groupOf[other] as TaskGroup;
        const field = this.outputField(group, id, key);
        const sameArray = otherGroup === group;
        this.aggregate(
          'SPEC_OUTPUT_CONFLICT',
          field.pos,
          field.path,
          sameArray
            ? `"${key}" is written by both "${taskName(group, other)}" and "${taskName(group, id)}"`
            : `"${key}" is also written by task "${taskName(otherGroup, other)}" (line ${otherGroup.decl.namePos.line})`,
          sameArray
            ? 'make the path differ per member, e.g. out/{{index}}.txt'
            : 'each file must be written by one task only; rename one of the outputs',
          `${field.path}|${otherGroup.decl.index}`,
        );
      }
    }
  }

  /** The output field of `id` whose path is `key` (for the error position). */
  private outputField(group: TaskGroup, id: number, key: string): TemplateField {
    const values = placeholderValues(group, id);
    const found = group.decl.outputs.find(
      (f) => resolveFromWorkdir(this.workdirs[id], expandTemplate(f.template, values)) === key,
    );
    return (
      found ??
      group.decl.outputs[0] ?? {
        template: { source: '', parts: [''] },
        pos: group.decl.pos,
        path: group.decl.path,
      }
    );
  }

  // ---------------------------------------------------------------- dependencies

  /** Fills deps for every member of `group`; false when the link budget ran out. */
  private linkDependencies(group: TaskGroup): boolean {
    const decl = group.decl;
    const constantRefs = new Map<TemplateField, number[] | undefined>();
    for (let id = group.firstId; id < group.firstId + group.count; id++) {
      const deps: number[] = [];
      // seen[t] === id + 1 marks t as already in deps: no per-task Set to allocate.
      const seen = this.seenStamp;
      const values = placeholderValues(group, id);
      for (const field of decl.after) {
        let targets: number[] | undefined;
        if (isConstantTemplate(field.template)) {
          if (!constantRefs.has(field))
            constantRefs.set(field, this.resolveRef(group, id, field, field.template.source));
          targets = constantRefs.get(field);
        } else {
          targets = this.resolveRef(group, id, field, expandTemplate(field.template, values));
        }
        if (targets === undefined) continue;
        if (this.links + deps.length + targets.length > MAX_DEPENDENCIES) return this.tooManyLinks(group);
        for (const t of targets) {
          if (t === id) {
            const ref = expandTemplate(field.template, values);
            this.aggregate(
              'SPEC_SELF_DEPENDENCY',
              field.pos,
              field.path,
              ref === taskName(group, id)
                ? `task "${ref}" runs after itself`
                : `"${taskName(group, id)}" runs after "${ref}", which includes itself`,
              'remove it from after',
              field.path,
            );
            continue;
          }
          if (seen[t] !== id + 1) {
            seen[t] = id + 1;
            deps.push(t);
          }
        }
      }
      this.explicitCount[id] = deps.length;
      for (const key of this.inputKeys[id] ?? []) {
        const p = this.producer.get(key);
        if (p === undefined) continue; // an external input
        if (p === id) {
          const field = group.decl.inputs.find(
            (f) => resolveFromWorkdir(this.workdirs[id], expandTemplate(f.template, values)) === key,
          );
          this.aggregate(
            'SPEC_SELF_DEPENDENCY',
            field?.pos ?? decl.pos,
            field?.path ?? decl.path,
            `"${key}" is both an input and an output of "${taskName(group, id)}"`,
            'a task cannot read a file it writes itself; write the result to a new file',
            `${field?.path ?? decl.path}|self-file`,
          );
          continue;
        }
        if (seen[p] !== id + 1) {
          seen[p] = id + 1;
          deps.push(p);
        }
      }
      this.deps[id] = deps;
      this.links += deps.length;
    }
    return true;
  }

  private tooManyLinks(group: TaskGroup): false {
    this.errors.add(
      'SPEC_TOO_MANY_DEPENDENCIES',
      group.decl.pos,
      group.decl.path,
      `the workflow has more than ${MAX_DEPENDENCIES} dependency links (at task "${group.name}")`,
      'an array that runs after another array links every pair of members; put a single fan-in task between them and depend on that',
    );
    return false;
  }

  /** Task numbers a reference names: `x`, an array `x` (all members), or member `x[3]`. */
  private resolveRef(group: TaskGroup, id: number, field: TemplateField, ref: string): number[] | undefined {
    const member = /^(.*)\[(\d+)\]$/.exec(ref);
    const base = member ? (member[1] ?? '') : ref;
    const target = this.byName.get(base);
    // One report per field and kind of problem; the message is only built for the first member.
    const fail = (problem: string, explain: () => [message: string, hint: string]): undefined => {
      const key = `${field.path}|${problem}`;
      if (this.countAggregated('SPEC_UNKNOWN_DEPENDENCY', key)) return undefined;
      const [message, hint] = explain();
      const where = isConstantTemplate(field.template) ? '' : ` (in "${taskName(group, id)}")`;
      this.aggregate('SPEC_UNKNOWN_DEPENDENCY', field.pos, field.path, `${message}${where}`, hint, key);
      return undefined;
    };
    if (target === undefined) {
      if (this.unresolvable.has(base) || this.declared.writtenNames.has(base)) return undefined;
      return fail('no-such-task', () => {
        const close = closestMatch(base, this.byName.keys());
        const names = [...this.byName.keys()];
        return [
          `after names "${ref}", which is not a task`,
          close !== undefined
            ? `did you mean "${member ? `${close}[${member[2] ?? ''}]` : close}"?`
            : `tasks are: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`,
        ];
      });
    }
    if (!member) {
      const ids = new Array<number>(target.count);
      for (let i = 0; i < target.count; i++) ids[i] = target.firstId + i;
      return ids;
    }
    const index = Number(member[2]);
    if (target.items === undefined) {
      return fail('not-an-array', () => [
        `"${ref}" does not exist: "${base}" is not a foreach array`,
        `write after: [${base}]`,
      ]);
    }
    if (index >= target.count) {
      return fail('past-the-end', () => [
        `"${ref}" does not exist: array "${base}" has members ${base}[0] to ${base}[${target.count - 1}]`,
        `use an index from 0 to ${target.count - 1}`,
      ]);
    }
    return [target.firstId + index];
  }

  // ---------------------------------------------------------------- cycles

  private reportCycles(blocked: number[]): void {
    const byDecls = new Map<string, { cycle: number[]; more: number }>();
    for (const cycle of findCycles(this.deps, blocked)) {
      const key = [...new Set(cycle.map((id) => (this.groupOf[id] as TaskGroup).decl.index))]
        .sort((a, b) => a - b)
        .join(',');
      const seen = byDecls.get(key);
      if (seen) seen.more++;
      else byDecls.set(key, { cycle, more: 0 });
    }
    for (const { cycle, more } of byDecls.values()) {
      const first = cycle[0] ?? 0;
      const group = this.groupOf[first] as TaskGroup;
      const names = cycle.map((id) => taskName(this.groupOf[id] as TaskGroup, id));
      const links = cycle.map((id, k) => this.linkReason(cycle[(k + 1) % cycle.length] ?? 0, id));
      const shown = links.slice(0, 6).join('; ') + (links.length > 6 ? '; ...' : '');
      this.errors.add(
        'SPEC_CYCLE',
        group.decl.pos,
        group.decl.path,
        `dependency cycle: ${[...names, names[0] ?? ''].join(' -> ')}${more > 0 ? ` (and ${more} more like it)` : ''}`,
        `${shown}; remove one of these links`,
      );
    }
  }

  /** Why `task` runs after `dep`, for a cycle hint. */
  private linkReason(task: number, dep: number): string {
    const taskLabel = taskName(this.groupOf[task] as TaskGroup, task);
    const depLabel = taskName(this.groupOf[dep] as TaskGroup, dep);
    const at = (this.deps[task] ?? []).indexOf(dep);
    if (at >= 0 && at < (this.explicitCount[task] ?? 0)) return `"${taskLabel}" has "${depLabel}" in after`;
    const file = (this.inputKeys[task] ?? []).find((k) => this.producer.get(k) === dep);
    return `"${taskLabel}" reads "${file ?? '?'}", which "${depLabel}" writes`;
  }

  // ---------------------------------------------------------------- errors of arrays

  /** Records an error once per `key`; repeats (other members) only count. */
  private aggregate(
    code: SpecErrorCode,
    pos: SourcePos,
    path: string,
    message: string,
    hint: string,
    key: string,
  ): void {
    const k = `${code}|${key}`;
    const seen = this.aggregated.get(k);
    if (seen) seen.more++;
    else this.aggregated.set(k, { code, pos, path, message, hint, more: 0 });
  }

  /** Counts one more occurrence of an error already recorded under `key`; false when there is none yet. */
  private countAggregated(code: SpecErrorCode, key: string): boolean {
    const seen = this.aggregated.get(`${code}|${key}`);
    if (seen) seen.more++;
    return seen !== undefined;
  }

  private flushAggregated(): void {
    for (const e of this.aggregated.values()) {
      const more = e.more > 0 ? ` (and ${e.more} more like it)` : '';
      this.errors.add(e.code, e.pos, e.path, `${e.message}${more}`, e.hint);
    }
    this.aggregated.clear();
  }
}
