import { describe, expect, it } from 'vitest';
import { AnomalyError } from './anomaly-error.js';
import { parseInterpretation, parseLabels, parseMetricCsv } from './metric-files.js';
import { nabLabels, parseNabCsv } from './nab-files.js';

function codeOf(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnomalyError);
    const err = e as AnomalyError;
    return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  throw new Error('expected an AnomalyError');
}

describe('metric CSV', () => {
  it('reads rows of numbers, with or without a header, ignoring trailing blank lines', () => {
    const m = parseMetricCsv('0.1,0.2\n0.3,0.4\n\n', 'a.csv');
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(Array.from(m.values)).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
    expect(m.names).toEqual(['metric 1', 'metric 2']);
    const h = parseMetricCsv('cpu,mem\n1,2\n', 'h.csv');
    expect(h.names).toEqual(['cpu', 'mem']);
    expect(h.rows).toBe(1);
  });

  it('reports a ragged row with file:line and the expected width', () => {
    const e = codeOf(() => parseMetricCsv('1,2,3\n4,5,6\n7,8\n', 'm.csv'));
    expect(e.code).toBe('ANOMALY_RAGGED_ROW');
    expect(e.message).toBe('m.csv:3: 2 fields, expected 3 (as on line 1)');
    expect(e.hint).toMatch(/one value per metric/);
  });

  it('reports NaN, empty and non-numeric values with file:line, column and metric name', () => {
    expect(codeOf(() => parseMetricCsv('1,2\n3,NaN\n', 'm.csv')).message).toBe(
      'm.csv:2, column 2 (metric 2): "NaN" is not a finite number',
    );
    expect(codeOf(() => parseMetricCsv('cpu,mem\n1,\n', 'h.csv')).message).toBe(
      'h.csv:2, column 2 (mem): "" is not a finite number',
    );
    expect(codeOf(() => parseMetricCsv('1,2\n3,abc\n', 'm.csv')).code).toBe('ANOMALY_BAD_VALUE');
  });

  it('rejects an empty file and a header without rows', () => {
    expect(codeOf(() => parseMetricCsv('\n\n', 'e.csv')).code).toBe('ANOMALY_EMPTY');
    expect(codeOf(() => parseMetricCsv('a,b\n', 'e.csv')).code).toBe('ANOMALY_EMPTY');
  });
});

describe('labels', () => {
  it('reads one 0/1 per line', () => {
    expect(Array.from(parseLabels('0\n1\n1\n', 'l.txt', 3, 't.csv'))).toEqual([0, 1, 1]);
  });

  it('reports a label file of the wrong length against the test file', () => {
    const e = codeOf(() => parseLabels('0\n1\n', 'l.txt', 3, 't.csv'));
    expect(e.code).toBe('ANOMALY_LABEL_LENGTH');
    expect(e.message).toBe('l.txt: 2 labels, but t.csv has 3 rows');
  });

  it('reports a value that is not 0 or 1 with its line', () => {
    const e = codeOf(() => parseLabels('0\n0.5\n1\n', 'l.txt', 3, 't.csv'));
    expect(e).toMatchObject({ code: 'ANOMALY_BAD_LABEL', message: 'l.txt:2: "0.5" is not a label' });
  });
});

describe('interpretation labels', () => {
  it('reads half-open row ranges and converts metrics to 0-based', () => {
    expect(parseInterpretation('837-858:1,6,9\n', 'i.txt', 1000, 38)).toEqual([
      { start: 837, end: 858, metrics: [0, 5, 8] },
    ]);
  });

  it('reports a malformed line, a range outside the test rows and an unknown metric', () => {
    expect(codeOf(() => parseInterpretation('837:1\n', 'i.txt', 1000, 38)).message).toMatch(
      /^i\.txt:1: "837:1"/,
    );
    expect(codeOf(() => parseInterpretation('1-2:1\n5-2000:1\n', 'i.txt', 1000, 38)).message).toMatch(
      /^i\.txt:2: rows 5-2000/,
    );
    expect(codeOf(() => parseInterpretation('1-2:39\n', 'i.txt', 1000, 38)).message).toMatch(
      /metric 39 does not exist/,
    );
  });
});

describe('NAB files', () => {
  const csv =
    'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,2\n2014-01-01 00:10:00,9\n2014-01-01 00:15:00,1\n';

  it('labels the steps inside a window, inclusive, whatever the timestamps’ fraction digits', () => {
    const s = parseNabCsv(csv, 'd.csv', 'cat/d.csv');
    const windows = { 'cat/d.csv': [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']] };
    expect(Array.from(nabLabels(s, windows, 'w.json'))).toEqual([0, 1, 1, 0]);
  });

  it('reports a bad header, a bad value and a stream without windows', () => {
    expect(codeOf(() => parseNabCsv('time,v\n', 'd.csv', 'k')).code).toBe('ANOMALY_BAD_NAB');
    expect(
      codeOf(() => parseNabCsv('timestamp,value\n2014-01-01 00:00:00,x\n', 'd.csv', 'k')).message,
    ).toMatch(/^d\.csv:2:/);
    expect(codeOf(() => nabLabels(parseNabCsv(csv, 'd.csv', 'cat/d.csv'), {}, 'w.json')).code).toBe(
      'ANOMALY_BAD_NAB',
    );
  });
});
