/**
 * Durations as users write them: "500ms", "30s", "10m", "2h", "1d", "1h30m", or a plain number of
 * seconds. The same grammar is in schemas/workflow.schema.json (DURATION_PATTERN below, verbatim).
 */

/** Units from largest to smallest; a duration lists each at most once, in this order. */
const UNIT_MS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** The JSON Schema pattern for a duration string. */
export const DURATION_PATTERN =
  '^(?=\\d)(\\d+(\\.\\d+)?d)?(\\d+(\\.\\d+)?h)?(\\d+(\\.\\d+)?m)?(\\d+(\\.\\d+)?s)?(\\d+(\\.\\d+)?ms)?$';
const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/g;

/**
 * Milliseconds in a duration (rounded to a whole millisecond), or undefined when it is not one.
 * Numbers are seconds and must be finite and non-negative.
 *
 * @example
 * parseDurationMs('1h30m') // 5_400_000
 * parseDurationMs(0.5)     // 500
 */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  }
  if (!DURATION_RE.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(PART_RE)) {
    const unit = UNIT_MS.find(([name]) => name === match[2]);
    total += Number(match[1]) * (unit?.[1] ?? 0);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * Seconds in a duration, not rounded (a network latency of `0.2ms` must not become 0 or 1 ms), or
 * undefined when it is not one. Same grammar as parseDurationMs; numbers are seconds.
 *
 * @example
 * parseDurationSeconds('5ms') // 0.005
 */
export function parseDurationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (!DURATION_RE.test(value)) return undefined;
  let totalMs = 0;
  for (const match of value.matchAll(PART_RE)) {
    const unit = UNIT_MS.find(([name]) => name === match[2]);
    totalMs += Number(match[1]) * (unit?.[1] ?? 0);
  }
  return Number.isFinite(totalMs) ? totalMs / 1000 : undefined;
}
