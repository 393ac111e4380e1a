import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandArrayIndices,
  isEndState,
  isRunningState,
  outcomeOf,
  parseJobCompLines,
  parseSacct,
  parseSqueueJson,
  sacctArgv,
  type SlurmJobRecord,
} from './slurm-records.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, 'testing', 'fixtures', name), 'utf8');

describe('parseSqueueJson (real Slurm 22.05 output)', () => {
  it('reads plain jobs, running array elements and pending elements listed once', () => {
    const result = parseSqueueJson(fixture('squeue-22.05.json'));
    if (!result.ok) throw new Error(result.error);
    expect(result.jobs.map((j) => [j.key, j.state])).toEqual([
      ['116', 'FAILED'],
      ['117_0', 'RUNNING'],
      ['117_1', 'RUNNING'],
      ['117_2', 'PENDING'],
      ['117_3', 'PENDING'],
    ]);
    const failed = result.jobs[0]!;
    expect(failed.exit).toEqual({ code: 3, signal: null }); // wait status 768
    expect(failed.startedAt).toBe(1795318086000);
    expect(failed.comment).toBe('strata tok1 wf-a/ 1/1');
    // A running job's end_time is a forecast, not an end.
    expect(result.jobs[1]!.endedAt).toBeNull();
    expect(result.jobs[3]!.startedAt).toBeNull();
  });

  it('reads an unreachable controller as a failed read, never as an empty queue (squeue exits 0)', () => {
    const result = parseSqueueJson(fixture('squeue-22.05-controller-down.json'));
    expect(result).toEqual({ ok: false, error: 'Failed while looking for jobs' });
  });

  it('refuses what is not squeue JSON', () => {
    expect(parseSqueueJson('').ok).toBe(false);
    expect(parseSqueueJson('[]').ok).toBe(false);
    expect(parseSqueueJson('{"errors":[]}').ok).toBe(false);
  });

  it('expands array index lists, with steps and throttles', () => {
    expect(expandArrayIndices('1-3,7')).toEqual([1, 2, 3, 7]);
    expect(expandArrayIndices('0-8:4%2')).toEqual([0, 4, 8]);
    expect(expandArrayIndices('5')).toEqual([5]);
  });
});

describe('parseJobCompLines (real job completion log)', () => {
  it('reads state, exit code and times of plain jobs and array elements', () => {
    const records = parseJobCompLines(fixture('jobcomp-22.05.txt'));
    expect(records.map((r) => [r.key, r.state, r.exit.code, r.exit.signal])).toEqual([
      ['1', 'FAILED', 3, null],
      ['2_0', 'COMPLETED', 0, null],
      ['2_3', 'COMPLETED', 0, null],
    ]);
    expect(records[0]!.startedAt).toBe(new Date('2026-11-22T03:11:36').getTime());
  });
});

describe('parseSacct (real sacct --parsable2 output of Slurm 22.05 with slurmdbd)', () => {
  it('reads exit codes, signals, array elements and times', () => {
    const records = parseSacct(fixture('sacct-22.05.txt'));
    expect(records.map((r) => [r.key, r.state, r.exit.code, r.exit.signal])).toEqual([
      ['263', 'FAILED', 3, null],
      ['264_0', 'FAILED', 0, 9],
      ['264_1', 'FAILED', 0, 9],
    ]);
    expect(records[0]!.startedAt).toBe(new Date('2026-11-22T03:37:53').getTime());
    expect(parseSacct('sacct: error: Slurm accounting storage is disabled\n')).toEqual([]);
  });

  it('asks sacct for allocations only, in that format', () => {
    expect(sacctArgv(['5', '6_1'])).toEqual([
      'sacct',
      '--parsable2',
      '--noheader',
      '--allocations',
      '--format=JobID,State,ExitCode,Start,End,Reason',
      '--jobs=5,6_1',
    ]);
  });
});

describe('outcomeOf: Slurm end states onto Strata statuses (and so onto its retry policy)', () => {
  const record = (
    state: string,
    code = 0,
    signal: number | null = null,
    reason = 'None',
  ): SlurmJobRecord => ({
    key: '7',
    state,
    reason,
    startedAt: 1000,
    endedAt: 5000,
    exit: { code, signal },
    comment: '',
  });
  const status = (r: SlurmJobRecord) => outcomeOf(r, null, 9999).status;

  it.each([
    ['COMPLETED', 'succeeded'],
    ['NODE_FAIL', 'lost'],
    ['PREEMPTED', 'lost'],
    ['BOOT_FAIL', 'lost'],
    ['TIMEOUT', 'timed-out'],
    ['DEADLINE', 'timed-out'],
    ['OUT_OF_MEMORY', 'failed'],
    ['CANCELLED', 'cancelled'],
  ] as const)('%s is %s', (state, expected) => {
    expect(status(record(state))).toBe(expected);
  });

  it('reads a failure with its exit code, or its signal', () => {
    expect(outcomeOf(record('FAILED', 3), null, 0)).toMatchObject({
      status: 'failed',
      exitCode: 3,
      signal: null,
      message: 'exited with code 3',
      startedAt: 1000,
      endedAt: 5000,
    });
    expect(outcomeOf(record('FAILED', 0, 9), null, 0)).toMatchObject({
      status: 'failed',
      exitCode: null,
      signal: 'SIGKILL',
    });
  });

  it('names the Slurm state and reason in the message of an infrastructure loss', () => {
    expect(outcomeOf(record('NODE_FAIL', 0, null, 'NodeDown'), null, 0).message).toBe(
      'its node failed (Slurm NODE_FAIL, NodeDown)',
    );
  });

  it('reports a job Strata stopped as what Strata meant, unless it completed first', () => {
    const timedOut = { reason: 'timed-out' as const, message: 'timed out after 500 ms' };
    expect(outcomeOf(record('CANCELLED', 0, 15), timedOut, 0)).toMatchObject({
      status: 'timed-out',
      message: 'timed out after 500 ms',
    });
    expect(outcomeOf(record('COMPLETED'), timedOut, 0).status).toBe('succeeded');
  });

  it('tells running states from end states', () => {
    expect(isRunningState('RUNNING')).toBe(true);
    expect(isRunningState('COMPLETING')).toBe(true);
    expect(isRunningState('PENDING')).toBe(false);
    expect(isEndState('PENDING')).toBe(false);
    expect(isEndState('CANCELLED+')).toBe(true);
  });
});
