/**
 * Bad input must come back as errors, never as an exception or a stack trace: odd documents,
 * binary-looking text, and a few hundred random mutations of the quickstart example.
 */
import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec, SPEC_ERROR_CODES, type ParseResult } from './index.js';
import { readRepoFile } from './testing/repo-files.js';
import { expectWellFormedErrors } from './testing/well-formed-errors.js';
import { Mulberry32 } from '../model/index.js';

function expectWellFormed(result: ParseResult, text: string): void {
  if (result.ok) return;
  expectWellFormedErrors(result.errors, SPEC_ERROR_CODES, text, 'odd.yaml');
  for (const e of result.errors) expect(e.hint, `${e.code} ${e.message} has a hint`).not.toBe('');
}

function parse(text: string): ParseResult {
  const listFiles = (): string[] => ['a.csv'];
  let result: ParseResult | undefined;
  expect(
    () => {
      result = parseWorkflowSpec(text, { file: 'odd.yaml', listFiles });
    },
    JSON.stringify(text.slice(0, 200)),
  ).not.toThrow();
  expectWellFormed(result as ParseResult, text);
  return result as ParseResult;
}

/** The model's mulberry32 generator, so that the cases are the same on every run. */
function seededRandom(seed: number): () => number {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}

const ODD_DOCUMENTS = [
  '',
  '   \n\n',
  '[]',
  '{}',
  '42',
  'null',
  '~',
  '"just a string"',
  'tasks: 5',
  'name: 5\ntasks: {a: 1}',
  'name: [x]\ntasks: [1, "two", null, [3]]',
  'name: w\ntasks: [{}]',
  'name: w\ntasks:\n  - name: a\n    command: [[nested], {x: 1}, null]',
  'name: w\ntasks:\n  - name: a\n    shell: x\n    foreach: { range: [1e300, 1e308] }',
  'name: w\ntasks:\n  - name: a\n    shell: x\n    foreach: { range: [.inf, .nan] }',
  'name: w\ntasks:\n  - name: a\n    shell: x\n    resources: { cpus: .inf, memory: 99999999999999999999999Pi, gpus: -.inf }',
  'name: w\ntasks:\n  - name: a\n    shell: x\n    timeout: 1e400',
  'name: w\ntasks:\n  - name: a\n    shell: x\n    after: [[a]]\n    inputs: [{}]\n    env: [1]',
  'name: w\ntasks:\n  - name: a\n    shell: x\n    ? [complex, key]\n    : value',
  'name: w\ntasks:\n  - &a {name: a, shell: x, after: [b]}\n  - {name: b, shell: x, after: [a]}\n  - *a',
  'a: &x [*x]',
  '!!binary aGVsbG8=',
  'name: !custom w\ntasks: !!set {a, b}',
  '---\nname: a\n---\nname: b\n',
  '%YAML 1.1\n---\nname: w\ntasks: []',
  '\u0000\u0001\u0002\u00ff\ufffe garbage {{[',
  '\uFEFFname: w\ntasks:\n  - name: a\n    shell: x\n    timeout: -1',
  'name: w\r\ntasks:\r\n  - name: a\r\n    shell: x\r\n    timeout: nope\r\n',
  `name: ${'x'.repeat(10_000)}\ntasks: []`,
  '['.repeat(5_000),
  '- '.repeat(2_000),
  `{"name": "w", "tasks": [${'{"name": "t", "shell": "x"},'.repeat(50)} 1]}`,
];

describe('garbage input', () => {
  it.each(ODD_DOCUMENTS.map((d) => [JSON.stringify(d.slice(0, 40)), d]))(
    '%s gives errors, not an exception',
    (_label, text) => {
      const result = parse(text);
      expect(result.ok).toBe(false);
    },
  );

  it('survives 300 random mutations of the quickstart example', () => {
    const base = readRepoFile('examples/quickstart.yaml');
    const random = seededRandom(20_251_122);
    const alphabet = ' \n\t:-[]{}"\'#&*!|>,{{}}?%@`\\0aZ9.';
    let failures = 0;
    for (let round = 0; round < 300; round++) {
      const chars = [...base];
      const edits = 1 + Math.floor(random() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * chars.length);
        const kind = random();
        const ch = alphabet[Math.floor(random() * alphabet.length)] ?? ' ';
        if (kind < 0.4) chars.splice(at, 1);
        else if (kind < 0.8) chars.splice(at, 0, ch);
        else chars[at] = ch;
      }
      if (!parse(chars.join('')).ok) failures++;
    }
    // Most mutations break something; the point is that none threw.
    expect(failures).toBeGreaterThan(100);
  });

  it('throws for a programmer error: text that is not a string', () => {
    expect(() => parseWorkflowSpec(42 as unknown as string, { file: 'x' })).toThrow(TypeError);
  });
});
