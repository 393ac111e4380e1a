/**
 * `strata anomaly eval`: fits detectors on a training series, scores a labelled test series, picks
 * the threshold without labels and reports the metrics of docs/anomaly.md — for one case in the SMD
 * layout (--train/--test/--labels [--interpretation]) or every stream of a NAB folder (--nab).
 * The I/O shell around src/anomaly (pure) and src/anomaly-train (tfjs).
 */
import { writeFileSync } from 'node:fs';
import { createDetector } from '../../anomaly-train/index.js';
import {
  AnomalyError,
  calibrationScores,
  edgeBundle,
  evaluate,
  isModelName,
  MODEL_NAMES,
} from '../../anomaly/index.js';
import type { EvaluationReport, ModelName } from '../../anomaly/index.js';
import { loadNabDir, loadSmdCase } from '../anomaly-files.js';
import type { AnomalyCase } from '../anomaly-files.js';
import { CliError, EXIT_OK } from '../cli-error.js';

export interface AnomalyEvalOptions {
  train?: string;
  test?: string;
  labels?: string;
  interpretation?: string;
  nab?: string;
  model: string;
  seed: string;
  epochs?: string;
  saveModel?: string;
  json?: boolean;
}

function models(text: string): ModelName[] {
  const names = text === 'all' ? [...MODEL_NAMES] : text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!isModelName(n)) {
      throw new AnomalyError(
        'ANOMALY_UNKNOWN_MODEL',
        `unknown model ${JSON.stringify(n)}`,
        `models: ${MODEL_NAMES.join(', ')}, or all`,
      );
    }
  }
  return names as ModelName[];
}

function cases(opts: AnomalyEvalOptions): AnomalyCase[] {
  if (opts.nab !== undefined) {
    if (opts.train || opts.test || opts.labels)
      throw new CliError('BAD_OPTION', '--nab cannot be combined with --train/--test/--labels');
    return loadNabDir(opts.nab);
  }
  const missing = (['train', 'test', 'labels'] as const).filter((k) => !opts[k]);
  if (missing.length > 0) {
    throw new CliError(
      'BAD_OPTION',
      `missing ${missing.map((m) => `--${m}`).join(', ')}`,
      'give --train FILE --test FILE --labels FILE (SMD layout), or --nab DIR',
    );
  }
  return [
    loadSmdCase({
      train: opts.train!,
      test: opts.test!,
      labels: opts.labels!,
      ...(opts.interpretation ? { interpretation: opts.interpretation } : {}),
    }),
  ];
}

type Summary = Omit<EvaluationReport, 'cols'> & { case: string; trainS: number };

export async function runAnomalyEval(opts: AnomalyEvalOptions): Promise<number> {
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed))
    throw new CliError('BAD_OPTION', `--seed must be an integer, got ${opts.seed}`);
  const epochs = opts.epochs === undefined ? undefined : Number(opts.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) {
    throw new CliError('BAD_OPTION', `--epochs must be a positive integer, got ${opts.epochs}`);
  }
  const names = models(opts.model);
  if (opts.saveModel && (names.length !== 1 || opts.nab !== undefined)) {
    throw new CliError('BAD_OPTION', '--save-model needs one --model and one SMD-layout case');
  }
  const all = cases(opts);
  const out: Summary[] = [];
  for (const model of names) {
    for (const c of all) {
      const t0 = performance.now();
      const fitted = await createDetector(model, { seed, ...(epochs ? { vae: { epochs } } : {}) }).fit(
        c.train,
      );
      const trainS = (performance.now() - t0) / 1000;
      const {
        scores: _s,
        flags: _f,
        cols: _c,
        ...report
      } = evaluate(fitted, c.train, c.test, c.labels, c.interpretations);
      out.push({ case: c.name, trainS, ...report });
      if (opts.saveModel) {
        writeFileSync(opts.saveModel, JSON.stringify(edgeBundle(fitted, calibrationScores(fitted, c.train))));
      }
    }
  }
  if (opts.json) console.log(JSON.stringify(out.length === 1 ? out[0] : out, null, 2));
  else printTable(out);
  return EXIT_OK;
}

const f = (x: number | null, d = 3) => (x === null ? '-' : x.toFixed(d));

function printTable(rows: Summary[]): void {
  const head = [
    'model',
    'case',
    'F1',
    'P',
    'R',
    'PA-F1',
    'ev.recall',
    'delay',
    'Hit@150',
    'bytes',
    'oracle F1',
    'PA%K AUC',
  ];
  const lines = rows.map((r) => [
    r.model,
    r.case,
    f(r.point.f1),
    f(r.point.precision),
    f(r.point.recall),
    f(r.pa.f1),
    `${r.events.detected}/${r.events.events}`,
    f(r.events.meanDelay, 1),
    f(r.hitRate150),
    f(r.edge.bytesRatio, 4),
    f(r.oracle.f1Point),
    f(r.oracle.paKAuc),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  console.log(head.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log(
    'F1/P/R, PA-F1, events at the label-free threshold; oracle F1 and PA%K AUC use the best threshold on the labels',
  );
}
