/**
 * Reading anomaly-detection inputs from disk for `strata anomaly eval` and bench:anomaly: plain or
 * gzip text (detected by its magic bytes, not its name), the SMD layout and the NAB layout. The
 * parsing itself is pure (src/anomaly); this is the I/O around it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  AnomalyError,
  nabLabels,
  parseInterpretation,
  parseLabels,
  parseMetricCsv,
  parseNabCsv,
} from '../anomaly/index.js';
import type { Interpretation, MetricMatrix } from '../anomaly/index.js';

/** A labelled evaluation case: a training series, a test series and its labels. */
export interface AnomalyCase {
  name: string;
  train: MetricMatrix;
  test: MetricMatrix;
  labels: Uint8Array;
  interpretations: Interpretation[] | null;
}

export function readTextFile(path: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new AnomalyError(
      'ANOMALY_FILE_UNREADABLE',
      `cannot read the ${what} file ${path}${code ? ` (${code})` : ''}`,
      'check the path',
    );
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch {
      throw new AnomalyError(
        'ANOMALY_FILE_UNREADABLE',
        `${path} looks gzipped but does not gunzip`,
        'the file may be truncated: copy it again',
      );
    }
  }
  return bytes.toString('utf8');
}

/** One SMD-layout case from explicit files. */
export function loadSmdCase(
  files: { train: string; test: string; labels: string; interpretation?: string },
  name = files.test,
): AnomalyCase {
  const train = parseMetricCsv(readTextFile(files.train, 'training'), files.train);
  const test = parseMetricCsv(readTextFile(files.test, 'test'), files.test);
  if (train.cols !== test.cols) {
    throw new AnomalyError(
      'ANOMALY_COLUMN_MISMATCH',
      `${files.train} has ${train.cols} metrics per row but ${files.test} has ${test.cols}`,
      'the training and test files must hold the same metrics in the same order',
    );
  }
  const labels = parseLabels(readTextFile(files.labels, 'label'), files.labels, test.rows, files.test);
  const interpretations = files.interpretation
    ? parseInterpretation(
        readTextFile(files.interpretation, 'interpretation'),
        files.interpretation,
        test.rows,
        test.cols,
      )
    : null;
  return { name, train, test, labels, interpretations };
}

/** Every machine of an SMD folder (train/, test/, test_label/, interpretation_label/). */
export function loadSmdDir(dir: string): AnomalyCase[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, 'test')).filter((n) => !n.startsWith('.'));
  } catch {
    throw new AnomalyError(
      'ANOMALY_FILE_UNREADABLE',
      `cannot list ${join(dir, 'test')}`,
      'an SMD folder holds train/, test/, test_label/ (and interpretation_label/)',
    );
  }
  return names.sort().map((file) => {
    const machine = file.replace(/\.txt(\.gz)?$|\.csv(\.gz)?$/, '');
    const interp = join(dir, 'interpretation_label', `${machine}.txt`);
    const hasInterp = (() => {
      try {
        return statSync(interp).isFile();
      } catch {
        return false;
      }
    })();
    return loadSmdCase(
      {
        train: join(dir, 'train', file),
        test: join(dir, 'test', file),
        labels: join(dir, 'test_label', `${machine}.txt`),
        ...(hasInterp ? { interpretation: interp } : {}),
      },
      machine,
    );
  });
}

/** Every stream of a NAB folder with windows; the first `probation` of each is its training part. */
export function loadNabDir(dir: string, probation = 0.15): AnomalyCase[] {
  const windowsFile = join(dir, 'labels', 'combined_windows.json');
  let windows: unknown;
  try {
    windows = JSON.parse(readTextFile(windowsFile, 'NAB windows'));
  } catch (e) {
    if (e instanceof AnomalyError) throw e;
    throw new AnomalyError(
      'ANOMALY_BAD_NAB',
      `${windowsFile}: not valid JSON`,
      'restore labels/combined_windows.json from NAB',
    );
  }
  const out: AnomalyCase[] = [];
  let categories: string[];
  try {
    categories = readdirSync(join(dir, 'data')).sort();
  } catch {
    throw new AnomalyError(
      'ANOMALY_FILE_UNREADABLE',
      `cannot list ${join(dir, 'data')}`,
      'a NAB folder holds data/<category>/*.csv and labels/combined_windows.json',
    );
  }
  for (const cat of categories) {
    for (const file of readdirSync(join(dir, 'data', cat))
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const path = join(dir, 'data', cat, file);
      const stream = parseNabCsv(readTextFile(path, 'NAB data'), path, `${cat}/${file}`);
      const labels = nabLabels(stream, windows, windowsFile);
      const cut = Math.max(2, Math.floor(stream.series.rows * probation));
      const s = stream.series;
      out.push({
        name: stream.key,
        train: { ...s, rows: cut, values: s.values.subarray(0, cut) },
        test: { ...s, rows: s.rows - cut, values: s.values.subarray(cut) },
        labels: labels.subarray(cut),
        interpretations: null,
      });
    }
  }
  return out;
}
