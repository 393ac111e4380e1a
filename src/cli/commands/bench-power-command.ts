/**
 * `strata perfmodel bench-power`: measures this node's power at each CPU frequency
 * (src/host/power-calibration.ts), fits the DVFS levels and prints the platform file's `frequency:`
 * and `power.dvfs` lines for its node type (docs/perfmodel.md).
 */
import { busyLoad, measureNodePower, SysfsPowerSensors } from '../../host/power-calibration.js';
import { calibrateDvfs, dvfsPlatformYaml, PerfmodelError } from '../../perfmodel/index.js';
import { EXIT_OK } from '../cli-error.js';
import { usageError } from '../exit-status.js';

export interface BenchPowerOptions {
  seconds?: string;
  /** The node's idle and full-load power in watts (wall, e.g. from SPECpower or a meter). */
  idle?: string;
  max?: string;
  /** Root of the sysfs tree (default `/`). */
  sysfs?: string;
  json?: boolean;
}

function watts(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const w = Number(text);
  if (!(w >= 0)) {
    throw usageError(
      new PerfmodelError(
        'PERFMODEL_BAD_POWER',
        `${flag} ${text} is not a number of watts ≥ 0`,
        `e.g. ${flag} 180`,
        flag,
      ),
    );
  }
  return w;
}

export async function runBenchPower(opts: BenchPowerOptions): Promise<number> {
  const seconds = opts.seconds === undefined ? 5 : Number(opts.seconds);
  if (!(seconds > 0)) {
    throw usageError(
      new PerfmodelError(
        'PERFMODEL_BAD_POWER',
        `--seconds ${opts.seconds} is not a positive number`,
        'e.g. --seconds 5',
        '--seconds',
      ),
    );
  }
  const nodeIdle = watts(opts.idle, '--idle');
  const nodeMax = watts(opts.max, '--max');
  const sensors = new SysfsPowerSensors(opts.sysfs ?? '/');
  const { idleW, samples } = await measureNodePower(sensors, (s) => busyLoad(s), { seconds });
  const cal = calibrateDvfs(idleW, samples);
  // The node's own figures when given; else the package's (then the span is the package's alone).
  const node = { idleW: nodeIdle ?? idleW, maxW: nodeMax ?? cal.nominal.busyW };
  const yaml = dvfsPlatformYaml(cal, node);
  if (opts.json) {
    console.log(JSON.stringify({ idleW, samples, alpha: cal.alpha, levels: cal.levels, node, yaml }));
    return EXIT_OK;
  }
  console.log(`package idle: ${idleW.toFixed(1)} W (RAPL, ${seconds} s per measurement)`);
  console.log('frequency   busy W   speed   dynamic power vs nominal');
  for (const s of samples) {
    const ratio = (s.busyW - idleW) / (cal.nominal.busyW - idleW);
    console.log(
      `${(s.frequencyHz / 1e9).toFixed(2).padStart(6)} GHz ${s.busyW.toFixed(1).padStart(8)} ${(s.relativeSpeed ?? 1).toFixed(3).padStart(7)}   ${ratio.toFixed(3)}`,
    );
  }
  console.log(
    `fitted exponent α = ${Number.isNaN(cal.alpha) ? 'n/a (one frequency)' : cal.alpha.toFixed(2)}`,
  );
  console.log(
    `\nfor the platform file (node ${node.idleW} W idle, ${node.maxW} W full${nodeIdle === undefined || nodeMax === undefined ? ': the package figures; give --idle and --max for the whole node' : ''};` +
      ' its span taken to scale as the package dynamic power):\n',
  );
  console.log(yaml);
  return EXIT_OK;
}
