/**
 * Trains the VAE detector with tfjs-core on the wasm backend (no native code: tfjs-node
 * cannot install here nor on offline edge nodes), then hands its weights to the plain-TypeScript
 * scorer of src/anomaly/vae-detector.ts. Lives outside the pure anomaly layer because tfjs's wasm
 * loader reads files and the clock; the training itself is deterministic given `seed`.
 *
 * Holds out the last `validation` fraction of the training series: the VAE never sees it, and its
 * reconstruction errors there give the per-metric error variance and the scores the threshold is
 * calibrated on (scores of training windows themselves would be optimistic).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { AnomalyError } from '../anomaly/anomaly-error.js';
import type { Detector, FittedDetector } from '../anomaly/detector.js';
import type { MetricMatrix } from '../anomaly/metric-matrix.js';
import { fitNormaliser, normaliseAll } from '../anomaly/normaliser.js';
import { Mulberry32 } from '../model/index.js';
import { FittedVae, VAE_WEIGHT_NAMES, vaeWeightSizes } from '../anomaly/vae-detector.js';
import type { VaeShape, VaeWeights } from '../anomaly/vae-detector.js';
import { registerVaeGradients } from './tf-gradients.js';

export interface VaeTrainOptions {
  window?: number;
  proj?: number;
  hidden?: number;
  latent?: number;
  epochs?: number;
  batch?: number;
  learningRate?: number;
  /** Weight of the KL term (β-VAE); small keeps reconstructions sharp. */
  beta?: number;
  /** Train on every `stride`-th window (1: all). */
  stride?: number;
  /** Fraction of the training series held out for error variances and calibration. */
  validation?: number;
  /** EMA span of scores, in steps. */
  smooth?: number;
  /** Stop training after this many seconds, whatever `epochs` says (a budget, not a target). */
  maxSeconds?: number;
  seed?: number;
  /** Called after each epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

export const VAE_DEFAULTS = {
  window: 10,
  proj: 16,
  hidden: 32,
  latent: 8,
  epochs: 20,
  batch: 256,
  learningRate: 2e-3,
  beta: 0.1,
  stride: 1,
  validation: 0.2,
  smooth: 5,
  maxSeconds: 45,
  seed: 1,
} as const;

let backendReady: Promise<void> | undefined;

/** Selects the wasm backend, and registers the gradients training needs, once per process. */
export function useWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    registerVaeGradients();
    await tf.setBackend('wasm');
    await tf.ready();
  })();
  return backendReady;
}

/** The VAE as a `Detector`: `fit` trains with tfjs and returns the plain-TS scorer. */
export class VaeDetector implements Detector {
  readonly model = 'vae' as const;
  /** Seconds the last `fit` spent training, and epochs it completed (the time budget may cut them). */
  lastTrainSeconds = 0;
  lastEpochs = 0;

  constructor(readonly options: VaeTrainOptions = {}) {}

  async fit(train: MetricMatrix): Promise<FittedDetector> {
    const o: Required<Omit<VaeTrainOptions, 'onEpoch'>> & VaeTrainOptions = {
      ...VAE_DEFAULTS,
      ...this.options,
    };
    await useWasmBackend();
    const { cols } = train;
    const shape: VaeShape = { cols, window: o.window, proj: o.proj, hidden: o.hidden, latent: o.latent };
    const cut = Math.floor(train.rows * (1 - o.validation));
    if (cut < o.window + 1) {
      throw new AnomalyError(
        'ANOMALY_TOO_SHORT',
        `the training series has ${train.rows} rows: the VAE needs at least ${Math.ceil((o.window + 1) / (1 - o.validation))} ` +
          `(windows of ${o.window} steps in the first ${Math.round((1 - o.validation) * 100)} %, the rest held out)`,
        'give a longer training series (SMD machines have about 23,700), or use --model pca or robust-z',
      );
    }
    const fitPart: MetricMatrix = { ...train, rows: cut, values: train.values.subarray(0, cut * cols) };
    const normaliser = fitNormaliser(fitPart);
    const norm = normaliseAll(normaliser, train);
    const rng = new Mulberry32(o.seed);
    const started = performance.now();

    // Parameters, Glorot-uniform from the seed.
    const sizes = vaeWeightSizes(shape);
    const fanIn: Record<string, [number, number]> = {
      Wp: [cols, o.proj],
      We: [o.window * o.proj, o.hidden],
      Wm: [o.hidden, o.latent],
      Ws: [o.hidden, o.latent],
      Wg: [o.latent, o.hidden],
      Wf: [o.hidden, o.window * o.proj],
      Wo: [o.proj, cols],
    };
    const vars: Record<string, tf.Variable> = {};
    const init = (name: string, n: number, shapeOf: number[]) => {
      const dims = fanIn[name];
      const data = new Float32Array(n);
      if (dims) {
        const lim = Math.sqrt(6 / (dims[0] + dims[1]));
        for (let i = 0; i < n; i++) data[i] = (rng.next() * 2 - 1) * lim;
      }
      vars[name] = tf.variable(tf.tensor(data, shapeOf), true, name);
    };
    init('Wp', sizes.Wp, [cols, o.proj]);
    init('bp', sizes.bp, [o.proj]);
    init('We', sizes.We, [o.window * o.proj, o.hidden]);
    init('be', sizes.be, [o.hidden]);
    init('Wm', sizes.Wm, [o.hidden, o.latent]);
    init('bm', sizes.bm, [o.latent]);
    init('Ws', o.hidden * o.latent, [o.hidden, o.latent]);
    init('bs', o.latent, [o.latent]);
    init('Wg', sizes.Wg, [o.latent, o.hidden]);
    init('bg', sizes.bg, [o.hidden]);
    init('Wf', sizes.Wf, [o.hidden, o.window * o.proj]);
    init('bf', sizes.bf, [o.window * o.proj]);
    init('Wo', sizes.Wo, [o.proj, cols]);
    init('bo', sizes.bo, [cols]);
    const v = (n: string) => vars[n]!;

    // Training windows from the fitted part only, every `stride`-th.
    const starts: number[] = [];
    for (let s = 0; s + o.window <= cut; s += o.stride) starts.push(s);
    o.batch = Math.min(o.batch, starts.length);
    const optimizer = tf.train.adam(o.learningRate);
    const batchX = new Float32Array(o.batch * o.window * cols);
    const epsData = new Float32Array(o.batch * o.latent);
    this.lastEpochs = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      // Seeded Fisher–Yates: tf.util.shuffle would draw from Math.random.
      for (let i = starts.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [starts[i], starts[j]] = [starts[j]!, starts[i]!];
      }
      let total = 0;
      let batches = 0;
      for (let b = 0; b + o.batch <= starts.length; b += o.batch) {
        for (let k = 0; k < o.batch; k++) {
          const s = starts[b + k]!;
          batchX.set(norm.subarray(s * cols, (s + o.window) * cols), k * o.window * cols);
        }
        for (let i = 0; i < epsData.length; i++) epsData[i] = rng.normal();
        const loss = optimizer.minimize(
          () =>
            tf.tidy(() => {
              // Free functions, not chained methods (x.reshape): tfjs-core alone does not add those to Tensor.
              const x = tf.tensor3d(batchX, [o.batch, o.window, cols]);
              const e = tf.relu(
                tf.add(tf.matMul(tf.reshape(x, [o.batch * o.window, cols]), v('Wp')), v('bp')),
              );
              const h = tf.relu(
                tf.add(tf.matMul(tf.reshape(e, [o.batch, o.window * o.proj]), v('We')), v('be')),
              );
              const mu = tf.add(tf.matMul(h, v('Wm')), v('bm'));
              const logVar = tf.clipByValue(tf.add(tf.matMul(h, v('Ws')), v('bs')), -10, 10);
              const z = tf.add(
                mu,
                tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.tensor2d(epsData, [o.batch, o.latent])),
              );
              const g = tf.relu(tf.add(tf.matMul(z, v('Wg')), v('bg')));
              const f = tf.relu(tf.add(tf.matMul(g, v('Wf')), v('bf')));
              const out = tf.add(tf.matMul(tf.reshape(f, [o.batch * o.window, o.proj]), v('Wo')), v('bo'));
              const rec = tf.div(
                tf.sum(tf.square(tf.sub(out, tf.reshape(x, [o.batch * o.window, cols])))),
                o.batch,
              );
              const kl = tf.mul(
                tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1))),
                0.5 / o.batch,
              );
              return tf.add<tf.Scalar>(rec, tf.mul(kl, o.beta));
            }),
          true,
        );
        total += (await loss!.data())[0]!;
        loss!.dispose();
        batches++;
      }
      o.onEpoch?.(epoch, total / Math.max(1, batches));
      this.lastEpochs = epoch + 1;
      if ((performance.now() - started) / 1000 > o.maxSeconds) break;
    }
    const weights = {} as VaeWeights;
    for (const name of VAE_WEIGHT_NAMES) weights[name] = Float32Array.from(await v(name).data());
    for (const t of Object.values(vars)) t.dispose();
    optimizer.dispose();
    this.lastTrainSeconds = (performance.now() - started) / 1000;

    // Per-metric error variance on the held-out part (mean squared error: anomalies there are rare).
    const unit = new FittedVae(shape, weights, normaliser, new Float32Array(cols).fill(1), 1);
    const held: MetricMatrix = {
      ...train,
      rows: train.rows - cut,
      values: train.values.subarray(cut * cols),
    };
    const errVar = new Float32Array(cols);
    if (held.rows > 0) {
      const { contributions } = unit.score(held);
      for (let t = 0; t < held.rows; t++)
        for (let j = 0; j < cols; j++) errVar[j] = errVar[j]! + contributions[t * cols + j]!;
      for (let j = 0; j < cols; j++) errVar[j] = errVar[j]! / held.rows;
    } else errVar.fill(1);
    // A metric reconstructed perfectly on held-out data must not dominate on the first wobble.
    const meanVar = errVar.reduce((s, x) => s + x, 0) / cols;
    for (let j = 0; j < cols; j++) errVar[j] = Math.max(errVar[j]!, 0.05 * meanVar, 1e-6);
    return new FittedVae(shape, weights, normaliser, errVar, o.smooth);
  }
}
