import { rangeError, show } from '../core/errors';
import { readValues, readValuesAsync, type Values } from '../core/input';

/**
 * What the linear functions say to options that Keras' and tfjs' `fit` take and they do not.
 */
export const LINEAR_HINTS = {
  lr: 'use learningRate',
  verbose: 'the linear functions print nothing; read the returned history.loss',
  batchSize:
    'every step uses all the points (full batch, as Keras with 10 points and its batch of 32)',
  callbacks: 'read the returned history.loss, one value per epoch',
  metrics: 'the loss (MSE) is the one metric',
  loss: 'the loss is always the mean squared error',
} as const;

/** `fitLinear({ x, y })`: the message that says the right call. */
export function checkLinearCallShape(fn: string, x: unknown): void {
  if (typeof x === 'object' && x !== null && 'x' in x && 'y' in x && !Array.isArray(x)) {
    throw new TypeError(
      `${fn}: x is ${show(x)}; pass x and y as two arguments: ${fn}(x, y, options)`,
    );
  }
}

/** Reads x and y (arrays, no tensors) as float64 arrays of equal length, all finite. */
export function readXY(
  fn: string,
  x: unknown,
  y: unknown,
  minPoints: number,
): [Float64Array, Float64Array] {
  return checkXY(fn, readValues(fn, x, 'x'), readValues(fn, y, 'y'), minPoints);
}

/** The same, reading tensors asynchronously (every backend supports that). */
export async function readXYAsync(
  fn: string,
  x: unknown,
  y: unknown,
  minPoints: number,
): Promise<[Float64Array, Float64Array]> {
  const [vx, vy] = await Promise.all([readValuesAsync(fn, x, 'x'), readValuesAsync(fn, y, 'y')]);
  return checkXY(fn, vx, vy, minPoints);
}

function checkXY(
  fn: string,
  x: Values,
  y: Values,
  minPoints: number,
): [Float64Array, Float64Array] {
  for (const [name, v] of [
    ['x', x],
    ['y', y],
  ] as const) {
    const columns = v.shape.length === 2 ? v.shape[1] : 1;
    if (v.shape.length > 2 || columns !== 1) {
      throw rangeError(
        fn,
        `${name} has shape [${v.shape.join(', ')}]; expected one value per point: [N] or [N, 1]`,
      );
    }
  }
  // Float64Arrays are read as they are (nothing here writes to them); others are converted.
  const xs = x.values instanceof Float64Array ? x.values : new Float64Array(x.values);
  const ys = y.values instanceof Float64Array ? y.values : new Float64Array(y.values);
  if (xs.length !== ys.length) {
    throw rangeError(
      fn,
      `x has ${xs.length} values but y has ${ys.length}; expected the same length`,
    );
  }
  if (xs.length < minPoints) {
    throw rangeError(fn, `got ${xs.length} point(s); expected at least ${minPoints}`);
  }
  for (const [name, arr] of [
    ['x', xs],
    ['y', ys],
  ] as const) {
    for (let i = 0; i < arr.length; i++) {
      // v - v is 0 for finite v, NaN for NaN and the infinities: one branch per value.
      const v = arr[i] as number;
      if (v - v !== 0) throw rangeError(fn, `${name}[${i}] is ${show(v)}; expected finite numbers`);
    }
  }
  return [xs, ys];
}
