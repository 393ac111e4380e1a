/**
 * `strata perfmodel bench-power`'s I/O shell. This machine (a VM) has neither cpufreq nor RAPL, so
 * the sysfs reader is tested on a MADE-UP sysfs tree (a test double: files laid out as the kernel
 * lays them out), and the measuring loop on a SIMULATED package (a test double whose power follows
 * a known law), whose exponent the calibration must find again. The busy load is real.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateDvfs } from '../perfmodel/index.js';
import { busyLoad, measureNodePower, SysfsPowerSensors, type PowerSensors } from './power-calibration.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A made-up sysfs tree: `cpus` CPUs with cpufreq, one RAPL package at `energyUj`. */
function fakeSysfs(opts: {
  cpus: number;
  available?: string;
  minMax?: [number, number];
  energyUj?: number;
}): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-sysfs-'));
  dirs.push(root);
  for (let c = 0; c < opts.cpus; c++) {
    const d = join(root, 'sys', 'devices', 'system', 'cpu', `cpu${c}`, 'cpufreq');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'scaling_max_freq'), '2400000\n');
    if (opts.available) writeFileSync(join(d, 'scaling_available_frequencies'), opts.available);
    if (opts.minMax) {
      writeFileSync(join(d, 'cpuinfo_min_freq'), `${opts.minMax[0]}\n`);
      writeFileSync(join(d, 'cpuinfo_max_freq'), `${opts.minMax[1]}\n`);
    }
  }
  mkdirSync(join(root, 'sys', 'devices', 'system', 'cpu', 'cpufreq'), { recursive: true }); // not a CPU
  if (opts.energyUj !== undefined) {
    const z = join(root, 'sys', 'class', 'powercap', 'intel-rapl:0');
    mkdirSync(join(z, 'intel-rapl:0:0'), { recursive: true }); // a sub-zone (core): not counted
    writeFileSync(join(z, 'energy_uj'), `${opts.energyUj}\n`);
    writeFileSync(join(z, 'max_energy_range_uj'), '1000000000\n');
  }
  return root;
}

describe('SysfsPowerSensors (on a made-up sysfs tree)', () => {
  it('lists the frequencies cpufreq offers, highest first, caps every CPU and puts the caps back', () => {
    const root = fakeSysfs({ cpus: 3, available: '2400000 1800000 1200000 \n', energyUj: 5 });
    const s = new SysfsPowerSensors(root);
    expect(s.frequencies()).toEqual([2.4e9, 1.8e9, 1.2e9]);
    s.setMaxFrequency(1.8e9);
    const cap = (c: number) =>
      readFileSync(
        join(root, 'sys', 'devices', 'system', 'cpu', `cpu${c}`, 'cpufreq', 'scaling_max_freq'),
        'utf8',
      );
    expect([0, 1, 2].map(cap)).toEqual(['1800000', '1800000', '1800000']);
    s.restore();
    expect([0, 1, 2].map(cap)).toEqual(['2400000', '2400000', '2400000']);
  });

  it('without a list (intel_pstate), takes the range in five steps', () => {
    const s = new SysfsPowerSensors(fakeSysfs({ cpus: 1, minMax: [800000, 3000000], energyUj: 0 }));
    expect(s.frequencies()).toEqual([3e9, 2.5e9, 1.9e9, 1.4e9, 0.8e9]);
  });

  it('counts package energy in joules across a counter wrap', () => {
    const root = fakeSysfs({ cpus: 1, available: '2400000', energyUj: 999_000_000 });
    const s = new SysfsPowerSensors(root);
    const counter = join(root, 'sys', 'class', 'powercap', 'intel-rapl:0', 'energy_uj');
    expect(s.energyJ()).toBe(0);
    writeFileSync(counter, '999500000\n');
    expect(s.energyJ()).toBeCloseTo(0.5, 9);
    writeFileSync(counter, '1500000\n'); // wrapped at 1,000,000,000 µJ
    expect(s.energyJ()).toBeCloseTo(2.5, 9);
  });

  it('says clearly when there is no cpufreq or no RAPL', () => {
    const empty = mkdtempSync(join(tmpdir(), 'strata-sysfs-'));
    dirs.push(empty);
    expect(() => new SysfsPowerSensors(empty)).toThrow(
      expect.objectContaining({ code: 'PERFMODEL_NO_CPUFREQ' }),
    );
    expect(() => new SysfsPowerSensors(fakeSysfs({ cpus: 1, available: '2400000' }))).toThrow(
      expect.objectContaining({
        code: 'PERFMODEL_NO_RAPL',
        hint: expect.stringMatching(/power meter/),
      }),
    );
  });
});

/** A SIMULATED package (test double): idle 30 W; busy 30 + 150 × (f / 3 GHz)^3 W; its own clock. */
class SimulatedPackage implements PowerSensors {
  now = 0;
  private joules = 0;
  private f = 3e9;
  restored = false;
  frequencies(): number[] {
    return [3e9, 2.4e9, 1.5e9];
  }
  setMaxFrequency(hz: number): void {
    this.f = hz;
  }
  restore(): void {
    this.restored = true;
  }
  energyJ(): number {
    return this.joules;
  }
  run(seconds: number, busy: boolean): void {
    this.joules += (30 + (busy ? 150 * (this.f / 3e9) ** 3 : 0)) * seconds;
    this.now += seconds;
  }
  rate(): number {
    return this.f / 3e9;
  }
}

describe('measureNodePower (on a simulated package)', () => {
  it('measures idle and each frequency, and the calibration finds the exponent again', async () => {
    const pkg = new SimulatedPackage();
    const { idleW, samples } = await measureNodePower(
      pkg,
      (s) => {
        pkg.run(s, true);
        return Promise.resolve(1000 * s * pkg.rate());
      },
      {
        seconds: 2,
        clock: () => pkg.now,
        wait: (s) => {
          pkg.run(s, false);
          return Promise.resolve();
        },
      },
    );
    expect(pkg.restored).toBe(true);
    expect(idleW).toBeCloseTo(30, 9);
    expect(samples.map((s) => [s.frequencyHz, s.relativeSpeed])).toEqual([
      [3e9, 1],
      [2.4e9, 0.8],
      [1.5e9, 0.5],
    ]);
    const cal = calibrateDvfs(idleW, samples);
    expect(cal.alpha).toBeCloseTo(3, 9);
    expect(cal.levels[1]!.powerRatio).toBeCloseTo(0.125, 9);
  });

  it('puts the caps back when a measurement fails', async () => {
    const pkg = new SimulatedPackage();
    await expect(
      measureNodePower(pkg, () => Promise.reject(new Error('boom')), {
        seconds: 1,
        clock: () => pkg.now,
        wait: () => Promise.resolve(),
      }),
    ).rejects.toThrow('boom');
    expect(pkg.restored).toBe(true);
  });
});

describe('busyLoad', () => {
  it('keeps threads busy for the time asked and counts their loops', async () => {
    const t0 = performance.now();
    const n = await busyLoad(0.2, 2);
    expect(n).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });
});
