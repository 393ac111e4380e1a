import { describe, expect, it } from 'vitest';
import { parsePlatform } from '../platform/index.js';
import { calibrateDvfs, dvfsPlatformYaml } from './dvfs-calibration.js';
import { PerfmodelError } from './perfmodel-error.js';

describe('calibrateDvfs', () => {
  it('gives each lower frequency its share of the dynamic power, and the exponent', () => {
    // Package: 40 W idle; busy 40 + 160 (f/2.4 GHz)^2: 200 W, 130 W at 1.8 GHz, 80 W at 1.2 GHz.
    const cal = calibrateDvfs(40, [
      { frequencyHz: 1.2e9, busyW: 80 },
      { frequencyHz: 2.4e9, busyW: 200 },
      { frequencyHz: 1.8e9, busyW: 130 },
    ]);
    expect(cal.nominal.frequencyHz).toBe(2.4e9);
    expect(cal.levels.map((l) => [l.frequencyHz, l.speedFactor, l.powerRatio])).toEqual([
      [1.8e9, 0.75, 90 / 160],
      [1.2e9, 0.5, 0.25],
    ]);
    expect(cal.alpha).toBeCloseTo(2, 12);
  });

  it('never lets a slower level cost more than a faster one, whatever the noise', () => {
    const cal = calibrateDvfs(40, [
      { frequencyHz: 2.4e9, busyW: 200 },
      { frequencyHz: 1.8e9, busyW: 205 },
      { frequencyHz: 1.2e9, busyW: 150 },
      { frequencyHz: 1e9, busyW: 30 },
    ]);
    expect(cal.levels.map((l) => l.powerRatio)).toEqual([1, 110 / 160, 0]);
  });

  it('refuses what cannot be calibrated', () => {
    expect(() => calibrateDvfs(40, [])).toThrow(PerfmodelError);
    expect(() => calibrateDvfs(40, [{ frequencyHz: 2e9, busyW: 39 }])).toThrow(/not above idle/);
    expect(calibrateDvfs(40, [{ frequencyHz: 2e9, busyW: 100 }]).alpha).toBeNaN();
  });

  it('writes node-type lines the platform reader takes, with the node’s span scaled', () => {
    const cal = calibrateDvfs(40, [
      { frequencyHz: 2.4e9, busyW: 200 },
      { frequencyHz: 1.2e9, busyW: 80 },
    ]);
    const lines = dvfsPlatformYaml(cal, { idleW: 100, maxW: 500 });
    // The node: 100 W idle, 500 W full; at 1.2 GHz a quarter of the 400 W span: 200 W.
    expect(lines).toBe(
      [
        'frequency: 2.4GHz',
        'power:',
        '  idle: 100W',
        '  max: 500W',
        '  dvfs:',
        '    - { frequency: 1.2GHz, max: 200W }',
        '',
      ].join('\n'),
    );
    const yaml = [
      'name: p',
      'sites:',
      '  - { id: s, kind: hpc, carbon: 100 }',
      'node_types:',
      '  - id: n',
      '    site: s',
      '    count: 1',
      '    cores: 8',
      '    speed: 1',
      '    memory: 8Gi',
      ...lines
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
      '',
    ].join('\n');
    const r = parsePlatform(yaml, { file: 'p.yaml' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.platform.nodeTypes[0]!.dvfs).toEqual([{ frequencyHz: 1.2e9, speedFactor: 0.5, maxW: 200 }]);
  });
});
