import { describe, expect, it } from 'vitest';
import { parseMemoryBytes, suggestQuantity } from './quantities.js';

describe('parseMemoryBytes', () => {
  it.each([
    [0, 0],
    [1024, 1024],
    ['1024', 1024],
    ['64k', 64_000],
    ['100M', 100_000_000],
    ['1G', 1e9],
    ['2T', 2e12],
    ['1Ki', 1024],
    ['512Mi', 536_870_912],
    ['0.5Gi', 536_870_912],
    ['3Ti', 3 * 2 ** 40],
    ['1Pi', 2 ** 50],
  ])('reads %j as %i bytes', (input, bytes) => {
    expect(parseMemoryBytes(input)).toBe(bytes);
  });

  it.each([
    '',
    '512MB',
    '2 Gi',
    '1K',
    '1g',
    'Mi',
    '-1Mi',
    '1.5',
    '1e3',
    '10000000000Pi',
    1.5,
    -1,
    Number.NaN,
  ])('refuses %j', (input) => {
    expect(parseMemoryBytes(input)).toBeUndefined();
  });
});

describe('suggestQuantity', () => {
  it.each([
    ['512MB', '512Mi (binary) or 512M (decimal)'],
    ['2 GB', '2Gi (binary) or 2G (decimal)'],
    ['64kb', '64Ki (binary) or 64k (decimal)'],
    ['1GiB', '1Gi'],
    ['1g', '1Gi (binary) or 1G (decimal)'],
  ])('suggests what %j probably meant', (input, suggestion) => {
    expect(suggestQuantity(input)).toBe(suggestion);
  });

  it('has nothing to say about words', () => {
    expect(suggestQuantity('lots')).toBeUndefined();
  });
});
