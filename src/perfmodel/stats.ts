/** Small statistics over plain arrays, shared by the models and the evaluation. */

/** Linear-interpolated quantile (type 7, as numpy's default); NaN for an empty array. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return quantileSorted(s, p);
}

/** `quantile` of an already ascending array. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const k = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(k);
  const hi = Math.ceil(k);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (k - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Population standard deviation. */
export function stdDev(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return values.length === 0 ? NaN : Math.sqrt(s / values.length);
}

/** Appends to a window, dropping the oldest beyond `cap` (in place). */
export function pushCapped<T>(window: T[], value: T, cap: number): void {
  window.push(value);
  if (window.length > cap) window.splice(0, window.length - cap);
}
