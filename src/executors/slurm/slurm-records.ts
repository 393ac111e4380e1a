/**
 * What Slurm says about jobs, read from its three sources, into one record shape:
 * - `squeue --json` while the controller knows the job (until `MinJobAge` after its end);
 * - `sacct` afterwards, when accounting (slurmdbd) is on;
 * - the job completion log (`JobCompType=jobcomp/filetxt`, file `JobCompLoc`) when it is not.
 *
 * And how a Slurm end state maps onto Strata's attempt statuses (`outcomeOf`), so that the engine's
 * retry policy applies: NODE_FAIL, PREEMPTED and BOOT_FAIL are infrastructure losses (`lost`, retried
 * for free), TIMEOUT and DEADLINE are `timed-out`, OUT_OF_MEMORY and FAILED are `failed`.
 *
 * Pure: parses text it is given, never runs a command. Written against Slurm 22.05 (OpenAPI
 * v0.0.38 JSON); fields are read defensively, a record it cannot read is skipped, never guessed.
 */
import type { AttemptOutcome } from '../../model/index.js';
import { signalName } from '../process-tools.js';

/** One job, or one element of a job array, as Slurm reports it. */
export interface SlurmJobRecord {
  /** `123` for a plain job, `120_4` for element 4 of array 120 (what `scancel` takes). */
  key: string;
  state: string;
  reason: string;
  /** Epoch ms; null before it started. */
  startedAt: number | null;
  endedAt: number | null;
  exit: { code: number | null; signal: number | null };
  comment: string;
}

export type SqueueResult = { ok: true; jobs: SlurmJobRecord[] } | { ok: false; error: string };

const RUNNING_STATES = new Set(['RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'SUSPENDED', 'STOPPED']);
const END_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'REVOKED',
  'SPECIAL_EXIT',
]);

/** `RUNNING`, `COMPLETING+...`: the base state, upper case. */
/** The state without its flags or reason (`CANCELLED by 0` → `CANCELLED`), upper case. */
export function baseState(state: string): string {
  return (state.split(/[+ ]/)[0] ?? '').toUpperCase();
}

export function isRunningState(state: string): boolean {
  return RUNNING_STATES.has(baseState(state));
}

export function isEndState(state: string): boolean {
  return END_STATES.has(baseState(state));
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** Slurm times are epoch seconds; 0 means "not yet". */
const epochMs = (v: unknown): number | null => {
  const s = num(v);
  return s !== null && s > 0 ? s * 1000 : null;
};

/** Expands an array's pending index list (`1-3,7,9-15:2%4`) into indices. */
export function expandArrayIndices(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split('%')[0]!.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    const step = m[3] !== undefined ? Math.max(1, Number(m[3])) : 1;
    for (let i = from; i <= to && out.length < 1_000_000; i += step) out.push(i);
  }
  return out;
}

/**
 * Reads `squeue --json`. Slurm 22.05 exits 0 even when the controller cannot be reached, and puts
 * the failure in `errors`: that is a failed read, never an empty queue.
 */
export function parseSqueueJson(text: string): SqueueResult {
  let doc: Json | null;
  try {
    doc = obj(JSON.parse(text));
  } catch {
    return { ok: false, error: 'squeue printed no JSON' };
  }
  if (!doc) return { ok: false, error: 'squeue printed no JSON object' };
  const errors = Array.isArray(doc.errors) ? doc.errors : [];
  if (errors.length > 0) {
    const first = obj(errors[0]);
    return { ok: false, error: str(first?.description) || str(first?.error) || 'squeue reported an error' };
  }
  if (!Array.isArray(doc.jobs)) return { ok: false, error: 'squeue --json has no jobs list' };
  const jobs: SlurmJobRecord[] = [];
  for (const item of doc.jobs) {
    const j = obj(item);
    const jobId = num(j?.job_id);
    if (!j || jobId === null) continue;
    const raw = num(j.exit_code);
    const base: Omit<SlurmJobRecord, 'key'> = {
      state: str(j.job_state),
      reason: str(j.state_reason),
      startedAt: epochMs(j.start_time),
      endedAt: isEndState(str(j.job_state)) ? epochMs(j.end_time) : null,
      // A wait status: the exit code in bits 8-15, the signal in bits 0-6.
      exit:
        raw === null ? { code: null, signal: null } : { code: (raw >> 8) & 0xff, signal: raw & 0x7f || null },
      comment: str(j.comment),
    };
    const arrayJob = num(j.array_job_id) ?? 0;
    const arrayTask = num(j.array_task_id);
    const pendingTasks = str(j.array_task_string);
    if (arrayJob > 0 && arrayTask !== null) {
      jobs.push({ key: `${arrayJob}_${arrayTask}`, ...base });
    } else if (pendingTasks !== '') {
      // Elements not yet started are listed once, under the array's own id.
      for (const k of expandArrayIndices(pendingTasks)) jobs.push({ key: `${jobId}_${k}`, ...base });
    } else {
      jobs.push({ key: String(jobId), ...base });
    }
  }
  return { ok: true, jobs };
}

/** The `sacct` command line whose output `parseSacct` reads. */
export function sacctArgv(jobIds: readonly string[]): string[] {
  return [
    'sacct',
    '--parsable2',
    '--noheader',
    '--allocations',
    '--format=JobID,State,ExitCode,Start,End,Reason',
    `--jobs=${jobIds.join(',')}`,
  ];
}

/**
 * Reads `sacct --parsable2` lines (`264_0|FAILED|0:9|2026-11-22T03:37:53|...|None`): ended jobs from
 * the accounting database. Not `sacct --json`: Slurm 22.05 reports a job that exited 3 there as
 * `return_code: 0` (seen on this project's machine), while the text output says `3:0`.
 */
export function parseSacct(text: string): SlurmJobRecord[] {
  const out: SlurmJobRecord[] = [];
  for (const line of text.split('\n')) {
    const [key, state, exit, start, end, reason] = line.split('|');
    if (!key || !/^\d+(_\d+)?$/.test(key) || state === undefined) continue;
    const [code, signal] = (exit ?? '').split(':').map((v) => (/^\d+$/.test(v) ? Number(v) : null));
    out.push({
      key,
      state,
      reason: reason ?? '',
      startedAt: localTime(start),
      endedAt: localTime(end),
      exit: { code: code ?? null, signal: signal ? signal : null },
      comment: '',
    });
  }
  return out;
}

/** A local time as sacct and the job completion log write it (`2026-11-22T03:11:36`), in epoch ms. */
function localTime(text: string | undefined): number | null {
  if (!text || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** Reads lines of the job completion log (`JobId=5 ... JobState=COMPLETED ... ExitCode=3:0`). */
export function parseJobCompLines(text: string): SlurmJobRecord[] {
  const out: SlurmJobRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('JobId=')) continue;
    const fields = new Map<string, string>();
    // Values never hold spaces except in free text we do not read (names are sanitised by Strata).
    for (const m of line.matchAll(/(\w+)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
    const arrayJob = fields.get('ArrayJobId');
    const arrayTask = fields.get('ArrayTaskId');
    const [code, signal] = (fields.get('ExitCode') ?? '')
      .split(':')
      .map((v) => (/^\d+$/.test(v) ? Number(v) : null));
    out.push({
      key: arrayJob && arrayTask ? `${arrayJob}_${arrayTask}` : (fields.get('JobId') ?? ''),
      state: fields.get('JobState') ?? '',
      reason: '',
      startedAt: localTime(fields.get('StartTime')),
      endedAt: localTime(fields.get('EndTime')),
      exit: { code: code ?? null, signal: signal ? signal : null },
      comment: '',
    });
  }
  return out;
}

/** Why Strata stopped the job, when it did. */
export interface StopIntent {
  reason: 'cancelled' | 'timed-out';
  message: string;
}

/** Slurm end states that say what happened whatever the exit code: Strata's status, and why. */
const TELLING_END_STATES: ReadonlyMap<
  string,
  { status: AttemptOutcome['status']; why: string; outOfMemory?: true }
> = new Map([
  ['CANCELLED', { status: 'cancelled', why: 'cancelled outside Strata' }],
  ['TIMEOUT', { status: 'timed-out', why: "reached Slurm's time limit" }],
  ['DEADLINE', { status: 'timed-out', why: 'passed its deadline' }],
  ['NODE_FAIL', { status: 'lost', why: 'its node failed' }],
  ['PREEMPTED', { status: 'lost', why: 'preempted' }],
  ['BOOT_FAIL', { status: 'lost', why: 'its node failed to boot' }],
  ['REVOKED', { status: 'lost', why: 'revoked (it runs on another cluster)' }],
  ['OUT_OF_MEMORY', { status: 'failed', why: 'ran out of memory', outOfMemory: true }],
]);

/**
 * The Strata outcome of a job that ended. `stop` is set when Strata itself cancelled it (a cancel or
 * a timeout), so that a job Strata killed reads as what Strata meant, not as Slurm's CANCELLED.
 */
export function outcomeOf(record: SlurmJobRecord, stop: StopIntent | null, now: number): AttemptOutcome {
  const state = baseState(record.state);
  const startedAt = record.startedAt;
  const endedAt = Math.max(record.endedAt ?? now, startedAt ?? 0);
  const { code, signal } = record.exit;
  const base = {
    exitCode: signal === null ? code : null,
    signal: signal === null ? null : signalName(signal),
    startedAt,
    endedAt,
    cpuTimeMs: null,
    peakRssBytes: null,
  };
  const because = (what: string) =>
    `${what} (Slurm ${state}${record.reason && record.reason !== 'None' ? `, ${record.reason}` : ''})`;
  if (state === 'COMPLETED' && code === 0 && signal === null) return { status: 'succeeded', ...base };
  if (stop) return { status: stop.reason, ...base, message: stop.message };
  const known = TELLING_END_STATES.get(state);
  if (known) {
    const message = because(known.why);
    return known.outOfMemory
      ? { status: known.status, ...base, message, outOfMemory: true }
      : { status: known.status, ...base, message };
  }
  const how = signal !== null ? `killed by signal ${signalName(signal)}` : `exited with code ${String(code)}`;
  return { status: 'failed', ...base, message: state === 'FAILED' ? how : because(how) };
}
