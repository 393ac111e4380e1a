/**
 * Reads a task's `foreach`: exactly one of a list of values, a range of whole numbers or a glob.
 * The schema has checked the fields and their types; this checks what it cannot word as the users
 * are told: one kind only, a list or glob that is not empty, a range that holds numbers.
 */
import type { DeclaredForeach, ForeachSource } from './declared-workflow.js';
import { SchemaFieldReader, type Field } from './schema-field-reader.js';
import type { SpecErrorCode } from './spec-errors.js';
import { quoteList } from './suggest.js';
import { BOUND_HINT, FOREACH_HINT, GLOB_HINT, RANGE_HINT, SPEC_FIELDS } from './workflow-schema.js';

export class ForeachReader extends SchemaFieldReader<SpecErrorCode> {
  readForeach(field: Field): DeclaredForeach | undefined {
    if (!this.check(field)) return undefined;
    const before = this.errors.count;
    const f = this.fields(field.node, field.path);
    const kinds = SPEC_FIELDS.foreach.filter((k) => f.has(k));
    if (kinds.length > 1) {
      this.bad(
        field,
        `foreach has both ${quoteList(kinds, 'and')}`,
        'use exactly one of list, range or glob; for two arrays, declare two tasks',
      );
      return undefined;
    }
    const kind = kinds[0];
    if (kind === undefined) {
      if (this.errors.count === before)
        this.bad(field, 'foreach needs one of list, range or glob', FOREACH_HINT);
      return undefined;
    }
    const sourceField = f.get(kind) as Field;
    let source: ForeachSource | undefined;
    if (kind === 'list') source = this.readList(sourceField);
    else if (kind === 'range') source = this.readRange(sourceField);
    else {
      const pattern = this.string(sourceField);
      if (pattern !== undefined && pattern.trim() === '') {
        this.bad(sourceField, 'the glob pattern is empty', GLOB_HINT);
      } else if (pattern !== undefined) source = { kind: 'glob', pattern };
    }
    return source ? { source, pos: sourceField.pos, path: sourceField.path } : undefined;
  }

  private bad(field: Field, message: string, hint: string): void {
    this.errors.add('SPEC_BAD_FOREACH', field.pos, field.path, message, hint);
  }

  private readList(field: Field): ForeachSource | undefined {
    if (!this.check(field)) return undefined;
    const nodes = this.src.items(field.node);
    if (nodes.length === 0) {
      this.bad(field, 'the foreach list is empty', 'list at least one value, or remove the task');
      return undefined;
    }
    const items: string[] = [];
    let ok = true;
    nodes.forEach((node, i) => {
      const item = this.string(this.itemField(field, node, i));
      if (item === undefined) ok = false;
      else items.push(item);
    });
    return ok ? { kind: 'list', items } : undefined;
  }

  private readRange(field: Field): ForeachSource | undefined {
    if (!this.check(field)) return undefined;
    let from: number | undefined = 0;
    let to: number | undefined;
    let step: number | undefined = 1;
    if (this.src.kind(field.node) === 'list') {
      const nodes = this.src.items(field.node);
      if (nodes.length < 2 || nodes.length > 3) {
        this.bad(field, `a range list has 2 or 3 numbers (from, to, step), got ${nodes.length}`, RANGE_HINT);
        return undefined;
      }
      const [a, b, c] = nodes.map((n, i) => this.readBound(this.itemField(field, n, i)));
      from = a;
      to = b;
      step = nodes.length === 3 ? c : 1;
    } else {
      const f = this.fields(field.node, field.path);
      const fromField = f.get('from');
      if (fromField) from = this.readBound(fromField);
      const toField = this.required(f, 'to', field);
      if (toField === undefined) return undefined;
      to = this.readBound(toField);
      const stepField = f.get('step');
      if (stepField) step = this.readBound(stepField);
    }
    if (from === undefined || to === undefined || step === undefined) return undefined;
    if (step === 0) {
      this.bad(field, 'the range step is 0', 'use a step of 1 or more (or a negative step to count down)');
      return undefined;
    }
    if ((step > 0 && from >= to) || (step < 0 && from <= to)) {
      this.bad(
        field,
        `the range from ${from} to ${to} (excluded) with step ${step} is empty`,
        '"to" is excluded: [0, 3] gives 0, 1, 2',
      );
      return undefined;
    }
    return { kind: 'range', from, to, step };
  }

  private readBound(field: Field): number | undefined {
    const v = this.number(field);
    if (v === undefined) return undefined;
    if (Number.isSafeInteger(v)) return v;
    this.bad(
      field,
      `range values must be whole numbers, got ${this.src.scalarText(field.node) ?? ''}`,
      BOUND_HINT,
    );
    return undefined;
  }
}
