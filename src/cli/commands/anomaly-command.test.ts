/** `strata anomaly eval` end to end: the built CLI on the SMD fixture slice, and on broken inputs. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreEdgeBundle } from '../../anomaly/index.js';
import { FIXTURES } from '../../anomaly/testing/fixture.js';
import { runCli } from '../../../test/strata-cli.js';

const fx = (name: string) => join(FIXTURES, name);
const smdArgs = [
  '--train',
  fx('smd-train.csv'),
  '--test',
  fx('smd-test.csv.gz'),
  '--labels',
  fx('smd-labels.txt'),
  '--interpretation',
  fx('smd-interpretation.txt'),
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-anomaly-'));
});

describe('strata anomaly eval', () => {
  it('evaluates the baselines on an SMD-layout case (gzip test file) and reports every metric', async () => {
    const r = await runCli(['anomaly', 'eval', ...smdArgs, '--model', 'pca,robust-z,random', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as Array<
      Record<string, unknown> & { model: string; events: { events: number } }
    >;
    expect(reports.map((x) => x.model)).toEqual(['pca', 'robust-z', 'random']);
    for (const rep of reports) {
      expect(rep).toMatchObject({
        rows: 300,
        point: { f1: expect.any(Number) },
        pa: { f1: expect.any(Number) },
      });
      expect(rep.events.events).toBe(1);
      expect(rep.hitRate150).toEqual(expect.any(Number));
      expect(rep.edge).toMatchObject({ bytesRatio: expect.any(Number) });
    }
    // PCA ranks the fixture's one anomaly well above chance; random does not.
    const oracle = (m: string) => (reports.find((x) => x.model === m)!.oracle as { f1Point: number }).f1Point;
    expect(oracle('pca')).toBeGreaterThan(0.5);
    expect(oracle('random')).toBeLessThan(oracle('pca'));
  });

  it('trains the VAE briefly, prints a table, and saves an edge bundle that restores', async () => {
    const bundle = join(dir, 'vae.json');
    const r = await runCli(['anomaly', 'eval', ...smdArgs, '--epochs', '2', '--save-model', bundle], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model\s+case\s+F1/);
    expect(r.stdout).toMatch(/\nvae\s+/);
    const restored = restoreEdgeBundle(JSON.parse(readFileSync(bundle, 'utf8')));
    expect(restored.detector.model).toBe('vae');
    expect(restored.calibration.length).toBe(80);
  }, 60_000);

  it('reads any file of the layout, e.g. a plain CSV with a header', async () => {
    const rows = (n: number, f: (t: number) => number) =>
      Array.from({ length: n }, (_, t) => `${f(t).toFixed(3)},${(0.5 + 0.1 * Math.cos(t)).toFixed(3)}`).join(
        '\n',
      );
    writeFileSync(join(dir, 'tr.csv'), `cpu,mem\n${rows(300, (t) => 0.5 + 0.1 * Math.sin(t))}\n`);
    writeFileSync(
      join(dir, 'te.csv'),
      `cpu,mem\n${rows(100, (t) => (t >= 50 && t < 55 ? 3 : 0.5 + 0.1 * Math.sin(t)))}\n`,
    );
    writeFileSync(
      join(dir, 'te.labels'),
      Array.from({ length: 100 }, (_, t) => (t >= 50 && t < 55 ? 1 : 0)).join('\n'),
    );
    const r = await runCli(
      [
        'anomaly',
        'eval',
        '--train',
        'tr.csv',
        '--test',
        'te.csv',
        '--labels',
        'te.labels',
        '--model',
        'robust-z',
        '--json',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { events: { detected: number }; hitRate150: null };
    expect(rep.events.detected).toBe(1);
    expect(rep.hitRate150).toBeNull();
  });
});

describe('strata anomaly eval on bad input', () => {
  const testText = gunzipSync(readFileSync(fx('smd-test.csv.gz'))).toString();

  async function fails(files: { test?: string; labels?: string }, extra: string[] = []) {
    const args = ['anomaly', 'eval', '--train', fx('smd-train.csv')];
    args.push(
      '--test',
      files.test ?? fx('smd-test.csv.gz'),
      '--labels',
      files.labels ?? fx('smd-labels.txt'),
    );
    const r = await runCli([...args, '--model', 'pca', ...extra], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    return r.stderr;
  }

  it('a ragged row: file:line, the field count, how to fix', async () => {
    const lines = testText.trim().split('\n');
    lines[41] = lines[41]!.split(',').slice(0, 37).join(',');
    writeFileSync(join(dir, 'ragged.csv'), lines.join('\n'));
    const err = await fails({ test: join(dir, 'ragged.csv') });
    expect(err).toContain(
      `error ANOMALY_RAGGED_ROW: ${join(dir, 'ragged.csv')}:42: 37 fields, expected 38 (as on line 1)`,
    );
    expect(err).toMatch(/hint: every row needs one value per metric/);
  });

  it('a NaN: file:line, column and metric', async () => {
    const lines = testText.trim().split('\n');
    const f = lines[9]!.split(',');
    f[4] = 'NaN';
    lines[9] = f.join(',');
    writeFileSync(join(dir, 'nan.csv'), lines.join('\n'));
    expect(await fails({ test: join(dir, 'nan.csv') })).toContain(
      `error ANOMALY_BAD_VALUE: ${join(dir, 'nan.csv')}:10, column 5 (metric 5): "NaN" is not a finite number`,
    );
  });

  it('a label file of the wrong length', async () => {
    writeFileSync(join(dir, 'short.txt'), '0\n'.repeat(299));
    expect(await fails({ labels: join(dir, 'short.txt') })).toContain(
      `error ANOMALY_LABEL_LENGTH: ${join(dir, 'short.txt')}: 299 labels, but ${fx('smd-test.csv.gz')} has 300 rows`,
    );
  });

  it('an unknown model, a missing file, missing options', async () => {
    expect(await fails({}, ['--model', 'lstm'])).toContain(
      'error ANOMALY_UNKNOWN_MODEL: unknown model "lstm"',
    );
    expect(await fails({ test: join(dir, 'nope.csv') })).toContain(
      'error ANOMALY_FILE_UNREADABLE: cannot read the test file',
    );
    const r = await runCli(['anomaly', 'eval', '--train', fx('smd-train.csv')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error BAD_OPTION: missing --test, --labels');
  });
});
