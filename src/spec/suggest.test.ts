import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance, quoteList } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['comand', 'command', 1],
    ['ouptuts', 'outputs', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%j to %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops early past the limit', () => {
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
  });
});

describe('closestMatch', () => {
  const fields = ['name', 'command', 'shell', 'inputs', 'outputs', 'after', 'retries', 'timeout'];
  it.each([
    ['comand', 'command'],
    ['Command', 'command'],
    ['ouptuts', 'outputs'],
    ['retires', 'retries'],
    ['nmae', 'name'],
    ['shel', 'shell'],
  ])('%j -> %j', (input, match) => {
    expect(closestMatch(input, fields)).toBe(match);
  });

  it.each(['x', 'zzzzzz', 'dependencies'])('has no suggestion for %j', (input) => {
    expect(closestMatch(input, fields)).toBeUndefined();
  });
});

describe('quoteList', () => {
  it('quotes and joins', () => {
    expect(quoteList(['a'])).toBe('"a"');
    expect(quoteList(['a', 'b'])).toBe('"a" or "b"');
    expect(quoteList(['a', 'b', 'c'], 'and')).toBe('"a", "b" and "c"');
  });
});
