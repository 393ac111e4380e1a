/**
 * The units people write in platform files, converted to the units inside Strata (bytes per
 * second, seconds, watts, joules per byte). Pure string arithmetic: each grammar is a regular
 * expression, exported so that schemas/platform.schema.json can use the same one (a test checks).
 *
 * Plain numbers are always the base unit (B/s, s, W, J/B): a number never means "Gbps".
 */
import { DURATION_PATTERN, parseDurationSeconds } from '../spec/durations.js';

/**
 * What `gflops: N` means: a core of `speed: 1` (the reference core task work is measured in) does
 * 10 GFLOPS, so `gflops: 25` is `speed: 2.5`. Roughly one core of a 2015-2020 server CPU at
 * double precision with AVX2; documented in docs/platform-format.md.
 */
export const REFERENCE_CORE_GFLOPS = 10;

/** Bandwidth: bits (`bps`, `b/s`) or bytes (`B/s`, `Bps`) per second, decimal or binary prefixes. */
export const BANDWIDTH_PATTERN = '^\\d+(\\.\\d+)?((k|M|G|T)?(bps|b/s|B/s|Bps)|(Ki|Mi|Gi|Ti)B/s)$';
const BANDWIDTH_RE = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?(bps|b\/s|B\/s|Bps)$/;

/** Power: watts or kilowatts. */
export const POWER_PATTERN = '^\\d+(\\.\\d+)?(W|kW)$';
const POWER_RE = /^(\d+(?:\.\d+)?)(W|kW)$/;

/** Energy per byte moved: joules per byte with an SI prefix, or (k)Wh per GB as network studies write it. */
export const ENERGY_PATTERN = '^\\d+(\\.\\d+)?((p|n|u|µ|m)?J/B|k?Wh/GB)$';
const ENERGY_RE = /^(\d+(?:\.\d+)?)((p|n|u|µ|m)?J\/B|k?Wh\/GB)$/;

/** Latency: a duration (`5ms`, `1.5s`), or microseconds (`2us`, `2µs`) for fast interconnects. */
export const LATENCY_PATTERN = `${DURATION_PATTERN}|^\\d+(\\.\\d+)?(us|µs)$`;
const MICROSECONDS_RE = /^(\d+(?:\.\d+)?)(us|µs)$/;

const DECIMAL: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
/** Divisors rather than factors, so that `6nJ/B` is exactly the double nearest 6e-9. */
const ENERGY_DIVISOR: Readonly<Record<string, number>> = { '': 1, m: 1e3, u: 1e6, µ: 1e6, n: 1e9, p: 1e12 };
const JOULES_PER_WH = 3600;

function finiteOrUndefined(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Bytes per second in a bandwidth, or undefined when it is not one. A number is bytes per second.
 *
 * @example
 * parseBandwidthBps('10Gbps')  // 1_250_000_000
 * parseBandwidthBps('1.25GB/s') // 1_250_000_000
 */
export function parseBandwidthBps(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = BANDWIDTH_RE.exec(value);
  if (match === null) return undefined;
  const [, amount = '', prefix = '', unit = ''] = match;
  const binary = BINARY[prefix];
  // Binary prefixes are for bytes only (KiB/s): "Gibps" is not a unit anyone means.
  if (binary !== undefined && unit !== 'B/s') return undefined;
  const factor = binary ?? DECIMAL[prefix] ?? 1;
  const bits = unit === 'bps' || unit === 'b/s';
  return finiteOrUndefined(bits ? (Number(amount) * factor) / 8 : Number(amount) * factor);
}

/** Watts in a power (`350W`, `1.2kW`, or a number of watts), or undefined. */
export function parsePowerW(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = POWER_RE.exec(value);
  if (match === null) return undefined;
  return finiteOrUndefined(Number(match[1]) * (match[2] === 'kW' ? 1000 : 1));
}

/**
 * Joules per byte in an energy per byte (`2nJ/B`, `0.06kWh/GB`, or a number of J/B), or undefined.
 *
 * @example
 * parseEnergyJPerByte('2nJ/B')      // 2e-9
 * parseEnergyJPerByte('0.06kWh/GB') // 2.16e-4
 */
export function parseEnergyJPerByte(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = ENERGY_RE.exec(value);
  if (match === null) return undefined;
  const [, amount = '', unit = '', prefix = ''] = match;
  const n = Number(amount);
  if (unit.endsWith('Wh/GB')) {
    const wh = unit === 'kWh/GB' ? n * 1000 : n;
    return finiteOrUndefined((wh * JOULES_PER_WH) / 1e9);
  }
  return finiteOrUndefined(n / (ENERGY_DIVISOR[prefix] ?? 1));
}

/** Seconds in a latency (a duration, or `2us`), or undefined. A number is seconds. */
export function parseLatencyS(value: string | number): number | undefined {
  if (typeof value === 'string') {
    const match = MICROSECONDS_RE.exec(value);
    if (match !== null) return finiteOrUndefined(Number(match[1]) / 1e6);
  }
  return parseDurationSeconds(value);
}

/**
 * For a refused value, the same value written the way the grammar wants, when the mistake is a
 * common one: a space before the unit (`10 Gbps`), or a lower-case unit letter (`10gbps`, `350w`).
 */
export function suggestUnit(value: string, parse: (v: string) => number | undefined): string | undefined {
  const compact = value.replace(/\s+/g, '');
  const candidates = [
    compact,
    compact.replace(/^(\d+(?:\.\d+)?)([kmgt])(bps|b\/s)$/i, (_m, n: string, p: string, u: string) => {
      const prefix = p.toLowerCase() === 'k' ? 'k' : p.toUpperCase();
      return `${n}${prefix}${u.toLowerCase()}`;
    }),
    compact.replace(/^(\d+(?:\.\d+)?)(k?)w$/i, (_m, n: string, k: string) => `${n}${k === '' ? '' : 'k'}W`),
    compact.replace(/j\/b$/i, 'J/B'),
    compact.replace(/([Bb])s$/, '$1/s'),
  ];
  return candidates.find((c) => c !== value && parse(c) !== undefined);
}

/** A CPU frequency with its unit; a plain number is refused, it could be Hz or GHz. */
export const FREQUENCY_PATTERN = '^\\d+(\\.\\d+)?(Hz|kHz|MHz|GHz)$';
const FREQUENCY_RE = /^(\d+(?:\.\d+)?)(Hz|kHz|MHz|GHz)$/;
const FREQUENCY_EXPONENT: Readonly<Record<string, number>> = { Hz: 0, kHz: 3, MHz: 6, GHz: 9 };

/** Hz in `2.45GHz`, `800MHz`, …, or undefined. */
export function parseFrequencyHz(value: string): number | undefined {
  const match = FREQUENCY_RE.exec(value);
  if (match === null) return undefined;
  const [, amount = '', unit = ''] = match;
  // Through the exponent, so that 2.45GHz is exactly 2450000000 rather than 2.45 × 1e9's rounding.
  const hz = Number(`${amount}e${FREQUENCY_EXPONENT[unit] ?? 0}`);
  return Number.isFinite(hz) ? hz : undefined;
}

/** `2.45 GHz`, `2.45ghz`, `2.45G` → `2.45GHz`, when that is what a refused value meant. */
export function suggestFrequency(value: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)(hz)?$/i.exec(value.replace(/\s+/g, ''));
  if (match === null) return undefined;
  const [, amount = '', prefix = '', hz] = match;
  if (prefix === '' && hz === undefined) return undefined;
  const unit = `${prefix.toLowerCase() === 'k' ? 'k' : prefix.toUpperCase()}Hz`;
  const fixed = `${amount}${unit}`;
  return fixed !== value && parseFrequencyHz(fixed) ? fixed : undefined;
}
