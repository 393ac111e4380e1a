/**
 * Edge mode: a fitted detector over a live metric stream, as an edge agent hosts it. For every step
 * it emits a score; only when an alarm fires (a flagged step after at least `cooldown` quiet steps)
 * does it also send the raw window and the metrics that contribute most. It counts the bytes it
 * would send against shipping every raw metric, on the wire format below.
 *
 * Wire format (little-endian), batched per `batch` steps in both cases so that headers compare:
 *   scores  : 8-byte header (first step u32, count u32) + count × float16 score
 *   alarm   : 12-byte header (step u32, rows u16, cols u16, k u16, pad u16)
 *             + rows × cols × float32 raw values + k × (metric u16 + float32 contribution)
 *   raw     : 8-byte header + count × cols × float32 (the reference: shipping the metrics)
 * Scores and alarms match `FittedDetector.score` + `streamingThresholds` over the same series
 * (same padding of the first window, same moving average, same threshold state).
 */
import type { FittedDetector } from './detector.js';
import { StreamingPot } from './pot-threshold.js';
import type { StreamingPotOptions } from './pot-threshold.js';

export interface EdgeAlarm {
  step: number;
  score: number;
  threshold: number;
  /** The raw window (window × cols, oldest first). */
  window: Float32Array;
  /** Metrics (0-based) with the largest contributions, largest first. */
  top: Array<{ metric: number; contribution: number }>;
}

export interface EdgeStep {
  step: number;
  score: number;
  flagged: boolean;
  alarm?: EdgeAlarm;
}

export interface EdgeOptions extends StreamingPotOptions {
  /** Metrics reported with an alarm (default 5). */
  topK?: number;
  /** Quiet steps before a new flag fires a new alarm (default 60). */
  cooldown?: number;
  /** Steps per score batch on the wire (default 60). */
  batch?: number;
  /** EMA span applied to scores (default: the detector's own, e.g. the VAE's `smooth`). */
  smooth?: number;
}

export class EdgeMonitor {
  private readonly rows: Float32Array;
  private readonly contributions: Float32Array;
  private readonly pot: StreamingPot;
  private readonly alpha: number;
  private readonly topK: number;
  private readonly cooldown: number;
  private readonly batch: number;
  private step = 0;
  private ema = 0;
  private quiet = Infinity;
  private bytesSent = 0;
  private bytesRaw = 0;
  alarms = 0;

  constructor(
    readonly detector: FittedDetector,
    calibration: ArrayLike<number>,
    options: EdgeOptions = {},
  ) {
    this.rows = new Float32Array(detector.window * detector.cols);
    this.contributions = new Float32Array(detector.cols);
    this.pot = new StreamingPot(calibration, options);
    const span = options.smooth ?? smoothOf(detector);
    this.alpha = span > 1 ? 2 / (span + 1) : 1;
    this.topK = Math.min(options.topK ?? 5, detector.cols);
    this.cooldown = options.cooldown ?? 60;
    this.batch = options.batch ?? 60;
  }

  /** Takes the next step's raw metrics (cols values) and says what the edge would send. */
  push(values: ArrayLike<number>): EdgeStep {
    const { cols, window } = this.detector;
    if (this.step === 0) for (let k = 0; k < window; k++) this.rows.set(values, k * cols);
    else {
      this.rows.copyWithin(0, cols);
      this.rows.set(values, (window - 1) * cols);
    }
    const raw = this.detector.scoreWindow(this.rows, this.contributions);
    this.ema = this.step === 0 ? raw : this.alpha * raw + (1 - this.alpha) * this.ema;
    const score = Math.fround(this.ema);
    const threshold = this.pot.threshold;
    const flagged = this.pot.push(score);
    const step = this.step++;
    // Bytes: a batch header when a batch opens, then the step's share.
    if (step % this.batch === 0) {
      this.bytesSent += 8;
      this.bytesRaw += 8;
    }
    this.bytesSent += 2;
    this.bytesRaw += 4 * cols;
    const out: EdgeStep = { step, score, flagged };
    if (flagged && this.quiet >= this.cooldown) {
      const top = Array.from(this.contributions, (contribution, metric) => ({ metric, contribution }))
        .sort((a, b) => b.contribution - a.contribution || a.metric - b.metric)
        .slice(0, this.topK);
      out.alarm = { step, score, threshold, window: Float32Array.from(this.rows), top };
      this.bytesSent += 12 + this.rows.length * 4 + top.length * 6;
      this.alarms++;
    }
    this.quiet = flagged ? 0 : this.quiet + 1;
    return out;
  }

  /** Bytes sent so far over bytes of shipping the raw metrics. */
  get bytesRatio(): number {
    return this.bytesRaw > 0 ? this.bytesSent / this.bytesRaw : 0;
  }

  get bytes(): { sent: number; raw: number } {
    return { sent: this.bytesSent, raw: this.bytesRaw };
  }
}

function smoothOf(d: FittedDetector): number {
  const s = (d as { smooth?: unknown }).smooth;
  return typeof s === 'number' ? s : 1;
}
