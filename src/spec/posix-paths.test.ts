import { describe, expect, it } from 'vitest';
import { normalizePath, resolveFromWorkdir } from './posix-paths.js';

describe('normalizePath', () => {
  it.each([
    ['a.txt', 'a.txt'],
    ['./a.txt', 'a.txt'],
    ['a//b/./c.txt', 'a/b/c.txt'],
    ['a/b/../c.txt', 'a/c.txt'],
    ['../x', '../x'],
    ['a/../../x', '../x'],
    ['out/', 'out'],
    ['.', '.'],
    ['', '.'],
    ['/abs//x/../y', '/abs/y'],
    ['/..', '/'],
  ])('%j -> %j', (input, output) => {
    expect(normalizePath(input)).toBe(output);
  });
});

describe('resolveFromWorkdir', () => {
  it('joins relative paths to the workdir and leaves absolute ones', () => {
    expect(resolveFromWorkdir('work', 'parts.txt')).toBe('work/parts.txt');
    expect(resolveFromWorkdir('work/sub', '../x')).toBe('work/x');
    expect(resolveFromWorkdir('work', '/etc/hosts')).toBe('/etc/hosts');
    expect(resolveFromWorkdir('/scratch', 'x')).toBe('/scratch/x');
    expect(resolveFromWorkdir(undefined, './x')).toBe('x');
  });
});
