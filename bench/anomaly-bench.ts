/**
 * bench:anomaly — every detector on every SMD machine (and every NAB stream) of the shared data, or
 * of any folders of the same layout: per-model tables, then as the last line one JSON object with
 * the means over SMD machines per model.
 *
 * For each machine: fit on the training half (timed: `train_s`), score the test half in plain
 * TypeScript (timed: `score_rows_per_s` by the wall clock, `score_rows_per_cpu_s` by this process's
 * CPU time — they differ on a machine shared with other work; one window per row), threshold without labels
 * (drift-corrected streaming POT calibrated on the tail of the training half), then the metrics of
 * docs/anomaly.md and the edge transfer (`bytes_ratio`). Oracle figures (thresholds picked on the
 * labels) are printed too, marked as such.
 *
 * Options: --smd DIR (default ../shared/data/smd), --nab DIR (default ../shared/data/nab; `--nab
 * none` skips), --models vae,pca,robust-z,random, --seed N, --epochs N.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector, VaeDetector } from '../src/anomaly-train/index.js';
import { evaluate, isModelName, MODEL_NAMES } from '../src/anomaly/index.js';
import type { EvaluationReport, ModelName } from '../src/anomaly/index.js';
import { loadNabDir, loadSmdDir } from '../src/cli/anomaly-files.js';
import type { AnomalyCase } from '../src/cli/anomaly-files.js';

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const root = join(import.meta.dirname, '..', '..');
const SMD = opt('smd') ?? join(root, '..', 'shared', 'data', 'smd');
const NAB = opt('nab') ?? join(root, '..', 'shared', 'data', 'nab');
const SEED = Number(opt('seed') ?? 1);
const EPOCHS = opt('epochs') !== undefined ? Number(opt('epochs')) : undefined;
const MODELS = (opt('models') ?? MODEL_NAMES.join(',')).split(',').filter(isModelName);

interface Row {
  name: string;
  report: EvaluationReport;
  trainS: number;
  scoreRowsPerS: number;
  scoreRowsPerCpuS: number;
  /** Epochs the VAE completed within its time budget (null for other models). */
  epochs: number | null;
}

async function run(model: ModelName, c: AnomalyCase): Promise<Row> {
  const detector = createDetector(model, {
    seed: SEED,
    ...(EPOCHS !== undefined ? { vae: { epochs: EPOCHS } } : {}),
  });
  const t0 = performance.now();
  const fitted = await detector.fit(c.train);
  const trainS = (performance.now() - t0) / 1000;
  // Wall clock and this process's CPU time: on a machine shared with other work the two differ.
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  fitted.score(c.test);
  const cpu = process.cpuUsage(cpu1);
  const scoreRowsPerS = c.test.rows / ((performance.now() - t1) / 1000);
  const scoreRowsPerCpuS = c.test.rows / ((cpu.user + cpu.system) / 1e6);
  const report = evaluate(fitted, c.train, c.test, c.labels, c.interpretations);
  const epochs = detector instanceof VaeDetector ? detector.lastEpochs : null;
  return { name: c.name, report, trainS, scoreRowsPerS, scoreRowsPerCpuS, epochs };
}

const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '-' : x.toFixed(d));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function table(title: string, rows: Row[]): void {
  const head = [
    'case',
    'F1',
    'P',
    'R',
    'flag%',
    'PA-F1',
    'PA%K AUC',
    'ev.rec',
    'delay',
    'Hit@150',
    'bytes',
    '| oracle F1',
    'PA-F1',
    'PA%K AUC',
    'train s',
    'epochs',
    'rows/s',
  ];
  const lines = rows.map((r) => {
    const e = r.report;
    return [
      r.name,
      f(e.point.f1),
      f(e.point.precision),
      f(e.point.recall),
      f(e.flagged * 100, 1),
      f(e.pa.f1),
      f(e.paKAucAtThreshold),
      f(e.events.recall),
      f(e.events.meanDelay, 1),
      f(e.hitRate150),
      f(e.edge.bytesRatio, 4),
      '| ' + f(e.oracle.f1Point),
      f(e.oracle.f1Pa),
      f(e.oracle.paKAuc),
      f(r.trainS, 1),
      r.epochs === null ? '-' : String(r.epochs),
      String(Math.round(r.scoreRowsPerS)),
    ];
  });
  const m = (g: (r: Row) => number | null) => {
    const xs = rows.map(g).filter((x): x is number => x !== null);
    return xs.length > 0 ? f(mean(xs)) : '-';
  };
  lines.push([
    'mean',
    m((r) => r.report.point.f1),
    m((r) => r.report.point.precision),
    m((r) => r.report.point.recall),
    f(mean(rows.map((r) => r.report.flagged * 100)), 1),
    m((r) => r.report.pa.f1),
    m((r) => r.report.paKAucAtThreshold),
    m((r) => r.report.events.recall),
    m((r) => r.report.events.meanDelay),
    m((r) => r.report.hitRate150),
    f(mean(rows.map((r) => r.report.edge.bytesRatio)), 4),
    '| ' + m((r) => r.report.oracle.f1Point),
    m((r) => r.report.oracle.f1Pa),
    m((r) => r.report.oracle.paKAuc),
    f(mean(rows.map((r) => r.trainS)), 1),
    '',
    String(Math.round(mean(rows.map((r) => r.scoreRowsPerS)))),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  console.log(`\n${title}`);
  console.log(head.map((h, i) => h.padEnd(widths[i]!)).join(' '));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i]!)).join(' '));
}

const smd = existsSync(SMD) ? loadSmdDir(SMD) : [];
const nab = NAB !== 'none' && existsSync(NAB) ? loadNabDir(NAB) : [];
console.log(
  `bench:anomaly — SMD ${smd.length} machines (${SMD}), NAB ${nab.length} streams (${NAB}); seed ${SEED}; ` +
    'F1/P/R/PA-F1/PA%K AUC/events at the label-free threshold; "oracle" = best threshold on the labels',
);
const results: Array<Record<string, number | string>> = [];
for (const model of MODELS) {
  const rows: Row[] = [];
  for (const c of smd) rows.push(await run(model, c));
  if (rows.length > 0) table(`SMD — ${model}`, rows);
  if (nab.length > 0) {
    const nabRows: Row[] = [];
    for (const c of nab) nabRows.push(await run(model, c));
    table(`NAB — ${model}`, nabRows);
  }
  if (rows.length > 0) {
    const r4 = (x: number) => Number(x.toFixed(4));
    results.push({
      model,
      f1_point: r4(mean(rows.map((r) => r.report.point.f1))),
      f1_pa: r4(mean(rows.map((r) => r.report.pa.f1))),
      pa_k_auc: r4(mean(rows.map((r) => r.report.oracle.paKAuc))),
      event_recall: r4(mean(rows.map((r) => r.report.events.recall))),
      bytes_ratio: r4(mean(rows.map((r) => r.report.edge.bytesRatio))),
      train_s: r4(mean(rows.map((r) => r.trainS))),
      score_rows_per_s: Math.round(mean(rows.map((r) => r.scoreRowsPerS))),
      score_rows_per_cpu_s: Math.round(mean(rows.map((r) => r.scoreRowsPerCpuS))),
      min_score_rows_per_s: Math.round(Math.min(...rows.map((r) => r.scoreRowsPerS))),
      f1_point_oracle: r4(mean(rows.map((r) => r.report.oracle.f1Point))),
      f1_pa_oracle: r4(mean(rows.map((r) => r.report.oracle.f1Pa))),
      pa_k_auc_at_threshold: r4(mean(rows.map((r) => r.report.paKAucAtThreshold))),
      hit_rate_150: r4(mean(rows.map((r) => r.report.hitRate150 ?? 0))),
      max_train_s: r4(Math.max(...rows.map((r) => r.trainS))),
      ...(model === 'vae' ? { min_epochs: Math.min(...rows.map((r) => r.epochs ?? 0)) } : {}),
    });
  }
}
console.log(JSON.stringify({ bench: 'anomaly', machines: smd.length, results }));
