/**
 * The gradients of the kernels the VAE trainer differentiates through, registered with tfjs-core.
 * tfjs-core's Node build registers none: the `@tensorflow/tfjs` umbrella does, but brings about
 * 230 MB of layers, converter, data and WebGL packages this project never loads, and tfjs-core's
 * own per-kernel gradient modules are extensionless ES modules that Node cannot import.
 *
 * These are tfjs-core 4.22.0's definitions (tfjs-core/src/gradients/*_grad.ts, Apache-2.0,
 * Copyright Google LLC), the same ops in the same order, so training gives the same weights as with
 * the umbrella. A kernel added to the model without its gradient here fails loudly ("gradient
 * function not found for …"), never silently.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';

const { assertAndGetBroadcastShape, getReductionAxes } = tf.broadcast_util;

/** Add and Sub: `dy` summed over the axes `shape` was broadcast along, back in `shape`. */
function unbroadcastSum(dy: Tensor, shape: number[], outShape: number[]): Tensor {
  const axes = getReductionAxes(shape, outShape);
  return axes.length > 0 ? tf.sum(dy, axes) : dy;
}

/** Multiply and RealDiv: reshaped only when broadcasting reduced something. */
function unbroadcastProduct(res: Tensor, shape: number[], outShape: number[]): Tensor {
  const axes = getReductionAxes(shape, outShape);
  return axes.length > 0 ? tf.reshape(tf.sum(res, axes), shape) : res;
}

/**
 * The gradient of a two-input kernel that broadcasts `a` against `b`: `grads` gets `dy`, both saved
 * inputs and the broadcast output shape, and returns the thunk of each input.
 */
function broadcastingGradient(
  kernelName: string,
  grads: (dy: Tensor, a: Tensor, b: Tensor, out: number[]) => { a: () => Tensor; b: () => Tensor },
): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = [saved[0]!, saved[1]!];
      return grads(dy as Tensor, a, b, assertAndGetBroadcastShape(a.shape, b.shape));
    },
  };
}

const GRADIENTS: GradConfig[] = [
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as Tensor, saved[0]!.shape) }),
  },
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const d = dy as Tensor;
      const [a, b] = [saved[0]!, saved[1]!];
      const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
      if (!transposeA && !transposeB)
        return { a: () => tf.matMul(d, b, false, true), b: () => tf.matMul(a, d, true, false) };
      if (!transposeA)
        return { a: () => tf.matMul(d, b, false, false), b: () => tf.matMul(d, a, true, false) };
      if (!transposeB)
        return { a: () => tf.matMul(b, d, false, true), b: () => tf.matMul(a, d, false, false) };
      return { a: () => tf.matMul(b, d, true, true), b: () => tf.matMul(d, a, true, true) };
    },
  },
  broadcastingGradient(tf.Add, (dy, a, b, out) => ({
    a: () => tf.reshape(unbroadcastSum(dy, a.shape, out), a.shape),
    b: () => tf.reshape(unbroadcastSum(dy, b.shape, out), b.shape),
  })),
  broadcastingGradient(tf.Sub, (dy, a, b, out) => ({
    a: () => tf.reshape(unbroadcastSum(dy, a.shape, out), a.shape),
    b: () => tf.reshape(tf.neg(unbroadcastSum(dy, b.shape, out)), b.shape),
  })),
  broadcastingGradient(tf.Multiply, (dy, a, b, out) => ({
    a: () => unbroadcastProduct(tf.mul(dy, tf.cast(b, 'float32')), a.shape, out),
    b: () => unbroadcastProduct(tf.mul(dy, tf.cast(a, 'float32')), b.shape, out),
  })),
  broadcastingGradient(tf.RealDiv, (dy, a, b, out) => ({
    a: () => unbroadcastProduct(tf.div(dy, tf.cast(b, 'float32')), a.shape, out),
    b: () => {
      const res = unbroadcastProduct(tf.mul(dy, tf.cast(a, 'float32')), b.shape, out);
      return tf.neg(tf.div(res, tf.cast(tf.square(b), 'float32')));
    },
  })),
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, tf.cast(tf.step(saved[0]!), 'float32')) }),
  },
  {
    kernelName: tf.ClipByValue,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const { clipValueMin, clipValueMax } = attrs as unknown as tf.ClipByValueAttrs;
      return {
        x: () =>
          tf.where(
            tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)),
            dy as Tensor,
            tf.zerosLike(dy as Tensor),
          ),
      };
    },
  },
  {
    kernelName: tf.Exp,
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, saved[0]!) }),
  },
  {
    kernelName: tf.Square,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, tf.mul(tf.cast(saved[0]!, 'float32'), 2)) }),
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const expanded = x.shape.slice();
      const { axis } = attrs as unknown as tf.SumAttrs;
      for (const a of tf.util.parseAxisParam(axis, x.shape)) expanded[a] = 1;
      // Computed now, not in the thunk: as tfjs-core does.
      const derX = tf.mul(tf.reshape(dy as Tensor, expanded), tf.ones(x.shape, 'float32'));
      return { x: () => derX };
    },
  },
];

/** Registers the gradients above, leaving alone any that another tfjs package registered first. */
export function registerVaeGradients(): void {
  for (const config of GRADIENTS) {
    if ((tf.getGradient(config.kernelName) as GradConfig | undefined) === undefined)
      tf.registerGradient(config);
  }
}
