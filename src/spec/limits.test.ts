/** The size limits: checked before anything large is built, and reported as errors. */
import { describe, expect, it } from 'vitest';
import { MAX_TASKS } from './expand-foreach.js';
import { parseWorkflowSpec } from './index.js';
import { MAX_SPEC_ERRORS } from './spec-errors.js';
import { MAX_DEPENDENCIES } from './task-graph.js';

const y = (...lines: string[]): string => `${lines.join('\n')}\n`;

function codes(text: string): string[] {
  const result = parseWorkflowSpec(text, { file: 'w.yaml' });
  return result.ok ? [] : result.errors.map((e) => e.code);
}

describe('limits', () => {
  it(`refuses more than ${MAX_TASKS} tasks over several arrays`, () => {
    const half = MAX_TASKS / 2 + 1;
    const text = y(
      'name: w',
      'tasks:',
      '  - name: a',
      `    foreach: { range: [0, ${half}] }`,
      '    command: [x]',
      '  - name: b',
      `    foreach: { range: [0, ${half}] }`,
      '    command: [x]',
    );
    const result = parseWorkflowSpec(text, { file: 'w.yaml' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => [e.code, e.line, e.message])).toEqual([
        [
          'SPEC_TOO_MANY_TASKS',
          7,
          `foreach of task "b" would make ${half} tasks, more than the ${MAX_TASKS} a workflow may have`,
        ],
      ]);
    }
  });

  it(`refuses more than ${MAX_DEPENDENCIES} dependency links (an array after an array)`, () => {
    const result = parseWorkflowSpec(
      y(
        'name: w',
        'tasks:',
        '  - name: a',
        '    foreach: { range: [0, 3000] }',
        '    command: [x]',
        '  - name: b',
        '    foreach: { range: [0, 2000] }',
        '    after: [a]',
        '    command: [x]',
      ),
      { file: 'w.yaml' },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => [e.code, e.line, e.path])).toEqual([
        ['SPEC_TOO_MANY_DEPENDENCIES', 6, 'tasks[1]'],
      ]);
    }
  });

  it(`stops at ${MAX_SPEC_ERRORS} errors`, () => {
    const tasks = Array.from({ length: MAX_SPEC_ERRORS + 10 }, (_, i) => `  - { name: t${i}, command: [] }`);
    const got = codes(y('name: w', 'tasks:', ...tasks));
    expect(got).toHaveLength(MAX_SPEC_ERRORS + 1);
    expect(got.at(-1)).toBe('SPEC_TOO_MANY_ERRORS');
  });

  it('reports a cycle among array members once per set of tasks, with a count', () => {
    const result = parseWorkflowSpec(
      y(
        'name: w',
        'tasks:',
        '  - name: a',
        '    foreach: { range: [0, 1000] }',
        "    after: ['b[{{index}}]']",
        '    command: [x]',
        '  - name: b',
        '    foreach: { range: [0, 1000] }',
        "    after: ['a[{{index}}]']",
        '    command: [x]',
      ),
      { file: 'w.yaml' },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => [e.code, e.line, e.message])).toEqual([
        ['SPEC_CYCLE', 3, 'dependency cycle: a[0] -> b[0] -> a[0] (and 999 more like it)'],
      ]);
    }
  });
});
