/**
 * The activations the dense engine applies in JavaScript (ReLU is fused into the products),
 * and their derivatives written in terms of the activation's output, as the engine keeps only
 * that. Internal.
 */

/** The activations of Dense layers the engine runs (Keras' names). */
export type EngineActivation =
  'relu' | 'linear' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu' | 'softplus';

/** Every activation the engine runs. */
export const ENGINE_ACTIVATIONS: readonly EngineActivation[] = [
  'relu',
  'linear',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
];

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** Applies `kind` in place to rows of `units` values. */
export function applyActivation(kind: EngineActivation, v: Float32Array, units: number): void {
  const n = v.length;
  switch (kind) {
    case 'relu':
      for (let i = 0; i < n; i++) v[i] = Math.max(v[i] as number, 0);
      return;
    case 'linear':
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) v[i] = 1 / (1 + Math.exp(-(v[i] as number)));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) v[i] = Math.tanh(v[i] as number);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) {
        const x = v[i] as number;
        v[i] = x > 0 ? x : Math.expm1(x);
      }
      return;
    case 'selu':
      for (let i = 0; i < n; i++) {
        const x = v[i] as number;
        v[i] = x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
      }
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) {
        const x = v[i] as number;
        v[i] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      }
      return;
    case 'softmax':
      for (let row = 0; row < n; row += units) softmaxRow(v, row, units);
  }
}

/** Softmax of v[row .. row + units), in place, shifted by the row's maximum. */
export function softmaxRow(v: Float32Array, row: number, units: number): void {
  let max = -Infinity;
  for (let c = 0; c < units; c++) max = Math.max(max, v[row + c] as number);
  let sum = 0;
  for (let c = 0; c < units; c++) {
    const e = Math.exp((v[row + c] as number) - max);
    v[row + c] = e;
    sum += e;
  }
  for (let c = 0; c < units; c++) v[row + c] = (v[row + c] as number) / sum;
}

/**
 * Multiplies the gradient `g` (with respect to the activation's output `a`) by the
 * activation's derivative, in place, giving the gradient with respect to its input.
 */
export function applyDerivative(
  kind: EngineActivation,
  g: Float32Array,
  a: Float32Array,
  units: number,
): void {
  const n = g.length;
  const each = (d: (a: number) => number): void => {
    for (let i = 0; i < n; i++) g[i] = (g[i] as number) * d(a[i] as number);
  };
  switch (kind) {
    case 'relu':
      return each((y) => (y > 0 ? 1 : 0));
    case 'linear':
      return;
    case 'sigmoid':
      return each((y) => y * (1 - y));
    case 'tanh':
      return each((y) => 1 - y * y);
    case 'elu':
      return each((y) => (y > 0 ? 1 : y + 1));
    case 'selu':
      return each((y) => (y > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA));
    case 'softplus':
      return each((y) => -Math.expm1(-y));
    case 'softmax':
      for (let row = 0; row < n; row += units) {
        let dot = 0;
        for (let c = 0; c < units; c++) dot += (a[row + c] as number) * (g[row + c] as number);
        for (let c = 0; c < units; c++) {
          g[row + c] = (a[row + c] as number) * ((g[row + c] as number) - dot);
        }
      }
  }
}

/**
 * The same activations for the engine's WebGPU device, as WGSL expressions: `forward` of the
 * pre-activation `x`, `derivative` in terms of the output `y` (as `applyDerivative`). Softmax
 * works on whole rows and has none: the device runs it as a row pass.
 */
export const ACTIVATION_WGSL: Readonly<
  Record<
    Exclude<EngineActivation, 'softmax'>,
    { forward(x: string): string; derivative(y: string): string }
  >
> = {
  relu: { forward: (x) => `max(${x}, 0.0)`, derivative: (y) => `select(0.0, 1.0, ${y} > 0.0)` },
  linear: { forward: (x) => x, derivative: () => '1.0' },
  sigmoid: {
    forward: (x) => `(1.0 / (1.0 + exp(-(${x}))))`,
    derivative: (y) => `(${y} * (1.0 - ${y}))`,
  },
  // tanh through exp(-2|x|), which cannot overflow (WGSL's tanh may for large |x|)
  tanh: {
    forward: (x) => `(sign(${x}) * (1.0 - exp(-2.0 * abs(${x}))) / (1.0 + exp(-2.0 * abs(${x}))))`,
    derivative: (y) => `(1.0 - ${y} * ${y})`,
  },
  elu: {
    forward: (x) => `select(exp(${x}) - 1.0, ${x}, ${x} > 0.0)`,
    derivative: (y) => `select(${y} + 1.0, 1.0, ${y} > 0.0)`,
  },
  selu: {
    forward: (x) =>
      `select(${SELU_SCALE * SELU_ALPHA} * (exp(${x}) - 1.0), ${SELU_SCALE} * ${x}, ${x} > 0.0)`,
    derivative: (y) => `select(${y} + ${SELU_SCALE * SELU_ALPHA}, ${SELU_SCALE}, ${y} > 0.0)`,
  },
  softplus: {
    forward: (x) => `(max(${x}, 0.0) + log(1.0 + exp(-abs(${x}))))`,
    derivative: (y) => `(1.0 - exp(-(${y})))`,
  },
};
