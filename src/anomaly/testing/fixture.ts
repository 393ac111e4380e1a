/** Loads the SMD slice of test/fixtures/anomaly (tests only: reads files). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseInterpretation, parseLabels, parseMetricCsv } from '../metric-files.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'anomaly');

export function smdFixture() {
  const train = parseMetricCsv(readFileSync(join(FIXTURES, 'smd-train.csv'), 'utf8'), 'smd-train.csv');
  const test = parseMetricCsv(
    gunzipSync(readFileSync(join(FIXTURES, 'smd-test.csv.gz'))).toString(),
    'smd-test.csv.gz',
  );
  const labels = parseLabels(
    readFileSync(join(FIXTURES, 'smd-labels.txt'), 'utf8'),
    'smd-labels.txt',
    test.rows,
    'test',
  );
  const interpretations = parseInterpretation(
    readFileSync(join(FIXTURES, 'smd-interpretation.txt'), 'utf8'),
    'smd-interpretation.txt',
    test.rows,
    test.cols,
  );
  return { train, test, labels, interpretations };
}
