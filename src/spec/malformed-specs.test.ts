/**
 * Release criterion: malformed specs, each with the exact errors it gets (code, position, field
 * path, message). Each case also says whether the JSON Schema rejects it, so the schema and the
 * parser cannot drift apart unnoticed ('n/a' when the text is not even YAML).
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseWorkflowSpec } from './parse-workflow-spec.js';
import { workflowSchemaValidator } from './testing/repo-files.js';
import type { ExpectedError } from './testing/expected-error.js';

type Expected = ExpectedError;

interface Case {
  title: string;
  yaml: string;
  errors: Expected[];
  /** Whether the JSON Schema rejects the document too (it cannot see cross-task mistakes). */
  schema: 'rejects' | 'accepts' | 'n/a';
  listFiles?: (pattern: string) => string[];
}

/** Joins lines, so that line numbers in the expectations can be counted. */
const y = (...lines: string[]): string => `${lines.join('\n')}\n`;

const cases: Case[] = [
  {
    title: 'YAML syntax error: a flow list not closed',
    yaml: y('name: wf', 'tasks: [a, b'),
    schema: 'n/a',
    errors: [
      {
        code: 'SPEC_YAML_SYNTAX',
        line: 3,
        column: 1,
        path: '',
        message:
          'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        hint: 'a [ or { is not closed, or a line inside it is not indented more than the line that opened it',
      },
    ],
  },
  {
    title: 'YAML syntax error: a quote not closed',
    yaml: y('name: "wf', 'tasks: []'),
    schema: 'n/a',
    errors: [
      {
        code: 'SPEC_YAML_SYNTAX',
        line: 3,
        column: 1,
        path: '',
        message: 'invalid YAML: Missing closing "quote',
        hint: 'a quoted string is not closed: add the closing quote',
      },
    ],
  },
  {
    title: 'YAML syntax error: tab indentation',
    yaml: y('name: wf', 'tasks:', '\t- name: a'),
    schema: 'n/a',
    errors: [
      {
        code: 'SPEC_YAML_SYNTAX',
        line: 3,
        column: 1,
        path: '',
        message: 'invalid YAML: Tabs are not allowed as indentation',
        hint: 'indent with spaces; YAML does not allow tabs for indentation',
      },
    ],
  },
  {
    title: 'top level is a list',
    yaml: y('- name: a', '  command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_NOT_A_MAPPING',
        line: 1,
        column: 1,
        path: '',
        message: 'a workflow must be a mapping with "name" and "tasks", got a list',
        hint: 'start the file with "name: my-workflow" followed by a "tasks:" list',
      },
    ],
  },
  {
    title: 'empty document',
    yaml: y('# nothing here'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_NOT_A_MAPPING',
        line: 1,
        column: 1,
        path: '',
        message: 'a workflow must be a mapping with "name" and "tasks", got an empty document',
      },
    ],
  },
  {
    title: 'unknown field with a did-you-mean hint (and no second error about the missing command)',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    comand: [echo, hi]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_UNKNOWN_FIELD',
        line: 4,
        column: 5,
        path: 'tasks[0].comand',
        message: 'unknown field "comand"',
        hint: 'did you mean "command"?',
      },
    ],
  },
  {
    title: 'a word from another tool: depends_on',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    shell: "true"', '    depends_on: [b]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_UNKNOWN_FIELD',
        line: 5,
        column: 5,
        path: 'tasks[0].depends_on',
        message: 'unknown field "depends_on"',
        hint: 'did you mean "after"?',
      },
    ],
  },
  {
    title: 'a resource written directly on the task',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    shell: "true"', '    cpus: 2'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_UNKNOWN_FIELD',
        line: 5,
        column: 5,
        path: 'tasks[0].cpus',
        message: 'unknown field "cpus"',
        hint: 'put it under resources, e.g. resources: { cpus: ... }',
      },
    ],
  },
  {
    title: 'wrong type: outputs as a string',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    shell: echo > all.txt', '    outputs: all.txt'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_WRONG_TYPE',
        line: 5,
        column: 14,
        path: 'tasks[0].outputs',
        message: 'expected a list of output file paths, got the string "all.txt"',
        hint: 'write a list: [all.txt]',
      },
    ],
  },
  {
    title: 'wrong type: flexible as a string',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    shell: echo', '    flexible: "yes"'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_WRONG_TYPE',
        line: 5,
        column: 15,
        path: 'tasks[0].flexible',
        message: 'expected true or false, got the string "yes"',
        hint: 'write flexible: true (a carbon-aware plan may delay the task or move it to a greener site), or remove it',
      },
    ],
  },
  {
    title: 'wrong type: command as a string',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: echo hi'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_WRONG_TYPE',
        line: 4,
        column: 14,
        path: 'tasks[0].command',
        message: 'expected an argv list, got the string "echo hi"',
        hint: 'write the program and its arguments as a list, e.g. [echo, hi], or use shell: instead for a shell command line',
      },
    ],
  },
  {
    title: 'missing required fields: workflow name and task name',
    yaml: y('tasks:', '  - command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_MISSING_FIELD',
        line: 1,
        column: 1,
        path: 'name',
        message: 'missing required field "name"',
        hint: 'add a line like "name: my-workflow" at the top',
      },
      {
        code: 'SPEC_MISSING_FIELD',
        line: 2,
        column: 5,
        path: 'tasks[0].name',
        message: 'missing required field "name"',
      },
    ],
  },
  {
    title: 'env.inherit: not a list, and a name that is not a variable name',
    yaml: y(
      'name: wf',
      'defaults:',
      '  env: { inherit: HOME }',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      "    env: { inherit: [OK, 'no-dash'] }",
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_WRONG_TYPE',
        line: 3,
        column: 19,
        path: 'defaults.env.inherit',
        message: 'expected a list of variable names, got the string "HOME"',
        hint: 'write inherit: [NAME, PREFIX_*]',
      },
      {
        code: 'SPEC_INVALID_NAME',
        line: 7,
        column: 26,
        path: 'tasks[0].env.inherit[1]',
        message: 'invalid name to inherit "no-dash"',
        hint: 'write a variable name (letters, digits, "_"), or a prefix ending in *, e.g. OMP_*',
      },
    ],
  },
  {
    title: 'invalid task name',
    yaml: y('name: wf', 'tasks:', "  - name: 'split it'", '    command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_INVALID_NAME',
        line: 3,
        column: 11,
        path: 'tasks[0].name',
        message: 'invalid task name "split it"',
        hint: 'use letters, digits, ".", "_" and "-", starting with a letter, digit or "_" (at most 128 characters)',
      },
    ],
  },
  {
    title: 'both command and shell',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '    shell: echo'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_COMMAND_AND_SHELL',
        line: 5,
        column: 5,
        path: 'tasks[0].shell',
        message: 'the task has both "command" and "shell"',
      },
    ],
  },
  {
    title: 'neither command nor shell',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    outputs: [x]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_NO_COMMAND',
        line: 3,
        column: 5,
        path: 'tasks[0]',
        message: 'the task has neither "command" nor "shell"',
        hint: 'add command: [program, arg, ...] or shell: "program arg | other"',
      },
    ],
  },
  {
    title: 'empty argv',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: []'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_EMPTY_COMMAND',
        line: 4,
        column: 14,
        path: 'tasks[0].command',
        message: '"command" is an empty list',
      },
    ],
  },
  {
    title: 'bad duration',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '    timeout: 10 min'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_DURATION',
        line: 5,
        column: 14,
        path: 'tasks[0].timeout',
        message: 'invalid duration "10 min"',
        hint: 'write a number of seconds, or a duration like 500ms, 30s, 10m, 2h or 1h30m',
      },
    ],
  },
  {
    title: 'zero timeout',
    yaml: y('name: wf', 'defaults:', '  timeout: 0s', 'tasks:', '  - name: a', '    command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_DURATION',
        line: 3,
        column: 12,
        path: 'defaults.timeout',
        message: 'timeout must be greater than 0',
      },
    ],
  },
  {
    title: 'bad memory quantity, with the likely meaning as a hint',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '    resources: { memory: 512MB }'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_QUANTITY',
        line: 5,
        column: 26,
        path: 'tasks[0].resources.memory',
        message: 'invalid memory quantity "512MB"',
        hint: 'did you mean 512Mi (binary) or 512M (decimal)?',
      },
    ],
  },
  {
    title: 'zero cpus and fractional gpus',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      '    resources:',
      '      cpus: 0',
      '      gpus: 0.5',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_CPUS',
        line: 6,
        column: 13,
        path: 'tasks[0].resources.cpus',
        message: 'cpus must be greater than 0, got 0',
      },
      {
        code: 'SPEC_BAD_GPUS',
        line: 7,
        column: 13,
        path: 'tasks[0].resources.gpus',
        message: 'gpus must be a whole number, 0 or more, got 0.5',
      },
    ],
  },
  {
    title: 'retries out of range, short and long form',
    yaml: y(
      'name: wf',
      'defaults:',
      '  retries: -1',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      '    retries: { limit: 101, jitter: 2 }',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_RETRIES',
        line: 3,
        column: 12,
        path: 'defaults.retries',
        message: 'retries must be a whole number from 0 to 100, got -1',
        hint: 'it counts retries after the first attempt: 0 runs a task once, 3 up to 4 times',
      },
      {
        code: 'SPEC_BAD_RETRIES',
        line: 7,
        column: 23,
        path: 'tasks[0].retries.limit',
        message: 'retries must be a whole number from 0 to 100, got 101',
      },
      {
        code: 'SPEC_BAD_RETRIES',
        line: 7,
        column: 36,
        path: 'tasks[0].retries.jitter',
        message: 'jitter must be from 0 to 1, got 2',
      },
    ],
  },
  {
    title: 'attempts in the long retry form',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '    retries: { attempts: 3 }'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_UNKNOWN_FIELD',
        line: 5,
        column: 16,
        path: 'tasks[0].retries.attempts',
        message: 'unknown field "attempts"',
        hint: '"limit" counts retries after the first attempt: attempts: 3 is limit: 2',
      },
    ],
  },
  {
    title: 'bad regular expression in validate.stdout',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      "    validate: { stdout: 'total: (\\d+' }",
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_BAD_REGEX',
        line: 5,
        column: 25,
        path: 'tasks[0].validate.stdout',
        message: 'invalid regular expression "total: (\\\\d+": missing closing ): `total: (\\d+`',
      },
    ],
  },
  {
    title: 'foreach with an empty list',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    foreach: { list: [] }',
      '    command: [echo, "{{item}}"]',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_FOREACH',
        line: 4,
        column: 22,
        path: 'tasks[0].foreach.list',
        message: 'the foreach list is empty',
      },
    ],
  },
  {
    title: 'foreach range with step 0',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    foreach: { range: [0, 10, 0] }', '    command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_FOREACH',
        line: 4,
        column: 23,
        path: 'tasks[0].foreach.range',
        message: 'the range step is 0',
      },
    ],
  },
  {
    title: 'foreach with two kinds at once',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    foreach: { list: [x], range: [0, 2] }',
      '    command: [echo]',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_BAD_FOREACH',
        line: 4,
        column: 14,
        path: 'tasks[0].foreach',
        message: 'foreach has both "list" and "range"',
        hint: 'use exactly one of list, range or glob; for two arrays, declare two tasks',
      },
    ],
  },
  {
    title: 'empty range',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    foreach: { range: { from: 5, to: 5 } }',
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_BAD_FOREACH',
        line: 4,
        column: 23,
        path: 'tasks[0].foreach.range',
        message: 'the range from 5 to 5 (excluded) with step 1 is empty',
      },
    ],
  },
  {
    title: 'unknown placeholder in a foreach task: reported once, not once per member',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    foreach: { range: [0, 10000] }',
      "    shell: 'echo {{itme}} > out/{{index}}.txt'",
      "    outputs: ['out/{{index}}.txt']",
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_UNKNOWN_PLACEHOLDER',
        line: 5,
        column: 12,
        path: 'tasks[0].shell',
        message: 'unknown placeholder {{itme}}',
        hint: 'did you mean {{item}}?',
      },
    ],
  },
  {
    title: 'member placeholder in a task without foreach',
    yaml: y('name: wf', 'tasks:', '  - name: a', "    command: [echo, '{{item}}']"),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_UNKNOWN_PLACEHOLDER',
        line: 4,
        column: 21,
        path: 'tasks[0].command[1]',
        message: '{{item}} is only defined in a task with foreach',
        hint: 'add a foreach to the task, or remove {{item}}',
      },
    ],
  },
  {
    title: 'duplicate task name',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '  - name: a', '    command: [echo]'),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_DUPLICATE_TASK',
        line: 5,
        column: 11,
        path: 'tasks[1].name',
        message: 'duplicate task name "a" (first declared at line 3)',
        hint: 'task names must be unique; rename one of them',
      },
    ],
  },
  {
    title: 'a task and an array with the same name',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: work',
      '    foreach: { range: [0, 3] }',
      '    command: [echo]',
      '  - name: work',
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_DUPLICATE_TASK',
        line: 6,
        column: 11,
        path: 'tasks[1].name',
        message: 'duplicate task name "work" (first declared at line 3)',
        hint: 'a foreach task "work" names its members work[0], work[1], ...; the name "work" itself must still be unique',
      },
    ],
  },
  {
    title: 'after names a task that does not exist',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: split',
      '    command: [echo]',
      '  - name: merge',
      '    after: [spilt]',
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_UNKNOWN_DEPENDENCY',
        line: 6,
        column: 13,
        path: 'tasks[1].after[0]',
        message: 'after names "spilt", which is not a task',
        hint: 'did you mean "split"?',
      },
    ],
  },
  {
    title: 'after names an array member past the end',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: work',
      '    foreach: { list: [a, b, c] }',
      '    command: [echo]',
      '  - name: merge',
      "    after: 'work[3]'",
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_UNKNOWN_DEPENDENCY',
        line: 7,
        column: 12,
        path: 'tasks[1].after',
        message: '"work[3]" does not exist: array "work" has members work[0] to work[2]',
        hint: 'use an index from 0 to 2',
      },
    ],
  },
  {
    title: 'pairwise after past the end of the other array: one error for all members',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: prep',
      '    foreach: { range: [0, 5] }',
      '    command: [echo]',
      '  - name: train',
      '    foreach: { range: [0, 10000] }',
      "    after: ['prep[{{index}}]']",
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_UNKNOWN_DEPENDENCY',
        line: 8,
        column: 13,
        path: 'tasks[1].after[0]',
        message:
          '"prep[5]" does not exist: array "prep" has members prep[0] to prep[4] (in "train[5]") (and 9994 more like it)',
        hint: 'use an index from 0 to 4',
      },
    ],
  },
  {
    title: 'a cycle through after and a file',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      '    after: [c]',
      '  - name: b',
      '    command: [echo]',
      '    after: [a]',
      '    outputs: [b.txt]',
      '  - name: c',
      '    command: [echo]',
      '    inputs: [b.txt]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_CYCLE',
        line: 3,
        column: 5,
        path: 'tasks[0]',
        message: 'dependency cycle: a -> b -> c -> a',
        hint: '"b" has "a" in after; "c" reads "b.txt", which "b" writes; "a" has "c" in after; remove one of these links',
      },
    ],
  },
  {
    title: 'the same output from two tasks, written relative to different workdirs',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      '    outputs: [./work/parts.txt]',
      '  - name: b',
      '    command: [echo]',
      '    workdir: work',
      '    outputs: [parts.txt]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_OUTPUT_CONFLICT',
        line: 9,
        column: 15,
        path: 'tasks[1].outputs[0]',
        message: '"work/parts.txt" is also written by task "a" (line 3)',
        hint: 'each file must be written by one task only; rename one of the outputs',
      },
    ],
  },
  {
    title: 'every member of an array writes the same file: one error',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: w',
      '    foreach: { range: [0, 100] }',
      '    command: [echo]',
      '    outputs: [out.txt]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_OUTPUT_CONFLICT',
        line: 6,
        column: 15,
        path: 'tasks[0].outputs[0]',
        message: '"out.txt" is written by both "w[0]" and "w[1]" (and 98 more like it)',
        hint: 'make the path differ per member, e.g. out/{{index}}.txt',
      },
    ],
  },
  {
    title: 'a task after itself',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '    after: [a]'),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_SELF_DEPENDENCY',
        line: 5,
        column: 13,
        path: 'tasks[0].after[0]',
        message: 'task "a" runs after itself',
        hint: 'remove it from after',
      },
    ],
  },
  {
    title: 'a task reading its own output',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      '    inputs: [x.txt]',
      '    outputs: [./x.txt]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_SELF_DEPENDENCY',
        line: 5,
        column: 14,
        path: 'tasks[0].inputs[0]',
        message: '"x.txt" is both an input and an output of "a"',
      },
    ],
  },
  {
    title: 'glob foreach without a file lister',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      "    foreach: { glob: 'data/*.csv' }",
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_GLOB_UNAVAILABLE',
        line: 4,
        column: 22,
        path: 'tasks[0].foreach.glob',
        message: 'foreach glob "data/*.csv" cannot be expanded here',
      },
    ],
  },
  {
    title: 'glob foreach that matches nothing',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      "    foreach: { glob: 'data/*.csv' }",
      '    command: [echo]',
    ),
    listFiles: () => [],
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_GLOB_NO_MATCH',
        line: 4,
        column: 22,
        path: 'tasks[0].foreach.glob',
        message: 'glob "data/*.csv" matches no files',
      },
    ],
  },
  {
    title: 'invalid choice for failure',
    yaml: y('name: wf', 'failure: fail_fast', 'tasks:', '  - name: a', '    command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_INVALID_CHOICE',
        line: 2,
        column: 10,
        path: 'failure',
        message: '"fail_fast" is not one of "fail-fast" or "continue"',
        hint: 'did you mean "fail-fast"?',
      },
    ],
  },
  {
    title: 'unsupported version',
    yaml: y('version: 2', 'name: wf', 'tasks:', '  - name: a', '    command: [echo]'),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_UNSUPPORTED_VERSION',
        line: 1,
        column: 10,
        path: 'version',
        message: 'unsupported format version 2',
      },
    ],
  },
  {
    title: 'duplicate key, and the rest is still checked',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    name: b', '    command: [echo]', '    timeout: soon'),
    schema: 'n/a',
    errors: [
      {
        code: 'SPEC_DUPLICATE_KEY',
        line: 4,
        column: 5,
        path: 'tasks[0].name',
        message: 'field "name" appears twice in the same mapping',
      },
      {
        code: 'SPEC_BAD_DURATION',
        line: 6,
        column: 14,
        path: 'tasks[0].timeout',
        message: 'invalid duration "soon"',
      },
    ],
  },
  {
    title: 'no tasks',
    yaml: y('name: wf', 'tasks: []'),
    schema: 'rejects',
    errors: [
      { code: 'SPEC_NO_TASKS', line: 2, column: 8, path: 'tasks', message: 'the workflow has no tasks' },
    ],
  },
  {
    title: 'an input that looks like a glob',
    yaml: y('name: wf', 'tasks:', '  - name: a', '    command: [cat]', "    inputs: ['out/*.txt']"),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_BAD_PATH',
        line: 5,
        column: 14,
        path: 'tasks[0].inputs[0]',
        message: '"out/*.txt" looks like a glob pattern, but inputs are exact file paths',
        hint: 'to run after every member of an array, use after: [array-name]; to run once per file, use foreach: { glob: ... }',
      },
    ],
  },
  {
    title: 'an array too large to expand',
    yaml: y(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    foreach: { range: [0, 2000000] }',
      '    command: [echo]',
    ),
    schema: 'accepts',
    errors: [
      {
        code: 'SPEC_TOO_MANY_TASKS',
        line: 4,
        column: 23,
        path: 'tasks[0].foreach.range',
        message: 'foreach of task "a" would make 2000000 tasks, more than the 1000000 a workflow may have',
      },
    ],
  },
  {
    title: 'several mistakes in one file are all reported, in file order',
    yaml: y(
      'name: my workflow',
      'tasks:',
      '  - name: a',
      '    command: [echo]',
      '    resources: { cpus: -1, memory: lots }',
      '  - name: b',
      '    shell: echo',
      '    after: [a, z]',
    ),
    schema: 'rejects',
    errors: [
      {
        code: 'SPEC_INVALID_NAME',
        line: 1,
        column: 7,
        path: 'name',
        message: 'invalid workflow name "my workflow"',
      },
      {
        code: 'SPEC_BAD_CPUS',
        line: 5,
        column: 24,
        path: 'tasks[0].resources.cpus',
        message: 'cpus must be greater than 0, got -1',
      },
      {
        code: 'SPEC_BAD_QUANTITY',
        line: 5,
        column: 36,
        path: 'tasks[0].resources.memory',
        message: 'invalid memory quantity "lots"',
      },
      {
        code: 'SPEC_UNKNOWN_DEPENDENCY',
        line: 8,
        column: 16,
        path: 'tasks[1].after[1]',
        message: 'after names "z", which is not a task',
        hint: 'tasks are: a, b',
      },
    ],
  },
];

describe('malformed specs', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('$title', (c) => {
    const result = parseWorkflowSpec(c.yaml, { file: 'wf.yaml', listFiles: c.listFiles });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const got = result.errors.map((e, i) => {
      const want = c.errors[i];
      const picked: Expected = {
        code: e.code,
        line: e.line,
        column: e.column,
        path: e.path,
        message: e.message,
      };
      if (want?.hint !== undefined) picked.hint = e.hint;
      return picked;
    });
    expect(got).toEqual(c.errors);
    for (const e of result.errors) {
      expect(e.file).toBe('wf.yaml');
      expect(e.hint, `${e.code} has a hint`).not.toBe('');
    }
  });

  it.each(cases.filter((c) => c.schema !== 'n/a'))('the JSON Schema agrees: $title', (c) => {
    const validate = workflowSchemaValidator();
    expect(validate(parseYaml(c.yaml) ?? null)).toBe(c.schema === 'accepts');
  });
});
