/** What every parser error must be, however bad the input: a known code, a message, a hint, a place. */
import { expect } from 'vitest';
import type { SpecError } from '../spec-errors.js';

export function expectWellFormedErrors(
  errors: readonly SpecError[],
  codes: readonly string[],
  text: string,
  file: string,
): void {
  expect(errors.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const e of errors) {
    expect(codes).toContain(e.code);
    expect(e.message).not.toBe('');
    expect(e.message).not.toMatch(/\n\s+at /); // no stack trace
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines + 1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.file).toBe(file);
  }
}
