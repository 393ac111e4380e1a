import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  calibrationScores,
  EdgeMonitor,
  edgeBundle,
  matrix,
  restoreDetector,
  restoreEdgeBundle,
  streamingThresholds,
} from '../anomaly/index.js';
import { detectorConformance } from '../anomaly/testing/conformance.js';
import { smdFixture } from '../anomaly/testing/fixture.js';
import { VaeDetector } from './vae-trainer.js';

// A tiny few-epoch fit on the 400-row fixture: enough to pin the contract, not a benchmark.
const tiny = {
  window: 5,
  proj: 8,
  hidden: 16,
  latent: 4,
  epochs: 12,
  batch: 32,
  learningRate: 5e-3,
  seed: 1,
};

detectorConformance(() => new VaeDetector(tiny), { informative: true, timeoutMs: 60_000 });

describe('VAE trainer', () => {
  it('is deterministic for a seed: same weights, same scores', async () => {
    const { train, test } = smdFixture();
    const a = await new VaeDetector({ ...tiny, epochs: 2 }).fit(train);
    const b = await new VaeDetector({ ...tiny, epochs: 2 }).fit(train);
    expect(JSON.stringify(a.artefact())).toBe(JSON.stringify(b.artefact()));
    expect(Array.from(a.score(test).scores)).toEqual(Array.from(b.score(test).scores));
  }, 60_000);

  it('learns: training loss falls, and its artefact is small (tens of kB of JSON)', async () => {
    const { train } = smdFixture();
    const losses: number[] = [];
    const fitted = await new VaeDetector({ ...tiny, onEpoch: (_e, loss) => losses.push(loss) }).fit(train);
    expect(losses.length).toBe(tiny.epochs);
    expect(losses.at(-1)!).toBeLessThan(0.8 * losses[0]!);
    const json = JSON.stringify(fitted.artefact());
    expect(json.length).toBeLessThan(50_000);
    expect(restoreDetector(JSON.parse(json)).window).toBe(tiny.window);
  }, 60_000);

  it('refuses a training series too short for one window, saying how long it must be', async () => {
    const short = matrix(new Float32Array(6 * 3).fill(0.5), 6, 3);
    const fit = new VaeDetector(tiny).fit(short);
    await expect(fit).rejects.toBeInstanceOf(AnomalyError);
    await expect(fit).rejects.toMatchObject({
      code: 'ANOMALY_TOO_SHORT',
      message: expect.stringMatching(/has 6 rows: the VAE needs at least 8/),
    });
  });

  it('on an edge node, from its shipped bundle, scores and flags the stream as the batch evaluation does', async () => {
    const { train, test } = smdFixture();
    const fitted = await new VaeDetector({ ...tiny, epochs: 3 }).fit(train);
    const cal = calibrationScores(fitted, train);
    const batch = fitted.score(test).scores;
    const { flags } = streamingThresholds(cal, batch);
    const shipped = restoreEdgeBundle(JSON.parse(JSON.stringify(edgeBundle(fitted, cal))));
    const edge = new EdgeMonitor(shipped.detector, shipped.calibration);
    for (let t = 0; t < test.rows; t++) {
      const out = edge.push(test.values.subarray(t * test.cols, (t + 1) * test.cols));
      expect(Math.abs(out.score - batch[t]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, batch[t]!));
      expect(out.flagged ? 1 : 0).toBe(flags[t]);
    }
    expect(flags.some((f) => f === 1)).toBe(true);
  }, 60_000);
});
