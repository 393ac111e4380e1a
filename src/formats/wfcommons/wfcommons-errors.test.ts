/**
 * Malformed WfCommons instances, each with the exact errors it gets: code, line and column in the
 * JSON, field path, message. Positions come from a second, positional parse that only runs when
 * something is wrong.
 */
import { describe, expect, it } from 'vitest';
import { formatSpecError } from '../../spec/spec-errors.js';
import { importWfCommons } from './wfcommons.js';
import type { ExpectedError } from '../../spec/testing/expected-error.js';

type Expected = ExpectedError;

/** Joins lines, so that line numbers in the expectations can be counted. */
const j = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** A 1.5 instance whose spec tasks are the given lines (lines 1-6 are the header). */
const spec15 = (taskLines: string[], fileLines: string[] = ['{ "id": "f", "sizeInBytes": 1 }']): string =>
  j(
    '{',
    '  "name": "bad", "schemaVersion": "1.5",',
    '  "workflow": {',
    '    "specification": {',
    '      "tasks": [',
    ...taskLines.map((l, i) => `        ${l}${i < taskLines.length - 1 ? ',' : ''}`),
    '      ],',
    `      "files": [${fileLines.join(', ')}]`,
    '    }',
    '  }',
    '}',
  );

const cases: Array<{ title: string; text: string; errors: Expected[] }> = [
  {
    title: 'not JSON: a trailing comma',
    text: '{"name": "x",}',
    errors: [
      {
        code: 'WFC_NOT_JSON',
        line: 1,
        column: 14,
        path: '',
        message: 'not valid JSON: Expected double-quoted property name',
      },
    ],
  },
  {
    title: 'an empty file',
    text: '  \n',
    errors: [{ code: 'WFC_NOT_JSON', line: 1, column: 1, path: '', message: 'the file is empty' }],
  },
  {
    title: 'a JSON list instead of an object',
    text: '[1, 2]',
    errors: [
      {
        code: 'WFC_WRONG_TYPE',
        line: 1,
        column: 1,
        path: '',
        message: 'a WfCommons instance is a JSON object',
      },
    ],
  },
  {
    title: 'no schemaVersion',
    text: j('{', '  "name": "x",', '  "workflow": {}', '}'),
    errors: [
      { code: 'WFC_MISSING_FIELD', line: 1, column: 1, path: '', message: 'missing field "schemaVersion"' },
    ],
  },
  {
    title: 'a version Strata does not read',
    text: j('{', '  "name": "x",', '  "schemaVersion": "2.0",', '  "workflow": {}', '}'),
    errors: [
      {
        code: 'WFC_UNSUPPORTED_VERSION',
        line: 3,
        column: 20,
        path: 'schemaVersion',
        message: 'WfFormat version "2.0" is not supported',
        hint: 'Strata reads WfFormat 1.4 and 1.5 (and 1.6, which only adds optional fields)',
      },
    ],
  },
  {
    title: 'an older version, with a hint to migrate it',
    text: j('{', '  "name": "x",', '  "schemaVersion": "1.3",', '  "workflow": {}', '}'),
    errors: [
      {
        code: 'WFC_UNSUPPORTED_VERSION',
        line: 3,
        column: 20,
        path: 'schemaVersion',
        message: 'WfFormat version "1.3" is not supported',
        hint: 'Strata reads WfFormat 1.4 and 1.5: upgrade the file with tools/wfcommons-migrate-instance.py of wfcommons/WfFormat',
      },
    ],
  },
  {
    title: 'a 1.5 file without specification',
    text: j(
      '{',
      '  "name": "x",',
      '  "schemaVersion": "1.5",',
      '  "workflow": {',
      '    "execution": {}',
      '  }',
      '}',
    ),
    errors: [
      {
        code: 'WFC_MISSING_FIELD',
        line: 4,
        column: 15,
        path: 'workflow',
        message: 'missing field "specification"',
        hint: 'WfFormat 1.5 keeps the DAG in workflow.specification {tasks, files}',
      },
    ],
  },
  {
    title: 'a task without id, and a file size that is a string',
    text: spec15(['{ "name": "a", "id": "a" }', '{ "name": "b" }'], ['{ "id": "f", "sizeInBytes": "12" }']),
    errors: [
      {
        code: 'WFC_MISSING_FIELD',
        line: 7,
        column: 9,
        path: 'workflow.specification.tasks[1]',
        message: 'missing field "id"',
      },
      {
        code: 'WFC_WRONG_TYPE',
        line: 9,
        column: 45,
        path: 'workflow.specification.files[0].sizeInBytes',
        message: '"sizeInBytes" must be a number, 0 or more, not the string "12"',
      },
    ],
  },
  {
    title: 'a parent that is not a task',
    text: spec15(['{ "name": "a", "id": "a" }', '{ "name": "b", "id": "b", "parents": ["c"] }']),
    errors: [
      {
        code: 'WFC_UNKNOWN_PARENT',
        line: 7,
        column: 47,
        path: 'workflow.specification.tasks[1].parents[0]',
        message: 'parent "c" of task "b" is not a task of this instance',
      },
    ],
  },
  {
    title: 'a child that is not a task',
    text: spec15(['{ "name": "a", "id": "a", "children": ["zz"] }']),
    errors: [
      {
        code: 'WFC_UNKNOWN_PARENT',
        line: 6,
        column: 48,
        path: 'workflow.specification.tasks[0].children[0]',
        message: 'child "zz" of task "a" is not a task of this instance',
      },
    ],
  },
  {
    title: 'an input file that is not in files',
    text: spec15(['{ "name": "a", "id": "a", "inputFiles": ["f", "g"] }']),
    errors: [
      {
        code: 'WFC_UNKNOWN_FILE',
        line: 6,
        column: 55,
        path: 'workflow.specification.tasks[0].inputFiles[1]',
        message: 'input file "g" of task "a" is not in workflow.specification.files',
      },
    ],
  },
  {
    title: 'two tasks with one id',
    text: spec15(['{ "name": "a", "id": "a" }', '{ "name": "a2", "id": "a" }']),
    errors: [
      {
        code: 'WFC_DUPLICATE_TASK',
        line: 7,
        column: 9,
        path: 'workflow.specification.tasks[1]',
        message: 'task "a" is declared twice',
      },
    ],
  },
  {
    title: 'two files with one id',
    text: spec15(
      ['{ "name": "a", "id": "a" }'],
      ['{ "id": "f", "sizeInBytes": 1 }', '{ "id": "f", "sizeInBytes": 2 }'],
    ),
    errors: [
      {
        code: 'WFC_DUPLICATE_FILE',
        line: 8,
        column: 50,
        path: 'workflow.specification.files[1]',
        message: 'file "f" is declared twice',
      },
    ],
  },
  {
    title: 'a cycle through parents and children',
    text: spec15([
      '{ "name": "a", "id": "a", "parents": ["c"] }',
      '{ "name": "b", "id": "b", "parents": ["a"] }',
      '{ "name": "c", "id": "c", "children": ["a"], "parents": ["b"] }',
    ]),
    errors: [
      {
        code: 'WFC_CYCLE',
        line: 6,
        column: 9,
        path: 'workflow.specification.tasks[0]',
        message: 'the tasks depend on each other in a cycle: a -> b -> c -> a',
      },
    ],
  },
  {
    title: 'a task that is its own parent',
    text: spec15(['{ "name": "a", "id": "a", "parents": ["a"] }']),
    errors: [
      {
        code: 'WFC_CYCLE',
        line: 6,
        column: 9,
        path: 'workflow.specification.tasks[0]',
        message: 'the tasks depend on each other in a cycle: a -> a',
      },
    ],
  },
  {
    title: 'no tasks at all',
    text: spec15([]),
    errors: [
      {
        code: 'WFC_NO_TASKS',
        line: 5,
        column: 16,
        path: 'workflow.specification.tasks',
        message: 'the instance has no tasks',
      },
    ],
  },
  {
    title: 'an execution entry for a task that does not exist, and a negative runtime',
    text: j(
      '{',
      '  "name": "bad", "schemaVersion": "1.5",',
      '  "workflow": {',
      '    "specification": { "tasks": [{ "name": "a", "id": "a" }], "files": [] },',
      '    "execution": {',
      '      "makespanInSeconds": 3, "executedAt": "2020-01-01T00:00:00Z",',
      '      "tasks": [',
      '        { "id": "a", "runtimeInSeconds": -1, "avgCPU": "high" },',
      '        { "id": "b", "runtimeInSeconds": 1 }',
      '      ]',
      '    }',
      '  }',
      '}',
    ),
    errors: [
      {
        code: 'WFC_WRONG_TYPE',
        line: 8,
        column: 42,
        path: 'workflow.execution.tasks[0].runtimeInSeconds',
        message: '"runtimeInSeconds" must be a number, 0 or more, not number -1',
      },
      {
        code: 'WFC_WRONG_TYPE',
        line: 8,
        column: 56,
        path: 'workflow.execution.tasks[0].avgCPU',
        message: '"avgCPU" must be a number, 0 or more, not the string "high"',
      },
      {
        code: 'WFC_UNKNOWN_TASK',
        line: 9,
        column: 17,
        path: 'workflow.execution.tasks[1].id',
        message: 'execution task "b" is not a task of workflow.specification.tasks',
      },
    ],
  },
  {
    title: '1.4: a file whose link is neither input nor output, and no makespan',
    text: j(
      '{',
      '  "name": "old", "schemaVersion": "1.4",',
      '  "workflow": {',
      '    "tasks": [',
      '      { "name": "a", "runtimeInSeconds": 1,',
      '        "files": [{ "name": "f", "sizeInBytes": 1, "link": "inout" }] }',
      '    ]',
      '  }',
      '}',
    ),
    errors: [
      {
        code: 'WFC_MISSING_FIELD',
        line: 3,
        column: 15,
        path: 'workflow',
        message: 'missing field "makespanInSeconds"',
      },
      {
        code: 'WFC_WRONG_TYPE',
        line: 6,
        column: 60,
        path: 'workflow.tasks[0].files[0].link',
        message: '"link" must be "input" or "output", not the string "inout"',
      },
    ],
  },
];

describe('malformed WfCommons instances', () => {
  it.each(cases)('$title', ({ text, errors }) => {
    const result = importWfCommons(text, { file: 'bad.json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const got = result.errors.map((e) => {
      const out: Expected = {
        code: e.code,
        line: e.line,
        column: e.column,
        path: e.path,
        message: e.message,
      };
      return out;
    });
    expect(got).toEqual(errors.map(({ hint: _hint, ...e }) => e));
    for (const [i, e] of errors.entries()) {
      if (e.hint !== undefined) expect(result.errors[i]?.hint).toBe(e.hint);
      expect(result.errors[i]?.hint).not.toBe('');
      expect(result.errors[i]?.file).toBe('bad.json');
    }
  });

  it('never throws, whatever the input', () => {
    const inputs = [
      '',
      'null',
      '42',
      '"x"',
      '{}',
      '{"schemaVersion": 1.5}',
      '{"schemaVersion":"1.5","name":"x","workflow":[]}',
    ];
    for (const text of inputs) expect(importWfCommons(text, { file: 'x' }).ok).toBe(false);
  });

  it('prints like a compiler error', () => {
    const result = importWfCommons(spec15(['{ "name": "a", "id": "a", "parents": ["a"] }']), {
      file: 'wf.json',
    });
    expect(!result.ok && formatSpecError(result.errors[0]!)).toBe(
      'wf.json:6:9 error WFC_CYCLE at workflow.specification.tasks[0]: the tasks depend on each other in a cycle: a -> a\n' +
        '  hint: a workflow is a DAG: remove one of these parent/child links',
    );
  });
});
