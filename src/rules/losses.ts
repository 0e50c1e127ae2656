/**
 * The losses the dense engine computes, as a table: how labels are laid out, whether the
 * output layer's activation is applied before the loss, which output activations a loss
 * allows, and the batch's loss, accuracy and gradient with respect to the last layer's
 * pre-activation (written by the engine in JavaScript; the batch is small next to the
 * products). Internal.
 */
import { applyDerivative, softmaxRow, type EngineActivation } from './activations';

/** The losses the engine computes. */
export type EngineLoss = 'categorical' | 'sparse' | 'mse';

/** One step's or one evaluation's sums. */
export interface StepResult {
  /** The mean loss over the batch. */
  loss: number;
  /** The fraction of the batch predicted right. */
  accuracy: number;
}

/** What a loss reads and writes for one batch. */
export interface LossInput {
  /** The last layer's output, `count` rows of `units` (pre-activation when `activatesOutput` is false). */
  out: Float32Array;
  /** The labels: one int32 class index per row, or `units` float32 values per row. */
  labels: Float32Array | Int32Array;
  /** Where the gradient goes when `training`. */
  grad: Float32Array;
  count: number;
  units: number;
  training: boolean;
  /** The output layer's activation. */
  activation: EngineActivation;
  /** The object `compute` fills and returns (one per input, so a step allocates nothing). */
  result: StepResult;
}

/** A loss as the engine computes it. */
export interface LossRule {
  /** Labels per row: one class index (int32) or one float32 value per output unit. */
  readonly labels: 'index' | 'vector';
  /** Whether the engine applies the output activation before the loss (else the loss does). */
  readonly activatesOutput: boolean;
  /** Why this loss cannot follow an output activation, or undefined when it can. */
  rejects(activation: EngineActivation): string | undefined;
  /**
   * The batch's mean loss and accuracy, in `input.result` (returned); with `training`, the
   * gradient of the mean loss.
   */
  compute(input: LossInput): StepResult;
  /**
   * The same loss for the engine's WebGPU device: a WGSL function `lossRow(b: u32) ->
   * vec2<f32>` giving row b's loss and whether it is right (1 or 0), and when `training` is
   * true writing the row's gradient. It is written against what the device's loss pass
   * declares (src/gpu/shaders.ts): `UNITS`, `count`, `training`, `outAt(b, c)`,
   * `setOut(b, c, v)`, `labelIndex(b)`, `targetAt(b, c)`, `setGrad(b, c, v)`, `gradAt(b, c)`,
   * `outputDerivativeRow(b)` (the output activation's derivative applied to the row's
   * gradient), `finite(v)` and `nan()`.
   */
  readonly wgsl: string;
}

const EPSILON = 1e-7;

const softmaxOnly = (activation: EngineActivation): string | undefined =>
  activation === 'softmax'
    ? undefined
    : `cross-entropy needs a softmax output; the last layer's activation is ${activation}`;

/**
 * Softmax cross-entropy over logits in place (out becomes the probabilities): the loss uses
 * tfjs' clipping of probabilities to [1e-7, 1 - 1e-7], the gradient is softmax minus one-hot,
 * as Keras computes it from logits.
 */
function crossEntropy(sparse: boolean): LossRule['compute'] {
  return ({ out, labels, grad, count, units, training, result }) => {
    let lossSum = 0;
    let correct = 0;
    const scale = 1 / count;
    for (let b = 0; b < count; b++) {
      const row = b * units;
      softmaxRow(out, row, units);
      let best = 0;
      for (let c = 1; c < units; c++)
        if ((out[row + c] as number) > (out[row + best] as number)) best = c;
      const label = sparse ? (labels[b] as number) : oneHotIndex(labels, row, units);
      // NaN stays NaN through the clipping (Math.max and Math.min return NaN for it)
      const pl = Math.min(Math.max(out[row + label] as number, EPSILON), 1 - EPSILON);
      lossSum -= Math.log(pl);
      if (best === label) correct++;
      if (training) {
        for (let c = 0; c < units; c++)
          grad[row + c] = ((out[row + c] as number) - (c === label ? 1 : 0)) * scale;
      }
    }
    result.loss = lossSum / count;
    result.accuracy = correct / count;
    return result;
  };
}

function oneHotIndex(labels: ArrayLike<number>, row: number, units: number): number {
  for (let c = 0; c < units; c++) if (labels[row + c] === 1) return c;
  return 0;
}

/** Whether row b's prediction is right: one unit thresholded at 0.5, else the largest unit. */
function mseCorrect(
  out: Float32Array,
  targets: ArrayLike<number>,
  row: number,
  units: number,
): boolean {
  if (units === 1) return (out[row] as number) > 0.5 === (targets[row] as number) > 0.5;
  let best = 0;
  let bestLabel = 0;
  for (let c = 1; c < units; c++) {
    if ((out[row + c] as number) > (out[row + best] as number)) best = c;
    if ((targets[row + c] as number) > (targets[row + bestLabel] as number)) bestLabel = c;
  }
  return best === bestLabel;
}

/** Mean squared error of the activated output; the gradient goes back through the activation. */
const meanSquaredError: LossRule['compute'] = (input) => {
  const { out, labels: targets, grad, count, units, training, activation, result } = input;
  let lossSum = 0;
  let correct = 0;
  const scale = 2 / (count * units);
  for (let b = 0; b < count; b++) {
    const row = b * units;
    let se = 0;
    for (let c = 0; c < units; c++) {
      const d = (out[row + c] as number) - (targets[row + c] as number);
      se += d * d;
      if (training) grad[row + c] = d * scale;
    }
    lossSum += se / units;
    if (mseCorrect(out, targets, row, units)) correct++;
  }
  if (training && activation !== 'linear') {
    const n = count * units;
    applyDerivative(activation, grad.subarray(0, n), out.subarray(0, n), units);
  }
  result.loss = lossSum / count;
  result.accuracy = correct / count;
  return result;
};

/** Softmax cross-entropy of row b in WGSL (see `LossRule.wgsl`), as `crossEntropy` computes it. */
function crossEntropyWgsl(sparse: boolean): string {
  const label = sparse ? 'labelIndex(b)' : 'oneHotIndex(b)';
  const oneHot = sparse
    ? ''
    : `fn oneHotIndex(b: u32) -> u32 {
  for (var c = 0u; c < UNITS; c++) { if (targetAt(b, c) == 1.0) { return c; } }
  return 0u;
}
`;
  return `${oneHot}fn lossRow(b: u32) -> vec2<f32> {
  var top = outAt(b, 0u);
  for (var c = 1u; c < UNITS; c++) { top = max(top, outAt(b, c)); }
  var sum = 0.0;
  for (var c = 0u; c < UNITS; c++) { let e = exp(outAt(b, c) - top); setOut(b, c, e); sum += e; }
  var best = 0u;
  for (var c = 0u; c < UNITS; c++) {
    setOut(b, c, outAt(b, c) / sum);
    if (outAt(b, c) > outAt(b, best)) { best = c; }
  }
  let label = ${label};
  let p = outAt(b, label);
  let loss = select(nan(), -log(clamp(p, ${EPSILON}, ${1 - EPSILON})), finite(p));
  if (training) {
    let scale = 1.0 / f32(count);
    for (var c = 0u; c < UNITS; c++) {
      setGrad(b, c, (outAt(b, c) - select(0.0, 1.0, c == label)) * scale);
    }
  }
  return vec2<f32>(loss, select(0.0, 1.0, best == label));
}
`;
}

/** Mean squared error of row b in WGSL, as `meanSquaredError` computes it. */
const MEAN_SQUARED_ERROR_WGSL = `fn lossRow(b: u32) -> vec2<f32> {
  var se = 0.0;
  let scale = 2.0 / f32(count * UNITS);
  var best = 0u;
  var bestLabel = 0u;
  for (var c = 0u; c < UNITS; c++) {
    let d = outAt(b, c) - targetAt(b, c);
    se += d * d;
    if (training) { setGrad(b, c, d * scale); }
    if (outAt(b, c) > outAt(b, best)) { best = c; }
    if (targetAt(b, c) > targetAt(b, bestLabel)) { bestLabel = c; }
  }
  if (training) { outputDerivativeRow(b); }
  var right = best == bestLabel;
  if (UNITS == 1u) { right = (outAt(b, 0u) > 0.5) == (targetAt(b, 0u) > 0.5); }
  return vec2<f32>(se / f32(UNITS), select(0.0, 1.0, right));
}
`;

/** Every loss the engine computes. */
export const LOSSES: Readonly<Record<EngineLoss, LossRule>> = {
  categorical: {
    labels: 'vector',
    activatesOutput: false,
    rejects: softmaxOnly,
    compute: crossEntropy(false),
    wgsl: crossEntropyWgsl(false),
  },
  sparse: {
    labels: 'index',
    activatesOutput: false,
    rejects: softmaxOnly,
    compute: crossEntropy(true),
    wgsl: crossEntropyWgsl(true),
  },
  mse: {
    labels: 'vector',
    activatesOutput: true,
    rejects: () => undefined,
    compute: meanSquaredError,
    wgsl: MEAN_SQUARED_ERROR_WGSL,
  },
};

/** Label values per row of a loss for a network of `outputs` units. */
export function labelWidth(loss: LossRule, outputs: number): number {
  return loss.labels === 'index' ? 1 : outputs;
}
