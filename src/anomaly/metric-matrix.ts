/**
 * A multivariate metric series: `rows` time steps × `cols` metrics, row-major Float32Array. The one
 * data shape every detector reads; parsing from text lives in metric-files.ts.
 */
export interface MetricMatrix {
  readonly rows: number;
  readonly cols: number;
  /** values[t * cols + j] is metric j at step t. */
  readonly values: Float32Array;
  /** Metric names, when the file had a header; else "metric 1".."metric N". */
  readonly names: readonly string[];
}

/** Default names "metric 1".."metric N" (1-based, as SMD interpretation labels count them). */
export function defaultNames(cols: number): string[] {
  return Array.from({ length: cols }, (_, j) => `metric ${j + 1}`);
}

/** A matrix over existing values (no copy). */
export function matrix(
  values: Float32Array,
  rows: number,
  cols: number,
  names?: readonly string[],
): MetricMatrix {
  if (values.length !== rows * cols)
    throw new RangeError(`matrix: ${values.length} values ≠ ${rows}×${cols}`);
  return { rows, cols, values, names: names ?? defaultNames(cols) };
}

/** Rows [from, to) as a new matrix sharing the buffer. */
export function sliceRows(m: MetricMatrix, from: number, to: number): MetricMatrix {
  return {
    rows: to - from,
    cols: m.cols,
    values: m.values.subarray(from * m.cols, to * m.cols),
    names: m.names,
  };
}
