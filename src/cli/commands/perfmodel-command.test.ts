import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNoiseCsv, PerfmodelError } from '../../perfmodel/index.js';
import {
  loadNoise,
  loadTraces,
  parseModels,
  perfmodelReport,
  toJson,
  tracePaths,
} from './perfmodel-command.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures');
const WFC = join(FIXTURES, 'wfcommons');
const PM = join(FIXTURES, 'perfmodel');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return undefined;
}

describe('strata perfmodel eval: inputs', () => {
  it('expands a directory to its instances, skipping the schema, and keeps files as given', () => {
    const paths = tracePaths([WFC]);
    expect(paths.map((p) => p.split('/').pop())).toEqual([
      'handmade-diamond-1.4.json',
      'helloworld-chain-5-chameleon.json',
      'sarek-dirt02-001.json',
      'srasearch-chameleon-10a-001.json',
    ]);
    expect(tracePaths([join(WFC, 'sarek-dirt02-001.json')])).toHaveLength(1);
  });

  it('says what is wrong with the traces, with stable codes', () => {
    expect(codeOf(() => tracePaths([]))).toBe('PERFMODEL_NO_TRACES');
    expect(codeOf(() => tracePaths([join(WFC, 'nope.json')]))).toBe('PERFMODEL_NO_TRACES');
    expect(codeOf(() => tracePaths([join(PM, 'noise')]))).toBe('PERFMODEL_NO_TRACES');
    expect(codeOf(() => loadTraces([join(PM, 'no-execution-1.5.json')]))).toBe('PERFMODEL_NO_RUNTIMES');
    expect(codeOf(() => loadTraces([join(PM, 'README.md')]))).toBe('SPEC_INVALID');
    expect(codeOf(() => parseModels('ensemble,magic'))).toBe('PERFMODEL_UNKNOWN_MODEL');
    expect(parseModels('all')).toEqual(['mean', 'median', 'last', 'lotaru', 'ensemble']);
    try {
      tracePaths([join(WFC, 'nope.json')]);
    } catch (e) {
      expect(e).toBeInstanceOf(PerfmodelError);
      expect((e as PerfmodelError).hint).toMatch(/path/);
      expect((e as { exitCode?: number }).exitCode).toBe(2);
    }
  });

  it('reads the noise series sorted by start time, and points at the line of a bad row', () => {
    const { before, after } = loadNoise(join(PM, 'noise'));
    expect(before).toHaveLength(48);
    expect(after[0]).toBeCloseTo(8205, -2);
    const csv = 'value,runtime,starttime,VM_id\n10,1,2024-01-01 00:00:02.5,0\n20,1,2024-01-01 00:00:01,0\n';
    expect(parseNoiseCsv(csv, 'x.csv').map((s) => s.value)).toEqual([20, 10]);
    expect(codeOf(() => parseNoiseCsv('a,b\n1,2\n', 'x.csv'))).toBe('PERFMODEL_BAD_NOISE_CSV');
    const bad = (): unknown => parseNoiseCsv('value,runtime,starttime,VM_id\n10,1,yesterday,0\n', 'x.csv');
    expect(codeOf(bad)).toBe('PERFMODEL_BAD_NOISE_CSV');
    expect(() => bad()).toThrow(/x\.csv:2/);
    expect(codeOf(() => loadNoise(WFC))).toBe('PERFMODEL_BAD_NOISE_CSV');
  });
});

describe('strata perfmodel eval: report', () => {
  it('evaluates any WfFormat file (1.4 and 1.5, Pegasus and Nextflow) and serialises NaN as null', () => {
    const report = perfmodelReport(loadTraces(tracePaths([WFC])), ['median', 'ensemble']);
    expect(report.order).toBe('topological');
    expect(report.online.instances).toHaveLength(4);
    const json = JSON.parse(toJson(report)) as { online: { instances: Array<{ models: unknown[] }> } };
    expect(json.online.instances[0]?.models).toHaveLength(3); // 2 models + the max-seen rule
    expect(toJson({ x: NaN })).toContain('null');
  });
});

describe('strata perfmodel (the built CLI)', () => {
  it('prints the evaluation as JSON, and a coded error with a hint and exit code 2 for a missing trace', async () => {
    const { runCli } = await import('../../../test/strata-cli.js');
    const ok = await runCli(
      [
        'perfmodel',
        'eval',
        '--traces',
        join(WFC, 'srasearch-chameleon-10a-001.json'),
        '--models',
        'median,ensemble',
        '--json',
      ],
      FIXTURES,
    );
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { online: { pooled: Array<{ model: string; tasks: number }> } };
    expect(report.online.pooled.map((s) => s.model)).toEqual(['median', 'ensemble', 'max-seen×1.2']);
    expect(report.online.pooled[1]?.tasks).toBeGreaterThan(10);
    const bad = await runCli(['perfmodel', 'eval', '--traces', 'nope.json'], FIXTURES);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error PERFMODEL_NO_TRACES: --traces: nope\.json does not exist\n {2}hint: /);
  });
});
