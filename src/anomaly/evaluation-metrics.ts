/**
 * How well a detector's flags match labels: the metrics of docs/anomaly.md, each pinned by a test on
 * hand-computed cases. Labels and predictions are 0/1 per time step; an *event* (segment) is a
 * maximal run of labelled steps. Pure functions of their inputs; never reads a threshold from labels
 * unless its name says "best" (an oracle, reported as such).
 */

/** Counts and rates of one comparison of flags with labels. */
export interface PointScores {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** A labelled anomaly event: steps [start, end). */
export interface Segment {
  start: number;
  end: number;
}

function prf(tp: number, fp: number, fn: number): PointScores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/** The maximal runs of 1s in `labels`, as half-open ranges. */
export function segmentsOf(labels: ArrayLike<number>): Segment[] {
  const out: Segment[] = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const on = i < labels.length && labels[i] === 1;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      out.push({ start, end: i });
      start = -1;
    }
  }
  return out;
}

/** Point-wise precision, recall and F1: every step counts once. */
export function pointwise(pred: ArrayLike<number>, labels: ArrayLike<number>): PointScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = pred[i] === 1;
    if (labels[i] === 1) {
      if (p) tp++;
      else fn++;
    } else if (p) fp++;
  }
  return prf(tp, fp, fn);
}

/**
 * PA%K (Kim et al., AAAI 2022): within each labelled event, if more than K % of its steps are
 * flagged, every step of the event counts as detected. K = 0 is the classic point adjust (one flag
 * anywhere in the event is enough); K = 100 is point-wise. Returns the adjusted flags.
 */
export function adjustPredictions(pred: ArrayLike<number>, labels: ArrayLike<number>, k = 0): Uint8Array {
  const out = Uint8Array.from(pred, (v) => (v === 1 ? 1 : 0));
  for (const s of segmentsOf(labels)) {
    let hit = 0;
    for (let i = s.start; i < s.end; i++) hit += out[i]!;
    // "more than K %" in integers: hit / len > k / 100.
    if (hit * 100 > k * (s.end - s.start)) out.fill(1, s.start, s.end);
  }
  return out;
}

/** Point-adjusted (PA%K) precision, recall and F1 of flags. */
export function pointAdjusted(pred: ArrayLike<number>, labels: ArrayLike<number>, k = 0): PointScores {
  return pointwise(adjustPredictions(pred, labels, k), labels);
}

/** The K values PA%K AUC integrates over. */
export const PA_K_STEPS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;

/** Trapezoidal area under F1(K) for K in [0, 1] from values at PA_K_STEPS. */
function areaOverK(f1s: number[]): number {
  let area = 0;
  for (let i = 1; i < f1s.length; i++) area += ((f1s[i - 1]! + f1s[i]!) / 2) * 0.1;
  return area;
}

/** PA%K AUC of fixed flags: the area under F1 of PA%K over K ∈ [0, 100] %. */
export function paKAucAt(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  return areaOverK(PA_K_STEPS.map((k) => pointAdjusted(pred, labels, k).f1));
}

/**
 * Best F1 of PA%K over every threshold on `scores` (a step is flagged when score ≥ threshold), exact,
 * in one sweep over the sorted scores. An oracle: the threshold is chosen on the labels.
 * An event is adjusted once more than K % of it is flagged, i.e. once the threshold falls to its
 * m-th highest score, m = ⌊K·len/100⌋ + 1.
 */
export function bestF1(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  k = 100,
): PointScores & { threshold: number } {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const segOf = new Int32Array(n).fill(-1);
  const segs = segmentsOf(labels);
  segs.forEach((s, j) => segOf.fill(j, s.start, s.end));
  const need = segs.map((s) => Math.floor((k * (s.end - s.start)) / 100) + 1);
  const seen = new Int32Array(segs.length);
  const adjusted = new Uint8Array(segs.length);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] === 1 ? 1 : 0;
  let tp = 0;
  let fp = 0;
  let best = { ...prf(0, 0, positives), threshold: Infinity };
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const j = segOf[i]!;
    if (j < 0) fp++;
    else if (!adjusted[j]) {
      seen[j]!++;
      tp++;
      const len = segs[j]!.end - segs[j]!.start;
      if (seen[j]! >= need[j]! && need[j]! <= len) {
        tp += len - seen[j]!;
        adjusted[j] = 1;
      }
    }
    // Only a boundary between distinct scores is a threshold that can be set.
    if (r + 1 < n && scores[order[r + 1]!] === scores[i]) continue;
    const cur = prf(tp, fp, positives - tp);
    if (cur.f1 > best.f1) best = { ...cur, threshold: scores[i]! };
  }
  return best;
}

/** PA%K AUC with the best threshold for each K (the protocol of Kim et al.): an oracle. */
export function paKAucBest(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return areaOverK(PA_K_STEPS.map((k) => bestF1(scores, labels, k).f1));
}

/** Event-wise recall and detection delay of flags. */
export interface EventScores {
  events: number;
  detected: number;
  recall: number;
  /** Mean over detected events of (first flagged step − event start), in steps; null if none. */
  meanDelay: number | null;
}

/** An event is detected when any of its steps is flagged; its delay is how late the first flag is. */
export function eventwise(pred: ArrayLike<number>, labels: ArrayLike<number>): EventScores {
  const segs = segmentsOf(labels);
  let detected = 0;
  let delay = 0;
  for (const s of segs) {
    for (let i = s.start; i < s.end; i++) {
      if (pred[i] === 1) {
        detected++;
        delay += i - s.start;
        break;
      }
    }
  }
  return {
    events: segs.length,
    detected,
    recall: segs.length > 0 ? detected / segs.length : 0,
    meanDelay: detected > 0 ? delay / detected : null,
  };
}

/** One line of an SMD interpretation_label file: steps [start, end) explained by `metrics` (0-based). */
export interface Interpretation extends Segment {
  metrics: number[];
}

/**
 * HitRate@P% (OmniAnomaly, KDD'19): at each step of an interpreted event, take the ⌊P %·|G|⌋ metrics
 * with the largest contributions, where G is the set of metrics that explain the event; the hit rate
 * is |top ∩ G| / |G|, averaged over every step of every interpreted event (flagged or not).
 * `contributions` is rows × cols, row-major. Returns null when there is no interpreted step.
 */
export function hitRate(
  contributions: Float32Array,
  cols: number,
  interpretations: Interpretation[],
  percent = 150,
): number | null {
  let sum = 0;
  let count = 0;
  const idx = Array.from({ length: cols }, (_, i) => i);
  for (const it of interpretations) {
    if (it.metrics.length === 0) continue;
    const truth = new Set(it.metrics);
    const take = Math.min(cols, Math.floor((percent * truth.size) / 100));
    for (let t = it.start; t < it.end && (t + 1) * cols <= contributions.length; t++) {
      const row = contributions.subarray(t * cols, (t + 1) * cols);
      // Stable: ties keep metric order, so the result does not depend on the sort's whims.
      const top = idx
        .slice()
        .sort((a, b) => row[b]! - row[a]! || a - b)
        .slice(0, take);
      let hits = 0;
      for (const m of top) if (truth.has(m)) hits++;
      sum += hits / truth.size;
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}
