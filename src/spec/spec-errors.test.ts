import { describe, expect, it } from 'vitest';
import { MAX_SPEC_ERRORS, SPEC_ERROR_CODES, SpecErrorCollector } from './spec-errors.js';
import { readRepoFile } from './testing/repo-files.js';

/** The `### SPEC_...` headings of the spec section of docs/errors.md. */
function documentedCodes(): string[] {
  const doc = readRepoFile('docs/errors.md');
  const start = doc.indexOf('\n## Workflow spec errors (SPEC_*)\n');
  expect(start, 'docs/errors.md has a "## Workflow spec errors (SPEC_*)" section').toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next < 0 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^### (SPEC_[A-Z_]+)\s*$/gm)].map((m) => m[1] ?? '');
}

describe('SPEC_ERROR_CODES', () => {
  it('are all documented in docs/errors.md, and every documented SPEC_ code exists', () => {
    const documented = documentedCodes();
    expect([...documented].sort()).toEqual([...SPEC_ERROR_CODES].sort());
  });

  it('are each documented once', () => {
    const documented = documentedCodes();
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('are unique and shaped SPEC_UPPER_CASE', () => {
    expect(new Set(SPEC_ERROR_CODES).size).toBe(SPEC_ERROR_CODES.length);
    for (const code of SPEC_ERROR_CODES) expect(code).toMatch(/^SPEC_[A-Z]+(_[A-Z]+)*$/);
  });
});

describe('SpecErrorCollector', () => {
  it('sorts errors by position, keeping the order of errors at one position', () => {
    const c = new SpecErrorCollector('f');
    c.add('SPEC_CYCLE', { line: 9, column: 1 }, 'b', 'late', 'h');
    c.add('SPEC_WRONG_TYPE', { line: 2, column: 5 }, 'a', 'first', 'h');
    c.add('SPEC_BAD_PATH', { line: 2, column: 5 }, 'a', 'second', 'h');
    c.add('SPEC_NO_TASKS', { line: 2, column: 1 }, '', 'leftmost', 'h');
    expect(c.sorted().map((e) => e.message)).toEqual(['leftmost', 'first', 'second', 'late']);
  });

  it('drops exact duplicates', () => {
    const c = new SpecErrorCollector('f');
    c.add('SPEC_CYCLE', { line: 1, column: 1 }, 'a', 'm', 'h');
    c.add('SPEC_CYCLE', { line: 1, column: 1 }, 'a', 'm', 'h');
    expect(c.count).toBe(1);
  });

  it(`stops after ${MAX_SPEC_ERRORS} errors with a last SPEC_TOO_MANY_ERRORS`, () => {
    const c = new SpecErrorCollector('f');
    for (let i = MAX_SPEC_ERRORS + 50; i > 0; i--)
      c.add('SPEC_WRONG_TYPE', { line: i, column: 1 }, 'x', `e${i}`, 'h');
    const sorted = c.sorted();
    expect(sorted).toHaveLength(MAX_SPEC_ERRORS + 1);
    expect(sorted[0]?.line).toBe(51);
    expect(sorted.at(-1)?.code).toBe('SPEC_TOO_MANY_ERRORS');
  });
});
