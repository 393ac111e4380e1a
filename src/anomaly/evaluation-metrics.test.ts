import { describe, expect, it } from 'vitest';
import * as Metrics from './evaluation-metrics.js';
import { Mulberry32 } from '../model/index.js';

// Two events: steps 1–4 and 7–8. Flags: one inside the first event (step 2), two false alarms.
const labels = [0, 1, 1, 1, 1, 0, 0, 1, 1, 0];
const pred = [1, 0, 1, 0, 0, 0, 0, 0, 0, 1];

describe('evaluation metrics on a hand-computed case', () => {
  it('finds the events as half-open ranges', () => {
    expect(Metrics.segmentsOf(labels)).toEqual([
      { start: 1, end: 5 },
      { start: 7, end: 9 },
    ]);
    expect(Metrics.segmentsOf([1, 1, 0, 1])).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 4 },
    ]);
  });

  it('point-wise: tp 1, fp 2, fn 5 → P 1/3, R 1/6, F1 2/9', () => {
    const s = Metrics.pointwise(pred, labels);
    expect([s.tp, s.fp, s.fn]).toEqual([1, 2, 5]);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBeCloseTo(1 / 6, 12);
    expect(s.f1).toBeCloseTo(2 / 9, 12);
  });

  it('point adjust (K = 0) marks the whole first event detected: tp 4, fp 2, fn 2 → F1 2/3', () => {
    expect(Array.from(Metrics.adjustPredictions(pred, labels, 0))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 1]);
    const s = Metrics.pointAdjusted(pred, labels, 0);
    expect([s.tp, s.fp, s.fn]).toEqual([4, 2, 2]);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
  });

  it('PA%K adjusts only when MORE than K % of the event is flagged (1 of 4 = 25 %)', () => {
    expect(Metrics.pointAdjusted(pred, labels, 20).f1).toBeCloseTo(2 / 3, 12);
    expect(Metrics.pointAdjusted(pred, labels, 25).f1).toBeCloseTo(2 / 9, 12);
    expect(Metrics.pointAdjusted(pred, labels, 100).f1).toBeCloseTo(2 / 9, 12);
  });

  it('PA%K AUC: F1 2/3 for K ≤ 20, 2/9 from K = 30, trapezoids over K ∈ [0, 1] → 1/3', () => {
    expect(Metrics.paKAucAt(pred, labels)).toBeCloseTo(1 / 3, 12);
  });

  it('event-wise: the first event found one step late, the second missed', () => {
    expect(Metrics.eventwise(pred, labels)).toEqual({ events: 2, detected: 1, recall: 0.5, meanDelay: 1 });
    expect(Metrics.eventwise([0, 0, 0], [0, 1, 0])).toEqual({
      events: 1,
      detected: 0,
      recall: 0,
      meanDelay: null,
    });
  });

  it('HitRate@150% and @100% against the metrics that explain an event', () => {
    // Two steps of one event explained by metrics 0 and 2; |G| = 2, so @150 % looks at the top 3.
    const contributions = Float32Array.from([0.9, 0.8, 0.1, 0.0, 0.1, 0.9, 0.0, 0.8]);
    const interp = [{ start: 0, end: 2, metrics: [0, 2] }];
    // step 0: top3 {0,1,2} → 2/2; step 1: top3 {1,3,0} → 1/2.
    expect(Metrics.hitRate(contributions, 4, interp, 150)).toBeCloseTo(0.75, 12);
    // step 0: top2 {0,1} → 1/2; step 1: top2 {1,3} → 0.
    expect(Metrics.hitRate(contributions, 4, interp, 100)).toBeCloseTo(0.25, 12);
    expect(Metrics.hitRate(contributions, 4, [], 150)).toBeNull();
  });
});

describe('best F1 over thresholds (oracle)', () => {
  it('picks the threshold that separates a perfectly ranked case', () => {
    const best = Metrics.bestF1([0.9, 0.1, 0.8, 0.2], [1, 0, 1, 0]);
    expect(best.f1).toBe(1);
    expect(best.threshold).toBeCloseTo(0.8, 6);
  });

  it('equals a brute-force search over every threshold, for every K (random cases)', () => {
    const rng = new Mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 60;
      const lab = new Uint8Array(n);
      for (let i = 0; i < n; i++) lab[i] = rng.next() < (i % 17 < 6 ? 0.9 : 0.05) ? 1 : 0;
      // Coarse scores so that ties happen.
      const scores = Float32Array.from(
        { length: n },
        (_, i) => Math.round((rng.next() + lab[i]! * 0.4) * 10) / 10,
      );
      for (const k of [0, 30, 50, 100]) {
        let brute = 0;
        for (const t of new Set(scores)) {
          const flags = Array.from(scores, (s) => (s >= t ? 1 : 0));
          brute = Math.max(brute, Metrics.pointAdjusted(flags, lab, k).f1);
        }
        expect(Metrics.bestF1(scores, lab, k).f1).toBeCloseTo(brute, 12);
      }
    }
  });

  it('PA%K AUC of a perfect score is 1 and is never below the point-wise best F1', () => {
    expect(Metrics.paKAucBest([0, 5, 6, 0, 0, 4], [0, 1, 1, 0, 0, 1])).toBeCloseTo(1, 12);
    const scores = [0.1, 0.7, 0.3, 0.2, 0.9, 0.4, 0.6, 0.05];
    const lab = [0, 1, 1, 1, 0, 0, 1, 0];
    expect(Metrics.paKAucBest(scores, lab)).toBeGreaterThanOrEqual(Metrics.bestF1(scores, lab).f1 - 1e-12);
  });
});
