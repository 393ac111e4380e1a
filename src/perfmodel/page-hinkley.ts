/**
 * Two-sided Page-Hinkley change detector (Page 1954; as in Gama et al., "A survey on concept drift
 * adaptation", 2014, and river's `PageHinkley`), incremental:
 *
 *   x̄_t = mean(x_1..x_t)
 *   up:   U_t = U_{t-1} + (x_t − x̄_t − δ),  alarm when U_t − min_{i≤t} U_i > λ   (the mean rose)
 *   down: D_t = D_{t-1} + (x_t − x̄_t + δ),  alarm when max_{i≤t} D_i − D_t > λ   (the mean fell)
 *
 * δ is the magnitude of change tolerated, λ the alarm threshold. No alarm before `minSamples`
 * observations. After an alarm the detector starts afresh (the new regime is the new normal).
 */

export interface PageHinkleyOptions {
  delta: number;
  lambda: number;
  minSamples: number;
}

export interface PageHinkleyAlarm {
  direction: 'up' | 'down';
  /** U − min U (up) or max D − D (down) when it fired. */
  statistic: number;
  /** Mean of the observations since the estimated change point (where U hit its min / D its max). */
  meanAfter: number;
  /** Mean of the observations before it. */
  meanBefore: number;
  /** How many observations since the estimated change point. */
  samplesAfter: number;
}

export interface PageHinkleyState {
  n: number;
  mean: number;
  up: number;
  upMin: number;
  down: number;
  downMax: number;
  sum: number;
  /** Sum and count of the observations since U's min / D's max. */
  upSince: [number, number];
  downSince: [number, number];
}

export const DEFAULT_PAGE_HINKLEY: PageHinkleyOptions = { delta: 0.05, lambda: 2, minSamples: 8 };

export class PageHinkley {
  private s: PageHinkleyState;

  constructor(
    readonly options: PageHinkleyOptions = DEFAULT_PAGE_HINKLEY,
    state?: PageHinkleyState,
  ) {
    this.s = state ?? PageHinkley.fresh();
  }

  static fresh(): PageHinkleyState {
    return {
      n: 0,
      mean: 0,
      up: 0,
      upMin: 0,
      down: 0,
      downMax: 0,
      sum: 0,
      upSince: [0, 0],
      downSince: [0, 0],
    };
  }

  /** Adds one observation; returns an alarm (and resets) when the mean has moved. */
  update(x: number): PageHinkleyAlarm | undefined {
    const s = this.s;
    const { delta, lambda, minSamples } = this.options;
    s.n += 1;
    s.sum += x;
    s.mean += (x - s.mean) / s.n;
    s.up += x - s.mean - delta;
    s.down += x - s.mean + delta;
    if (s.up < s.upMin) {
      s.upMin = s.up;
      s.upSince = [0, 0];
    } else s.upSince = [s.upSince[0] + x, s.upSince[1] + 1];
    if (s.down > s.downMax) {
      s.downMax = s.down;
      s.downSince = [0, 0];
    } else s.downSince = [s.downSince[0] + x, s.downSince[1] + 1];
    if (s.n < minSamples) return undefined;
    const upStat = s.up - s.upMin;
    const downStat = s.downMax - s.down;
    let alarm: PageHinkleyAlarm | undefined;
    if (upStat > lambda) alarm = this.alarm('up', upStat, s.upSince);
    else if (downStat > lambda) alarm = this.alarm('down', downStat, s.downSince);
    if (alarm) this.s = PageHinkley.fresh();
    return alarm;
  }

  private alarm(direction: 'up' | 'down', statistic: number, since: [number, number]): PageHinkleyAlarm {
    const [sumAfter, nAfter] = since;
    const nBefore = this.s.n - nAfter;
    return {
      direction,
      statistic,
      meanAfter: nAfter > 0 ? sumAfter / nAfter : NaN,
      meanBefore: nBefore > 0 ? (this.s.sum - sumAfter) / nBefore : NaN,
      samplesAfter: nAfter,
    };
  }

  state(): PageHinkleyState {
    return structuredClone(this.s);
  }
}
