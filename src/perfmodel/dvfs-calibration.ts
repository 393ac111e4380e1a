/**
 * Calibrating a node type's CPU-frequency levels (`power.dvfs` in the platform file) from
 * measurements rather than an assumed exponent — what HPC energy runtimes call a learning phase
 * (EAR measures each node at each P-state). `strata perfmodel bench-power` measures, on the node
 * itself, the CPU package power (RAPL) with every core busy at each available frequency and with
 * none busy; this module turns those into level powers for the platform file:
 *
 *     ratio(f)   = (P_busy(f) − P_idle) / (P_busy(f0) − P_idle)      (the package's dynamic power)
 *     maxW(f)    = idleW + (maxW − idleW) × ratio(f)                 (the node's, from its idle/max)
 *     α          = least-squares slope of log ratio(f) over log(f / f0)
 *
 * so the node's full-load span scales as the package's dynamic power does (the rest of the span —
 * memory, fans — is taken to scale alike: a stated assumption, printed with the result). Pure.
 *
 * @example
 * const cal = calibrateDvfs(40, [{ frequencyHz: 2.4e9, busyW: 200 }, { frequencyHz: 1.2e9, busyW: 80 }]);
 * cal.levels[0]; // { frequencyHz: 1.2e9, speedFactor: 0.5, powerRatio: 0.25 }; cal.alpha === 2
 */
import { PerfmodelError } from './perfmodel-error.js';

export interface PowerSample {
  frequencyHz: number;
  /** Package power with every core busy at this frequency, watts. */
  busyW: number;
  /** Benchmark throughput at this frequency relative to the highest (informational). */
  relativeSpeed?: number;
}

export interface DvfsCalibration {
  /** Package power with no core busy, watts. */
  idleW: number;
  /** The highest frequency measured: the nominal one. */
  nominal: PowerSample;
  /** The lower ones, fastest first. */
  levels: Array<{ frequencyHz: number; speedFactor: number; powerRatio: number; relativeSpeed?: number }>;
  /** Fitted exponent of the dynamic power in frequency (NaN with fewer than one lower level). */
  alpha: number;
}

export function calibrateDvfs(idleW: number, samples: readonly PowerSample[]): DvfsCalibration {
  const bad = (message: string): PerfmodelError =>
    new PerfmodelError(
      'PERFMODEL_BAD_POWER',
      message,
      'measure again on a quiet node, each frequency long enough (--seconds) for the energy counter to move',
    );
  if (!(idleW >= 0)) throw bad(`idle power must be ≥ 0 W, got ${idleW}`);
  const sorted = [...samples].sort((a, b) => b.frequencyHz - a.frequencyHz);
  const nominal = sorted[0];
  if (!nominal) throw bad('no frequency was measured');
  const span = nominal.busyW - idleW;
  if (!(span > 0)) {
    throw bad(
      `busy power at ${nominal.frequencyHz / 1e9} GHz (${nominal.busyW.toFixed(1)} W) is not above idle (${idleW.toFixed(1)} W)`,
    );
  }
  // Between 0 and the next faster level's: measurement noise must not give a slower level that
  // costs more (the platform reader rejects one).
  let ceiling = 1;
  const levels = sorted.slice(1).map((s) => {
    const powerRatio = Math.min(ceiling, Math.max(0, (s.busyW - idleW) / span));
    ceiling = powerRatio;
    return {
      frequencyHz: s.frequencyHz,
      speedFactor: s.frequencyHz / nominal.frequencyHz,
      powerRatio,
      ...(s.relativeSpeed !== undefined ? { relativeSpeed: s.relativeSpeed } : {}),
    };
  });
  // Least squares through the origin: log ratio = α log(f / f0).
  let sxy = 0;
  let sxx = 0;
  for (const l of levels) {
    if (!(l.powerRatio > 0) || !(l.speedFactor < 1)) continue;
    const x = Math.log(l.speedFactor);
    sxy += x * Math.log(l.powerRatio);
    sxx += x * x;
  }
  return { idleW, nominal, levels, alpha: sxx > 0 ? sxy / sxx : NaN };
}

/**
 * The `frequency:` and `power:` lines of a platform node type (docs/platform-format.md) whose node
 * draws `idleW` idle and `maxW` at full load at the nominal frequency.
 */
export function dvfsPlatformYaml(cal: DvfsCalibration, node: { idleW: number; maxW: number }): string {
  const ghz = (hz: number): string => `${Number((hz / 1e9).toFixed(3))}GHz`;
  const w = (x: number): string => `${Number(x.toFixed(1))}W`;
  return [
    `frequency: ${ghz(cal.nominal.frequencyHz)}`,
    'power:',
    `  idle: ${w(node.idleW)}`,
    `  max: ${w(node.maxW)}`,
    ...(cal.levels.length > 0
      ? [
          '  dvfs:',
          ...cal.levels.map(
            (l) =>
              `    - { frequency: ${ghz(l.frequencyHz)}, max: ${w(node.idleW + (node.maxW - node.idleW) * l.powerRatio)} }`,
          ),
        ]
      : []),
    '',
  ].join('\n');
}
