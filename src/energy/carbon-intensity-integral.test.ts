import { describe, expect, it } from 'vitest';
import { CarbonIntensityIntegral } from './carbon-intensity-integral.js';

describe('CarbonIntensityIntegral', () => {
  it('integrates a constant', () => {
    const c = new CarbonIntensityIntegral({ kind: 'constant', gPerKWh: 300 });
    expect(c.integral(0, 10)).toBe(3000);
    expect(c.integral(5, 7)).toBe(600);
    expect(c.valueAt(1e9)).toBe(300);
  });

  it('integrates a series piecewise; the first value holds before it, the last after it', () => {
    const c = new CarbonIntensityIntegral({
      kind: 'series',
      points: [
        { atS: 10, gPerKWh: 100 },
        { atS: 20, gPerKWh: 500 },
      ],
    });
    expect(c.integral(0, 10)).toBe(1000);
    expect(c.integral(15, 25)).toBe(5 * 100 + 5 * 500);
    expect(c.integral(20, 120)).toBe(50_000);
    expect(c.valueAt(19.9)).toBe(100);
    expect(c.valueAt(20)).toBe(500);
  });

  it('repeats a periodic series', () => {
    const c = new CarbonIntensityIntegral({
      kind: 'series',
      periodS: 10,
      points: [
        { atS: 0, gPerKWh: 100 },
        { atS: 5, gPerKWh: 300 },
      ],
    });
    expect(c.integral(0, 10)).toBe(2000);
    expect(c.integral(0, 35)).toBe(3 * 2000 + 500);
    expect(c.integral(12, 17)).toBe(3 * 100 + 2 * 300);
    expect(c.valueAt(27)).toBe(300);
  });
});
