/**
 * Reads a benchmark time series of the Azure VM Noise Dataset 2024 (CC-BY-4.0; columns `value`,
 * `runtime`, `starttime`, `VM_id`; ../shared/data/perfmodel/README.md): one benchmark result per
 * row, e.g. sysbench CPU events per second. Pure: the caller reads the file. Rows come back sorted
 * by start time (the files are not always sorted).
 */
import { PerfmodelError } from './perfmodel-error.js';

export interface NoiseSample {
  value: number;
  /** Seconds since the Unix epoch (UTC). */
  startS: number;
  vm: string;
}

const HOW =
  'the Azure VM noise files have a header "value,runtime,starttime,VM_id" and rows like "12509.73,90.01,2023-06-23 16:37:18.960,0"';

/** `2023-06-23 16:37:18.960` (UTC) → seconds; NaN when not that shape. */
export function parseNoiseTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)Z?$/.exec(s.trim());
  if (!m) return NaN;
  const [, y, mo, d, h, mi, sec] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), 0) / 1000 + Number(sec);
}

export function parseNoiseCsv(text: string, file: string): NoiseSample[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  const [iv, it, ivm] = [col('value'), col('starttime'), col('VM_id')];
  if (iv < 0 || it < 0)
    throw new PerfmodelError(
      'PERFMODEL_BAD_NOISE_CSV',
      `the header ${JSON.stringify(lines[0] ?? '')} lacks "value" or "starttime"`,
      HOW,
      `${file}:1`,
    );
  const out: NoiseSample[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const value = Number(cells[iv]);
    const startS = parseNoiseTime(cells[it] ?? '');
    if (!Number.isFinite(value) || value <= 0)
      throw new PerfmodelError(
        'PERFMODEL_BAD_NOISE_CSV',
        `value ${JSON.stringify(cells[iv] ?? '')} is not a positive number`,
        HOW,
        `${file}:${i + 1}`,
      );
    if (!Number.isFinite(startS))
      throw new PerfmodelError(
        'PERFMODEL_BAD_NOISE_CSV',
        `starttime ${JSON.stringify(cells[it] ?? '')} is not "YYYY-MM-DD HH:MM:SS[.fff]"`,
        HOW,
        `${file}:${i + 1}`,
      );
    out.push({ value, startS, vm: ivm >= 0 ? (cells[ivm] ?? '').trim() : '' });
  }
  if (out.length === 0)
    throw new PerfmodelError('PERFMODEL_BAD_NOISE_CSV', 'the file has no data rows', HOW, file);
  return out.sort((a, b) => a.startS - b.startS);
}
