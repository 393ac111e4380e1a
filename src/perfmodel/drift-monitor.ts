/**
 * Drift detection per node type: a Page-Hinkley test on the log residuals log(actual / typical) of
 * every runtime observed there, `typical` being the prediction's slow-moving median for the task
 * type on that node (Prediction.runtime.typical). When a node type's runtimes move away from the predictions (a
 * slower VM size behind the same name, burstable credits exhausted, a noisy neighbour) it emits a
 * `DriftEvent` — a plain object for the scheduler (treat the node's estimates as stale) and the
 * dashboard — and the caller asks the predictor to `refit` that node type.
 *
 * @example
 * const monitor = new DriftMonitor();
 * const p = predictor.predict(task, node);
 * predictor.observe(task, node, outcome);
 * const event = monitor.observe(node.id, p.runtime.typical, outcome.runtimeS, nowS);
 * if (event) { predictor.refit(event.nodeType); publish(event); }
 */
import { PageHinkley } from './page-hinkley.js';
import type { PageHinkleyOptions } from './page-hinkley.js';

export interface DriftEvent {
  kind: 'perfmodel.drift';
  nodeType: string;
  /** Runtimes became longer (`slower`) or shorter (`faster`) than predicted. */
  direction: 'slower' | 'faster';
  /** How many runtimes of this node type the monitor had seen when it fired (1-based). */
  observation: number;
  /** The caller's time of the observation that fired it (seconds), if given. */
  atS?: number;
  /**
   * About how much longer (> 1) or shorter runtimes have been than typical since the estimated change
   * point: exp of the mean residual (from the clipped, standardised residuals, so an approximation).
   */
  ratioAfter: number;
  /** The same before the change point. */
  ratioBefore: number;
  /** Page-Hinkley statistic and threshold. */
  statistic: number;
  threshold: number;
}

/**
 * Residuals are standardised before the test: divided by the node type's typical absolute residual
 * (the mean over its first `warmup` residuals, then an exponentially weighted mean, α = 0.02) and
 * clipped to ±3. Real task runtimes are heavy-tailed and their spread differs a lot between
 * workflows; raw log residuals made Page-Hinkley fire on noise (hundreds of alarms on unchanged
 * WfCommons runs), standardised ones let one δ and λ hold across workflows.
 */
export const DRIFT_DETECTOR: PageHinkleyOptions = { delta: 0.3, lambda: 25, minSamples: 10 };
const WARMUP = 10;
const SCALE_ALPHA = 0.02;
const CLIP = 3;

interface NodeState {
  ph: PageHinkley;
  n: number;
  scale: number;
}

export class DriftMonitor {
  private readonly nodes = new Map<string, NodeState>();

  constructor(readonly options: PageHinkleyOptions = DRIFT_DETECTOR) {}

  /** One runtime; returns an event when this node type has drifted. Ignores non-positive values. */
  observe(nodeType: string, predictedS: number, actualS: number, atS?: number): DriftEvent | undefined {
    if (!(predictedS > 0 && actualS > 0 && Number.isFinite(predictedS) && Number.isFinite(actualS)))
      return undefined;
    let st = this.nodes.get(nodeType);
    if (!st) this.nodes.set(nodeType, (st = { ph: new PageHinkley(this.options), n: 0, scale: 0 }));
    st.n += 1;
    const r = Math.log(actualS / predictedS);
    if (st.n <= WARMUP) {
      st.scale += (Math.abs(r) - st.scale) / st.n;
      return undefined;
    }
    const scale = st.scale > 1e-9 ? st.scale : 1;
    const z = Math.max(-CLIP, Math.min(CLIP, r / scale));
    st.scale = (1 - SCALE_ALPHA) * st.scale + SCALE_ALPHA * Math.abs(r);
    const alarm = st.ph.update(z);
    if (!alarm) return undefined;
    const n = st.n;
    return {
      kind: 'perfmodel.drift',
      nodeType,
      direction: alarm.direction === 'up' ? 'slower' : 'faster',
      observation: n,
      ...(atS !== undefined ? { atS } : {}),
      ratioAfter: Math.exp(alarm.meanAfter * scale),
      ratioBefore: Math.exp(alarm.meanBefore * scale),
      statistic: alarm.statistic,
      threshold: this.options.lambda,
    };
  }
}
