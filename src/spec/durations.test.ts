import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, parseDurationMs } from './durations.js';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['0s', 0],
    [90, 90_000],
    [0.0005, 1],
  ])('reads %s as %i ms', (input, ms) => {
    expect(parseDurationMs(input)).toBe(ms);
  });

  it.each(['', '10', '10 min', '1m1h', '1h1h', 's', '1.s', '-5s', '5S', ' 5s', '1e3s', '1hour'])(
    'refuses the string %j',
    (input) => {
      expect(parseDurationMs(input)).toBeUndefined();
      expect(new RegExp(DURATION_PATTERN).test(input)).toBe(false);
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the number %s', (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});
