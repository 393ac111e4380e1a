import { describe, expect, it } from 'vitest';
import { DriftMonitor } from './drift-monitor.js';
import { PageHinkley } from './page-hinkley.js';

describe('PageHinkley', () => {
  // Hand-worked with δ = 0.5, λ = 2.5: x = 0, 0, 0, 0 drive U to −0.5, −1, −1.5, −2 (each a new
  // minimum); x5 = 4 makes the mean 0.8 and U = −2 + (4 − 0.8 − 0.5) = 0.7, so U − min U = 2.7 > λ.
  it('fires upwards on the hand-worked sequence, with the change point after the fourth sample', () => {
    const ph = new PageHinkley({ delta: 0.5, lambda: 2.5, minSamples: 1 });
    for (let i = 0; i < 4; i++) expect(ph.update(0)).toBeUndefined();
    const alarm = ph.update(4);
    expect(alarm?.direction).toBe('up');
    expect(alarm?.statistic).toBeCloseTo(2.7, 12);
    expect(alarm?.meanAfter).toBe(4);
    expect(alarm?.meanBefore).toBe(0);
    expect(alarm?.samplesAfter).toBe(1);
  });

  it('stays quiet at 2.7 when λ is 2.75, and holds the statistic', () => {
    const ph = new PageHinkley({ delta: 0.5, lambda: 2.75, minSamples: 1 });
    for (const x of [0, 0, 0, 0, 4]) expect(ph.update(x)).toBeUndefined();
    const s = ph.state();
    expect(s.up - s.upMin).toBeCloseTo(2.7, 12);
  });

  // Down: D accumulates x − x̄ + δ: 0.5, 1, 1.5, 2 (maxima), then x5 = −4: mean −0.8,
  // D = 2 + (−4 + 0.8 + 0.5) = −0.7, max D − D = 2.7.
  it('fires downwards symmetrically', () => {
    const ph = new PageHinkley({ delta: 0.5, lambda: 2.5, minSamples: 1 });
    for (let i = 0; i < 4; i++) ph.update(0);
    const alarm = ph.update(-4);
    expect(alarm?.direction).toBe('down');
    expect(alarm?.statistic).toBeCloseTo(2.7, 12);
  });

  it('waits for minSamples and starts afresh after an alarm', () => {
    const ph = new PageHinkley({ delta: 0.5, lambda: 2.5, minSamples: 6 });
    for (const x of [0, 0, 0, 0, 4]) expect(ph.update(x)).toBeUndefined();
    expect(ph.update(4)?.direction).toBe('up');
    expect(ph.state().n).toBe(0);
  });
});

describe('DriftMonitor', () => {
  it('emits a typed "slower" event for a node type whose runtimes jump 1.5×, and none while stable', () => {
    const m = new DriftMonitor();
    const noise = (i: number): number => 1 + 0.05 * Math.sin(i * 1.7); // ±5 % around the prediction
    const events = [];
    for (let i = 0; i < 200; i++) {
      const e = m.observe('vm', 10, 10 * noise(i) * (i >= 100 ? 1.5 : 1), i);
      if (e) events.push(e);
    }
    expect(events.length).toBeGreaterThan(0);
    const first = events[0]!;
    expect(first.kind).toBe('perfmodel.drift');
    expect(first.nodeType).toBe('vm');
    expect(first.direction).toBe('slower');
    expect(first.atS).toBeGreaterThanOrEqual(100);
    expect(first.atS).toBeLessThan(120);
    expect(first.ratioAfter).toBeGreaterThan(first.ratioBefore);
  });

  it('keeps node types apart and ignores non-positive runtimes', () => {
    const m = new DriftMonitor();
    for (let i = 0; i < 100; i++) {
      expect(m.observe('a', 10, 10 * (1 + 0.05 * Math.sin(i)))).toBeUndefined();
      expect(m.observe('b', 10, 0)).toBeUndefined();
    }
  });
});
