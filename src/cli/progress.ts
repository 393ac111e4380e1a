/**
 * The live progress line of `strata run`: done/running/failed counts, rate and ETA. A real bar
 * (cli-progress) on a terminal; on a pipe or in CI, a plain line when the counts change, at most
 * every few seconds, so that logs stay readable.
 */
import cliProgress from 'cli-progress';
import type { WorkflowView } from '../engine/strata-api.js';
import type { TaskState } from '../model/index.js';

const PLAIN_INTERVAL_MS = 5000;

export class Progress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly total: number;
  private readonly startedAt = Date.now();
  private readonly startDone: number;
  private lastPlain = 0;
  private lastLine = '';

  constructor(wf: WorkflowView, options: { bar: boolean }) {
    this.total = wf.taskCount;
    this.startDone = finished(wf.counts);
    if (options.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${wf.name} {bar} {value}/{total} | {running} running | {failedText} | {rate}/s | ETA {etaText}`,
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          barsize: 30,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, this.startDone, this.payload(wf.counts));
    } else {
      this.bar = null;
      process.stderr.write(`${wf.id} ${wf.name}: ${this.total} tasks\n`);
    }
  }

  update(counts: Record<TaskState, number>): void {
    const done = finished(counts);
    if (this.bar) {
      this.bar.update(done, this.payload(counts));
      return;
    }
    const p = this.payload(counts);
    const line = `${done}/${this.total} done, ${p.running} running, ${p.failedText}, ${p.rate}/s, ETA ${p.etaText}`;
    const now = Date.now();
    if (line !== this.lastLine && (now - this.lastPlain >= PLAIN_INTERVAL_MS || done === this.total)) {
      process.stderr.write(`${line}\n`);
      this.lastPlain = now;
      this.lastLine = line;
    }
  }

  note(message: string): void {
    if (this.bar) this.bar.stop();
    process.stderr.write(`${message}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }

  private payload(counts: Record<TaskState, number>) {
    const done = finished(counts);
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const rate = elapsed > 0 ? (done - this.startDone) / elapsed : 0;
    const left = this.total - done;
    const eta = rate > 0 ? left / rate : NaN;
    const failed = counts.failed + counts['upstream-failed'];
    return {
      running: counts.running + counts.queued,
      failedText: `${failed} failed`,
      rate: rate >= 10 ? Math.round(rate).toString() : rate.toFixed(1),
      etaText: left === 0 ? '0s' : Number.isFinite(eta) ? `${Math.ceil(eta)}s` : '-',
    };
  }
}

function finished(c: Record<TaskState, number>): number {
  return c.succeeded + c.failed + c.cancelled + c['upstream-failed'];
}
