import { describe, expect, it } from 'vitest';
import { edgeBundle, restoreEdgeBundle } from './artefact.js';
import { EdgeMonitor } from './edge-monitor.js';
import { calibrationScores } from './evaluate.js';
import type { FittedDetector } from './detector.js';
import { PcaDetector } from './pca-detector.js';
import { streamingThresholds } from './pot-threshold.js';
import { smdFixture } from './testing/fixture.js';

describe('edge monitor', () => {
  it('flags exactly what the batch evaluation flags, from a shipped bundle', async () => {
    const { train, test } = smdFixture();
    const fitted = await new PcaDetector().fit(train);
    const cal = calibrationScores(fitted, train);
    const { flags } = streamingThresholds(cal, fitted.score(test).scores);
    const shipped = restoreEdgeBundle(JSON.parse(JSON.stringify(edgeBundle(fitted, cal))));
    const edge = new EdgeMonitor(shipped.detector, shipped.calibration);
    const streamed = Array.from({ length: test.rows }, (_, t) =>
      edge.push(test.values.subarray(t * test.cols, (t + 1) * test.cols)).flagged ? 1 : 0,
    );
    expect(streamed).toEqual(Array.from(flags));
    expect(flags.some((f) => f === 1)).toBe(true);
  });

  it('sends the raw window and top metrics only when an alarm fires, then waits for quiet', () => {
    // Metric 1 jumps at steps 100–104 and 300; the calibration spreads over [0, 1), the stream sits at 0.5.
    const rows = 400;
    const values = new Float32Array(rows * 2).fill(0.5);
    for (const t of [100, 101, 102, 103, 104, 300]) values[t * 2 + 1] = 100;
    const calibration = Float32Array.from({ length: 1000 }, (_, i) => (i * 0.618034) % 1);
    const edge = new EdgeMonitor(lastMetric(2, 3), calibration, { topK: 1, cooldown: 50 });
    const alarms = [];
    const flagged = [];
    for (let t = 0; t < rows; t++) {
      const out = edge.push(values.subarray(t * 2, t * 2 + 2));
      if (out.flagged) flagged.push(t);
      if (out.alarm) alarms.push(out.alarm);
    }
    expect(flagged).toEqual([100, 101, 102, 103, 104, 300]);
    // Steps 101–104 continue the first alarm; 300 comes after more than 50 quiet steps.
    expect(alarms.map((a) => a.step)).toEqual([100, 300]);
    expect(alarms[0]!.top).toEqual([{ metric: 1, contribution: 100 }]);
    // The raw window: steps 98, 99, 100 (oldest first).
    expect(Array.from(alarms[0]!.window)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 100]);
    expect(edge.alarms).toBe(2);
  });

  it('counts bytes on the documented wire format', () => {
    const cols = 38;
    const rows = 120;
    const values = new Float32Array(rows * cols).fill(0.5);
    const calibration = Float32Array.from({ length: 1000 }, (_, i) => (i * 0.618034) % 1);
    const edge = new EdgeMonitor(lastMetric(cols, 10), calibration, { batch: 60 });
    for (let t = 0; t < rows; t++) edge.push(values.subarray(t * cols, (t + 1) * cols));
    // No alarm: 2 batch headers + 120 float16 scores vs 2 headers + 120 × 38 float32.
    expect(edge.alarms).toBe(0);
    expect(edge.bytes).toEqual({ sent: 2 * 8 + 120 * 2, raw: 2 * 8 + 120 * cols * 4 });
    expect(edge.bytesRatio).toBeCloseTo(256 / 18256, 12);
    // One alarm adds its header, the raw window (10 × 38 float32) and 5 × (u16 + float32).
    values[119 * cols + cols - 1] = 50;
    const again = new EdgeMonitor(lastMetric(cols, 10), calibration, { batch: 60 });
    for (let t = 0; t < rows; t++) again.push(values.subarray(t * cols, (t + 1) * cols));
    expect(again.alarms).toBe(1);
    expect(again.bytes.sent).toBe(256 + 12 + 10 * cols * 4 + 5 * 6);
  });
});

/** A stand-in detector: the score is the last metric of the newest step; contributions are the values. */
function lastMetric(cols: number, window: number): FittedDetector {
  return {
    model: 'robust-z',
    cols,
    window,
    score: () => {
      throw new Error('not used');
    },
    scoreWindow(rows, contributions) {
      const last = rows.subarray((window - 1) * cols);
      contributions?.set(last);
      return last[cols - 1]!;
    },
    artefact: () => {
      throw new Error('not used');
    },
  };
}
