/**
 * Measures this node's CPU package power (RAPL) idle and with every core busy at each CPU frequency
 * cpufreq offers, for `strata perfmodel bench-power` (src/cli/commands/bench-power-command.ts) to fit DVFS
 * levels from (`calibrateDvfs`, docs/perfmodel.md). The I/O shell:
 * sysfs (`/sys/devices/system/cpu/cpu*\/cpufreq`, `/sys/class/powercap/intel-rapl:*`; both need
 * root to write or read on current kernels) and worker threads that keep the cores busy.
 *
 * @example
 * const sensors = new SysfsPowerSensors('/');
 * const { idleW, samples } = await measureNodePower(sensors, busyLoad, { seconds: 5 });
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PerfmodelError, type PowerSample } from '../perfmodel/index.js';

/** Where the measurements come from and how the frequency is set. */
export interface PowerSensors {
  /** Frequencies the CPUs can be capped at, Hz, highest first. */
  frequencies(): number[];
  /** Caps every CPU at `hz`. */
  setMaxFrequency(hz: number): void;
  /** Puts back the caps found at the start. */
  restore(): void;
  /** Energy used by the CPU packages since some fixed moment, joules (counter wraps handled). */
  energyJ(): number;
}

const notPermitted = (path: string): PerfmodelError =>
  new PerfmodelError(
    'PERFMODEL_NOT_PERMITTED',
    `cannot access ${path}`,
    'run as root: writing scaling_max_freq and (since Linux 5.10) reading RAPL energy_uj need it',
    path,
  );

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EACCES' || (e as NodeJS.ErrnoException).code === 'EPERM')
      throw notPermitted(path);
    throw e;
  }
}

/** cpufreq and RAPL under `root` (normally `/`; a test points it at a made-up tree). */
export class SysfsPowerSensors implements PowerSensors {
  private readonly cpuDirs: string[];
  private readonly originalMax: string[];
  private readonly packages: Array<{ dir: string; rangeUj: number; lastUj: number; totalUj: number }>;

  constructor(root = '/') {
    const cpuRoot = join(root, 'sys', 'devices', 'system', 'cpu');
    this.cpuDirs = existsSync(cpuRoot)
      ? readdirSync(cpuRoot)
          .filter((d) => /^cpu\d+$/.test(d) && existsSync(join(cpuRoot, d, 'cpufreq', 'scaling_max_freq')))
          .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
          .map((d) => join(cpuRoot, d, 'cpufreq'))
      : [];
    if (this.cpuDirs.length === 0) {
      throw new PerfmodelError(
        'PERFMODEL_NO_CPUFREQ',
        `no CPU frequency control under ${cpuRoot}/cpu*/cpufreq`,
        'run on the node itself, not in a VM or container without cpufreq; or write the levels by hand (docs/platform-format.md)',
        cpuRoot,
      );
    }
    this.originalMax = this.cpuDirs.map((d) => readText(join(d, 'scaling_max_freq')));
    const raplRoot = join(root, 'sys', 'class', 'powercap');
    const zones = existsSync(raplRoot)
      ? readdirSync(raplRoot).filter(
          (d) => /^intel-rapl:\d+$/.test(d) && existsSync(join(raplRoot, d, 'energy_uj')),
        )
      : [];
    if (zones.length === 0) {
      throw new PerfmodelError(
        'PERFMODEL_NO_RAPL',
        `no RAPL package energy counter under ${raplRoot}/intel-rapl:*`,
        'RAPL needs an Intel or AMD (Zen) CPU and the intel_rapl / amd_energy driver; measure the node with a power meter instead',
        raplRoot,
      );
    }
    this.packages = zones.sort().map((z) => {
      const dir = join(raplRoot, z);
      const rangeText = existsSync(join(dir, 'max_energy_range_uj'))
        ? readText(join(dir, 'max_energy_range_uj'))
        : '';
      const now = Number(readText(join(dir, 'energy_uj')));
      return { dir, rangeUj: Number(rangeText) || 2 ** 32, lastUj: now, totalUj: 0 };
    });
  }

  frequencies(): number[] {
    const dir = this.cpuDirs[0]!;
    const listed = join(dir, 'scaling_available_frequencies');
    let khz: number[];
    if (existsSync(listed)) {
      khz = readText(listed)
        .split(/\s+/)
        .map(Number)
        .filter((x) => x > 0);
    } else {
      // intel_pstate and amd-pstate list none: the range in five steps, rounded to 100 MHz.
      const max = Number(readText(join(dir, 'cpuinfo_max_freq')));
      const min = Number(readText(join(dir, 'cpuinfo_min_freq')));
      khz = Array.from({ length: 5 }, (_, i) => Math.round((max - ((max - min) * i) / 4) / 1e5) * 1e5);
      khz[0] = max;
      khz[4] = min;
    }
    return [...new Set(khz)].sort((a, b) => b - a).map((k) => k * 1000);
  }

  setMaxFrequency(hz: number): void {
    const khz = String(Math.round(hz / 1000));
    for (const d of this.cpuDirs) this.write(join(d, 'scaling_max_freq'), khz);
  }

  restore(): void {
    this.cpuDirs.forEach((d, i) => this.write(join(d, 'scaling_max_freq'), this.originalMax[i]!));
  }

  energyJ(): number {
    let total = 0;
    for (const p of this.packages) {
      const now = Number(readText(join(p.dir, 'energy_uj')));
      // The counter wraps at max_energy_range_uj.
      p.totalUj += now >= p.lastUj ? now - p.lastUj : now + p.rangeUj - p.lastUj;
      p.lastUj = now;
      total += p.totalUj;
    }
    return total / 1e6;
  }

  private write(path: string, value: string): void {
    try {
      writeFileSync(path, value);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw notPermitted(path);
      throw e;
    }
  }
}

/** Keeps every core busy for `seconds` (one worker thread per core); resolves to loop iterations done. */
export async function busyLoad(seconds: number, threads = availableParallelism()): Promise<number> {
  const code = [
    "const { parentPort, workerData } = require('node:worker_threads');",
    'const end = Date.now() + workerData * 1000;',
    'let n = 0, x = 1;',
    'while (Date.now() < end) { for (let i = 0; i < 100000; i++) x = (x * 1103515245 + 12345) % 2147483648; n++; }',
    'parentPort.postMessage(n + (x < 0 ? 1 : 0));',
  ].join('\n');
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: seconds });
          w.once('message', (n: number) => resolve(n));
          w.once('error', reject);
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export interface MeasureOptions {
  /** Seconds per measurement (idle, and each frequency). */
  seconds: number;
  clock?: () => number;
  wait?: (seconds: number) => Promise<void>;
}

/**
 * Idle package power (at the highest frequency, nothing run), then busy power and throughput at
 * each frequency, highest first. The frequency caps are put back whatever happens.
 */
export async function measureNodePower(
  sensors: PowerSensors,
  load: (seconds: number) => Promise<number>,
  options: MeasureOptions,
): Promise<{ idleW: number; samples: PowerSample[] }> {
  const clock = options.clock ?? (() => performance.now() / 1000);
  const wait = options.wait ?? ((s: number) => new Promise<void>((r) => setTimeout(r, s * 1000)));
  const freqs = sensors.frequencies();
  const watts = async (during: () => Promise<number | void>) => {
    const e0 = sensors.energyJ();
    const t0 = clock();
    const work = await during();
    const dt = clock() - t0;
    return { w: (sensors.energyJ() - e0) / dt, rate: typeof work === 'number' ? work / dt : 0 };
  };
  try {
    sensors.setMaxFrequency(freqs[0]!);
    const idle = await watts(() => wait(options.seconds));
    const samples: PowerSample[] = [];
    let topRate = 0;
    for (const f of freqs) {
      sensors.setMaxFrequency(f);
      const busy = await watts(() => load(options.seconds));
      topRate ||= busy.rate;
      samples.push({ frequencyHz: f, busyW: busy.w, relativeSpeed: topRate > 0 ? busy.rate / topRate : 1 });
    }
    return { idleW: idle.w, samples };
  } finally {
    sensors.restore();
  }
}
