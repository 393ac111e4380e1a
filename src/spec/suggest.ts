/**
 * "Did you mean …?" suggestions from edit distance, for unknown fields, choices and task names.
 * Pure and cheap: candidates whose length is too far off are skipped before any distance is computed.
 */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), or `limit + 1` once over `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  // Three rolling rows: the transposition case looks two rows back.
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let cur = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[cols - 1] ?? 0;
}

/**
 * The candidate closest to `input` (case-insensitive), if it is close enough to be a plausible typo:
 * at most 2 edits, and fewer edits than half the input's length.
 *
 * @example
 * closestMatch('comand', ['command', 'shell']) // 'command'
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  const limit = Math.min(2, Math.max(1, Math.floor((input.length - 1) / 2)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase(), limit);
    // Replacing every character of a short word is not a typo ("z" is not "a").
    if (d < bestDistance && d < input.length) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `"a", "b" or "c"` */
export function quoteList(values: readonly string[], conjunction = 'or'): string {
  const quoted = values.map((v) => JSON.stringify(v));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1] ?? ''}`;
}
