/**
 * The label-free threshold: peaks-over-threshold (POT, extreme value theory; Siffer et al., KDD'17)
 * on drift-corrected scores. Scores above a high empirical quantile `t` (the `level`, 0.98) are
 * peaks; their excesses follow a generalised Pareto distribution, fitted here by the method of
 * moments; the threshold is the value exceeded with probability `risk` under that tail.
 *
 * Drift: the training half and the test half of a machine differ (a fixed training quantile flags
 * nearly all of the test half on some SMD machines). So, as DSPOT does, the stream is judged
 * relative to its recent level: a score's excess over the median of the previous `levelWindow`
 * scores (three days of minutes by default, refreshed every `levelEvery` steps, alarms included).
 * A level shift starts to be absorbed once it fills half of that window; an anomaly shorter than that stays
 * above the level. The POT tail is fitted once, on the equally corrected calibration scores of
 * held-out training data, and is not refitted on the stream: refitting on a stream that contains
 * long anomalies raises the threshold over them.
 */

export interface PotOptions {
  /** Probability of exceeding the threshold under the fitted tail (default 1e-2). */
  risk?: number;
  /** Quantile of the history above which scores are peaks (default 0.98). */
  level?: number;
}

export interface PotFit {
  /** The peak threshold t (the `level` quantile). */
  t: number;
  sigma: number;
  xi: number;
  /** The alarm threshold. */
  threshold: number;
}

/** Fits POT on `scores` (not modified). With too few peaks, falls back to the largest score. */
export function fitPot(scores: ArrayLike<number>, options: PotOptions = {}): PotFit {
  const risk = options.risk ?? 1e-2;
  const level = options.level ?? 0.98;
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  if (n === 0) return { t: Infinity, sigma: 0, xi: 0, threshold: Infinity };
  const t = sorted[Math.min(n - 1, Math.floor(level * n))]!;
  let count = 0;
  let mean = 0;
  for (let i = n - 1; i >= 0 && sorted[i]! > t; i--) {
    mean += sorted[i]! - t;
    count++;
  }
  if (count < 5) return { t, sigma: 0, xi: 0, threshold: sorted[n - 1]! };
  mean /= count;
  let v = 0;
  for (let i = n - count; i < n; i++) v += (sorted[i]! - t - mean) ** 2;
  v /= count - 1;
  let xi = v > 0 ? 0.5 * (1 - (mean * mean) / v) : 0;
  // The method of moments is unstable for very heavy tails; keep ξ in the range it estimates well.
  xi = Math.max(-0.5, Math.min(0.5, xi));
  const sigma = Math.max(1e-12, mean * (1 - xi));
  const r = (risk * n) / count;
  const threshold = Math.abs(xi) < 1e-6 ? t - sigma * Math.log(r) : t + (sigma / xi) * (Math.pow(r, -xi) - 1);
  return { t, sigma, xi, threshold: Math.max(threshold, t) };
}

export interface StreamingPotOptions extends PotOptions {
  /** Scores the running median (the level) is taken over (default 4320: three days of minutes). */
  levelWindow?: number;
  /** Refresh the level every this many scores (default 60). */
  levelEvery?: number;
}

/**
 * Streaming drift-corrected POT. `push(score)` says whether the score is an alarm against the
 * current threshold (level + POT excess), then adds it to the history.
 *
 * @example
 * const pot = new StreamingPot(calibrationScores);
 * for (const s of liveScores) if (pot.push(s)) alarm();
 */
export class StreamingPot {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private size = 0;
  private head = 0;
  private sinceLevel = 0;
  private level = 0;
  private readonly levelEvery: number;
  /** The POT excess over the level that alarms. */
  readonly excess: number;

  constructor(calibration: ArrayLike<number>, options: StreamingPotOptions = {}) {
    this.ring = new Float64Array(Math.max(1, options.levelWindow ?? 4320));
    this.sorted = new Float64Array(this.ring.length);
    this.levelEvery = Math.max(1, options.levelEvery ?? 60);
    // Correct the calibration scores as the stream will be, then fit the tail once.
    const residuals = new Float64Array(calibration.length);
    const first = Float64Array.from(
      { length: Math.min(calibration.length, this.ring.length) },
      (_, i) => calibration[i]!,
    );
    this.level = first.length > 0 ? first.sort()[first.length >> 1]! : 0;
    for (let i = 0; i < calibration.length; i++) {
      residuals[i] = calibration[i]! - this.level;
      this.add(calibration[i]!);
    }
    this.excess = fitPot(residuals, options).threshold;
  }

  /** The score above which the next score alarms. */
  get threshold(): number {
    return this.level + this.excess;
  }

  private add(score: number): void {
    this.ring[this.head] = score;
    this.head = (this.head + 1) % this.ring.length;
    if (this.size < this.ring.length) this.size++;
    if (++this.sinceLevel >= this.levelEvery) {
      this.sinceLevel = 0;
      const s = this.sorted.subarray(0, this.size);
      s.set(this.ring.subarray(0, this.size));
      s.sort();
      this.level = s[this.size >> 1]!;
    }
  }

  push(score: number): boolean {
    const alarm = score > this.threshold;
    this.add(score);
    return alarm;
  }
}

/** Flags and thresholds for a whole series: the streaming threshold started from calibration. */
export function streamingThresholds(
  calibration: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: StreamingPotOptions = {},
): { flags: Uint8Array; thresholds: Float32Array } {
  const pot = new StreamingPot(calibration, options);
  const flags = new Uint8Array(scores.length);
  const thresholds = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    thresholds[i] = pot.threshold;
    flags[i] = pot.push(scores[i]!) ? 1 : 0;
  }
  return { flags, thresholds };
}
