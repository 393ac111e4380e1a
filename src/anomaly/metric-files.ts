/**
 * Parsers for the SMD layout (docs/anomaly.md): a metric CSV (one row per step, comma-separated
 * numbers, optional header), a label file (one 0/1 per line) and an interpretation_label file
 * ("start-end:d1,d2,…", 0-based half-open rows, 1-based metrics). Pure: text in, data or an
 * `AnomalyError` out that names file:line and column. Reading and gunzip live in the CLI.
 */
import { AnomalyError } from './anomaly-error.js';
import type { Interpretation } from './evaluation-metrics.js';
import { defaultNames } from './metric-matrix.js';
import type { MetricMatrix } from './metric-matrix.js';

function lines(text: string): string[] {
  const out = text.split(/\r?\n/);
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  return out;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Parses a metric CSV; `file` names it in errors. A first line with a non-number is a header. */
export function parseMetricCsv(text: string, file: string): MetricMatrix {
  const all = lines(text);
  let first = 0;
  while (first < all.length && all[first]!.trim() === '') first++;
  if (first >= all.length) {
    throw new AnomalyError(
      'ANOMALY_EMPTY',
      `${file}: no rows`,
      'give a CSV with one row of numbers per time step',
    );
  }
  const head = all[first]!.split(',').map((s) => s.trim());
  const hasHeader = head.some((s) => !NUMBER.test(s));
  const names = hasHeader ? head : defaultNames(head.length);
  const cols = head.length;
  const start = hasHeader ? first + 1 : first;
  const rows = all.length - start;
  if (rows <= 0) {
    throw new AnomalyError(
      'ANOMALY_EMPTY',
      `${file}: a header but no rows`,
      'add one row of numbers per time step',
    );
  }
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const lineNo = start + r + 1;
    const line = all[start + r]!;
    const fields = line.split(',');
    if (fields.length !== cols) {
      throw new AnomalyError(
        'ANOMALY_RAGGED_ROW',
        `${file}:${lineNo}: ${fields.length} fields, expected ${cols} (as on line ${first + 1})`,
        line.trim() === ''
          ? 'remove the empty line'
          : 'every row needs one value per metric: fix the row, or cut the file at the last complete row',
      );
    }
    for (let c = 0; c < cols; c++) {
      const s = fields[c]!.trim();
      const v = NUMBER.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v)) {
        throw new AnomalyError(
          'ANOMALY_BAD_VALUE',
          `${file}:${lineNo}, column ${c + 1} (${names[c]}): ${JSON.stringify(s)} is not a finite number`,
          'detectors need a number at every step: fill gaps (e.g. repeat the previous value) before evaluating',
        );
      }
      values[r * cols + c] = v;
    }
  }
  return { rows, cols, values, names };
}

/** Parses a label file (one 0 or 1 per line) and checks it has `expectedRows` lines. */
export function parseLabels(text: string, file: string, expectedRows: number, against: string): Uint8Array {
  const all = lines(text);
  const out = new Uint8Array(all.length);
  all.forEach((line, i) => {
    const s = line.trim();
    if (s !== '0' && s !== '1') {
      throw new AnomalyError(
        'ANOMALY_BAD_LABEL',
        `${file}:${i + 1}: ${JSON.stringify(s)} is not a label`,
        'each line holds 0 (normal) or 1 (anomalous)',
      );
    }
    out[i] = s === '1' ? 1 : 0;
  });
  if (out.length !== expectedRows) {
    throw new AnomalyError(
      'ANOMALY_LABEL_LENGTH',
      `${file}: ${out.length} labels, but ${against} has ${expectedRows} rows`,
      'line i of the label file labels row i of the test file: give the labels of this test file',
    );
  }
  return out;
}

/** Parses an interpretation_label file; rows must lie within `rows`, metrics within `cols`. */
export function parseInterpretation(
  text: string,
  file: string,
  rows: number,
  cols: number,
): Interpretation[] {
  return lines(text).flatMap((line, i) => {
    const s = line.trim();
    if (s === '') return [];
    const m = /^(\d+)-(\d+):(\d+(?:,\d+)*)$/.exec(s);
    const where = `${file}:${i + 1}`;
    if (!m) {
      throw new AnomalyError(
        'ANOMALY_BAD_INTERPRETATION',
        `${where}: ${JSON.stringify(s)} is not "start-end:m1,m2,…"`,
        'each line is a row range and the 1-based metrics that explain it, e.g. 837-858:1,6,9',
      );
    }
    const start = Number(m[1]);
    const end = Number(m[2]);
    const metrics = m[3]!.split(',').map((x) => Number(x) - 1);
    if (!(start < end) || end > rows) {
      throw new AnomalyError(
        'ANOMALY_BAD_INTERPRETATION',
        `${where}: rows ${start}-${end} are not a range within the ${rows} test rows`,
        'start < end ≤ number of test rows (0-based, end exclusive)',
      );
    }
    const bad = metrics.find((j) => j < 0 || j >= cols);
    if (bad !== undefined) {
      throw new AnomalyError(
        'ANOMALY_BAD_INTERPRETATION',
        `${where}: metric ${bad + 1} does not exist (the test file has ${cols} metrics)`,
        'metrics are 1-based column numbers of the test file',
      );
    }
    return [{ start, end, metrics }];
  });
}
