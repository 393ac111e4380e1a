/** User patterns: RE2 semantics, refused at reading with position and hint when RE2 cannot express them. */
import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec } from './index.js';
import { compileUserRegex } from './regex.js';

const spec = (pattern: string): string =>
  [
    'name: wf',
    'tasks:',
    '  - name: a',
    '    command: [echo]',
    '    validate:',
    `      stdout: '${pattern}'`,
    '',
  ].join('\n');

describe('user regular expressions', () => {
  it('refuses a backreference at reading, with file:line, field, code and a hint', () => {
    const result = parseWorkflowSpec(spec('^(a+)\\1$'), { file: 'wf.yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({
      code: 'SPEC_BAD_REGEX',
      file: 'wf.yaml',
      line: 6,
      path: 'tasks[0].validate.stdout',
    });
    expect(error?.message).toContain('invalid escape sequence');
    expect(error?.hint).toContain('backreferences');
  });

  it('refuses lookahead and lookbehind with a hint naming them', () => {
    for (const pattern of ['done(?=\\n)', 'x(?!y)', '(?<=a)b', '(?<!a)b']) {
      const compiled = compileUserRegex(pattern);
      expect(compiled.ok, pattern).toBe(false);
      if (!compiled.ok) expect(compiled.hint, pattern).toContain('lookahead and lookbehind');
    }
  });

  it('matches in multi-line mode, like the JavaScript patterns specs were written for', () => {
    const compiled = compileUserRegex('^total: \\d+$');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.regex.test('start\ntotal: 42\nend')).toBe(true);
    expect(compiled.regex.test('total: x')).toBe(false);
  });

  it('answers a pattern that backtracks exponentially in RegExp (^(a|a)*$ on a…ab): no match', () => {
    const compiled = compileUserRegex('^(a|a)*$');
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.regex.test(`${'a'.repeat(10_000)}b`)).toBe(false);
  });
});
