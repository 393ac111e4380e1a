import { describe, expect, it } from 'vitest';
import type { CarbonIntensity } from '../model/index.js';
import { energyCarbonG, intensityAt, intensityChanges, meanIntensity } from './carbon-intensity.js';

const DAY = 86_400;
/** 400 g/kWh from midnight, 100 g/kWh from noon, every day. */
const daily: CarbonIntensity = {
  kind: 'series',
  periodS: DAY,
  points: [
    { atS: 0, gPerKWh: 400 },
    { atS: DAY / 2, gPerKWh: 100 },
  ],
};

describe('carbon intensity', () => {
  it('a constant is the same at every instant and over every window', () => {
    const c: CarbonIntensity = { kind: 'constant', gPerKWh: 250 };
    expect(intensityAt(c, 12345)).toBe(250);
    expect(meanIntensity(c, 10, 7 * DAY)).toBe(250);
    expect(intensityChanges(c, 0, DAY)).toEqual([]);
    // 3.6 MJ = 1 kWh at 250 g/kWh.
    expect(energyCarbonG(c, 3.6e6, 0, 100)).toBe(250);
  });

  it('a periodic series repeats, each value holding until the next point', () => {
    expect(intensityAt(daily, 0)).toBe(400);
    expect(intensityAt(daily, DAY / 2 - 1)).toBe(400);
    expect(intensityAt(daily, DAY / 2)).toBe(100);
    expect(intensityAt(daily, 3 * DAY + DAY / 2 + 5)).toBe(100);
    expect(intensityAt(daily, -1)).toBe(100); // the evening before the series' start
  });

  it('averages exactly over windows inside a step, across steps and across many periods', () => {
    expect(meanIntensity(daily, 100, 200)).toBe(400);
    // 6 h at 400 then 6 h at 100: 250.
    expect(meanIntensity(daily, DAY / 4, (3 * DAY) / 4)).toBeCloseTo(250, 10);
    // 10 whole days: (400 + 100) / 2.
    expect(meanIntensity(daily, 0, 10 * DAY)).toBeCloseTo(250, 10);
    // From 18:00 on day 0 to 06:00 on day 5: 6 h at 100, 4 days (250 mean), then 6 h at 400.
    const t0 = 0.75 * DAY;
    const t1 = 5 * DAY + 0.25 * DAY;
    const expected = (6 * 3600 * 100 + 4 * DAY * 250 + 6 * 3600 * 400) / (t1 - t0);
    expect(meanIntensity(daily, t0, t1)).toBeCloseTo(expected, 9);
    // An empty window: the intensity at its start.
    expect(meanIntensity(daily, DAY / 2, DAY / 2)).toBe(100);
  });

  it('without a period, the first value holds before the first point and the last after the last', () => {
    const c: CarbonIntensity = {
      kind: 'series',
      points: [
        { atS: 10, gPerKWh: 300 },
        { atS: 20, gPerKWh: 100 },
      ],
    };
    expect(intensityAt(c, 0)).toBe(300);
    expect(intensityAt(c, 1e9)).toBe(100);
    // [0, 40]: 20 s at 300 then 20 s at 100.
    expect(meanIntensity(c, 0, 40)).toBeCloseTo(200, 12);
    expect(intensityChanges(c, 0, 40)).toEqual([10, 20]);
  });

  it('lists the instants where a periodic series steps, in (t0, t1]', () => {
    expect(intensityChanges(daily, 0, 2 * DAY)).toEqual([DAY / 2, DAY, 1.5 * DAY, 2 * DAY]);
  });

  it('says what is wrong with a series it cannot read', () => {
    expect(() => meanIntensity({ kind: 'series', points: [] }, 0, 1)).toThrow(/no points/);
    expect(() => intensityAt({ kind: 'series', points: [{ atS: 0, gPerKWh: 1 }], periodS: 0 }, 0)).toThrow(
      /periodS/,
    );
  });
});
