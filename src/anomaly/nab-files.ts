/**
 * The NAB layout (docs/anomaly.md): data/<category>/<name>.csv with a "timestamp,value" header, and
 * labels/combined_windows.json mapping "<category>/<name>.csv" to anomaly windows
 * [[start, end], …] (timestamps, inclusive). A stream becomes a one-metric series whose first
 * `probation` fraction (NAB's probationary period, 15 %) is the training part.
 */
import { AnomalyError } from './anomaly-error.js';
import type { MetricMatrix } from './metric-matrix.js';

export interface NabStream {
  key: string;
  timestamps: string[];
  series: MetricMatrix;
}

/** "2014-10-30 15:30:00.000000" and "2014-10-30 15:30:00" compare as the same instant. */
function instant(ts: string): string {
  return ts.trim().slice(0, 19);
}

export function parseNabCsv(text: string, file: string, key: string): NabStream {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2 || !/^timestamp\s*,\s*value$/i.test(lines[0]!.trim())) {
    throw new AnomalyError(
      'ANOMALY_BAD_NAB',
      `${file}:1: expected a "timestamp,value" header and at least one row`,
      'a NAB data file is a CSV with the header timestamp,value',
    );
  }
  const timestamps: string[] = [];
  const values = new Float32Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i]!.split(',');
    const v = parts.length === 2 ? Number(parts[1]!.trim()) : NaN;
    if (parts.length !== 2 || parts[1]!.trim() === '' || !Number.isFinite(v)) {
      throw new AnomalyError(
        parts.length !== 2 ? 'ANOMALY_RAGGED_ROW' : 'ANOMALY_BAD_VALUE',
        `${file}:${i + 1}: ${JSON.stringify(lines[i])} is not "timestamp,number"`,
        'each row is a timestamp and one finite number',
      );
    }
    timestamps.push(instant(parts[0]!));
    values[i - 1] = v;
  }
  return { key, timestamps, series: { rows: values.length, cols: 1, values, names: ['value'] } };
}

/** Labels (1 inside any window) for a stream from the parsed combined_windows.json. */
export function nabLabels(stream: NabStream, windows: unknown, file: string): Uint8Array {
  const all = windows as Record<string, unknown>;
  const mine = typeof all === 'object' && all !== null ? all[stream.key] : undefined;
  if (!Array.isArray(mine)) {
    throw new AnomalyError(
      'ANOMALY_BAD_NAB',
      `${file}: no windows for ${JSON.stringify(stream.key)}`,
      'combined_windows.json maps "<category>/<name>.csv" to a list of [start, end] timestamps',
    );
  }
  const labels = new Uint8Array(stream.series.rows);
  for (const w of mine) {
    if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string' || typeof w[1] !== 'string') {
      throw new AnomalyError('ANOMALY_BAD_NAB', `${file}: ${stream.key}: a window is not [start, end]`);
    }
    const a = instant(w[0]);
    const b = instant(w[1]);
    stream.timestamps.forEach((ts, i) => {
      if (ts >= a && ts <= b) labels[i] = 1;
    });
  }
  return labels;
}
