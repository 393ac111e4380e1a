/**
 * The conformance suite every `Detector` passes (run from detectors.test.ts for the pure ones and
 * from src/anomaly-train for the VAE): shapes, finite non-negative output, an artefact that restores
 * to the same scores, window scoring that agrees with series scoring, and — for a real detector —
 * higher scores on the fixture's labelled anomaly than elsewhere. Each case loads the fixture and
 * fits a detector itself: none relies on another having run first (a fitted detector may keep state,
 * e.g. the random baseline's generator), so the suite passes in any order (`--sequence.shuffle`).
 */
import { describe, expect, it } from 'vitest';
import { restoreDetector } from '../artefact.js';
import type { Detector, FittedDetector } from '../detector.js';
import { smdFixture } from './fixture.js';

/** A fresh fixture and a detector fitted on it: each case builds its own, so the cases run in any order. */
async function fittedOnFixture(
  make: () => Detector,
): Promise<ReturnType<typeof smdFixture> & { fitted: FittedDetector }> {
  const fixture = smdFixture();
  return { ...fixture, fitted: await make().fit(fixture.train) };
}

export function detectorConformance(
  make: () => Detector,
  options: { informative: boolean; timeoutMs?: number },
): void {
  // Every case fits its own detector, so each may take as long as a fit.
  const timeout = options.timeoutMs ?? 10_000;
  describe(`${make().model} detector conformance`, () => {
    it(
      'fits on the training series',
      async () => {
        const { train, fitted } = await fittedOnFixture(make);
        expect(fitted.cols).toBe(train.cols);
        expect(fitted.window).toBeGreaterThanOrEqual(1);
      },
      timeout,
    );

    it(
      'scores every step with finite scores and non-negative contributions per metric',
      async () => {
        const { test, fitted } = await fittedOnFixture(make);
        const { scores, contributions } = fitted.score(test);
        expect(scores.length).toBe(test.rows);
        expect(contributions.length).toBe(test.rows * test.cols);
        expect(scores.every(Number.isFinite)).toBe(true);
        expect(contributions.every((c) => Number.isFinite(c) && c >= 0)).toBe(true);
      },
      timeout,
    );

    it(
      'restores from its JSON artefact to the same scores',
      async () => {
        const { test, fitted } = await fittedOnFixture(make);
        const json = JSON.parse(JSON.stringify(fitted.artefact())) as unknown;
        const a = restoreDetector(json);
        const b = restoreDetector(json);
        expect(a.model).toBe(fitted.model);
        const sa = a.score(test).scores;
        expect(Array.from(sa)).toEqual(Array.from(b.score(test).scores));
        if (fitted.model !== 'random') expect(Array.from(sa)).toEqual(Array.from(fitted.score(test).scores));
      },
      timeout,
    );

    it(
      'scores one window as the series scoring does at that step (before smoothing)',
      async () => {
        const { test, fitted } = await fittedOnFixture(make);
        if (fitted.model === 'random') return;
        const restored = restoreDetector(fitted.artefact());
        const t = 150;
        const w = restored.window;
        const rows = test.values.slice((t - w + 1) * test.cols, (t + 1) * test.cols);
        const contributions = new Float32Array(test.cols);
        const s = restored.scoreWindow(rows, contributions);
        const unsmoothed = restoreDetector({
          ...fitted.artefact(),
          params: { ...fitted.artefact().params, smooth: 1 },
        });
        const series = unsmoothed.score(test);
        // Series scores are stored as float32: agree to float32 precision.
        const close = (a: number, b: number) =>
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b)));
        close(s, series.scores[t]!);
        for (let j = 0; j < test.cols; j++)
          close(contributions[j]!, series.contributions[t * test.cols + j]!);
      },
      timeout,
    );

    if (options.informative) {
      it(
        'scores the labelled anomaly of the fixture higher than the normal steps',
        async () => {
          const { test, labels, fitted } = await fittedOnFixture(make);
          const { scores } = fitted.score(test);
          let inA = 0;
          let nA = 0;
          let inN = 0;
          let nN = 0;
          for (let t = 0; t < test.rows; t++) {
            if (labels[t]) {
              inA += scores[t]!;
              nA++;
            } else {
              inN += scores[t]!;
              nN++;
            }
          }
          expect(inA / nA).toBeGreaterThan(1.5 * (inN / nN));
        },
        timeout,
      );
    }
  });
}
