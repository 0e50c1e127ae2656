/**
 * One kernel for a whole Adam step of one variable: the new value, first and second moments
 * in a single SIMD pass, instead of tfjs' chain of about 16 elementwise kernels. The same
 * float32 operations, in the same order, as tfjs' AdamOptimizer, so the results are identical.
 * Internal: installed by useFastKernels, used by FastAdamOptimizer.
 */
import {
  elementwiseFunction,
  onCpu,
  onWasm,
  type ElementwiseSpec,
  type UpdateKernel,
} from './elementwise';

/** The kernel's name in tfjs' registry. */
export const ADAM_UPDATE = 'DenselabAdamUpdate';

/** Its attributes: the hyperparameters and the running powers of beta1 and beta2. */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** beta1 to the power of the step number (tfjs' accBeta1, read before the step). */
  accBeta1: number;
  accBeta2: number;
}

const [VALUE, GRAD, M, V, NEW_VALUE, NEW_M, NEW_V] = [0, 1, 2, 3, 4, 5, 6] as const;
const [B1, C1, B2, C2, D1, D2, EPS, NEG_LR] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const [g, m, v] = [0, 1, 2] as const;

/** The update as a lane program: inputs value, gradient and slots; outputs the new ones. */
export const ADAM_SPEC: ElementwiseSpec = {
  name: 'adam',
  pointers: 7,
  scalars: 8,
  temps: 3,
  // prettier-ignore
  program: (L) => [
    ...L.load(GRAD), ...L.set(g),
    // m = m * beta1 + g * (1 - beta1)
    ...L.load(M), ...L.scalar(B1), ...L.mul, ...L.get(g), ...L.scalar(C1), ...L.mul, ...L.add,
    ...L.set(m),
    // v = v * beta2 + (g * g) * (1 - beta2)
    ...L.load(V), ...L.scalar(B2), ...L.mul,
    ...L.get(g), ...L.get(g), ...L.mul, ...L.scalar(C2), ...L.mul, ...L.add,
    ...L.set(v),
    ...L.store(NEW_M, L.get(m)),
    ...L.store(NEW_V, L.get(v)),
    // value + ((m / (1 - accBeta1)) / (sqrt(v / (1 - accBeta2)) + eps)) * -lr
    ...L.store(NEW_VALUE, [
      ...L.get(m), ...L.scalar(D1), ...L.div,
      ...L.get(v), ...L.scalar(D2), ...L.div, ...L.sqrt, ...L.scalar(EPS), ...L.add,
      ...L.div, ...L.scalar(NEG_LR), ...L.mul,
      ...L.load(VALUE), ...L.add,
    ]),
  ],
};

const ADAM = elementwiseFunction(ADAM_SPEC);

const f = Math.fround;

/**
 * The program's scalars, as tfjs makes them: 1 - beta in float64 made float32; 1 - accBeta in
 * float32 (accBeta is a tensor).
 */
export function adamScalars(a: AdamUpdateAttrs): number[] {
  return [
    f(a.beta1),
    f(1 - a.beta1),
    f(a.beta2),
    f(1 - a.beta2),
    f(1 - f(a.accBeta1)),
    f(1 - f(a.accBeta2)),
    f(a.epsilon),
    f(-a.learningRate),
  ];
}

const KERNEL: UpdateKernel<AdamUpdateAttrs> = {
  kernelName: ADAM_UPDATE,
  fn: ADAM,
  inputs: ['value', 'gradient', 'firstMoment', 'secondMoment'],
  outputs: 3,
  scalars: (a) => adamScalars(a),
};

/** The kernel on tfjs' wasm backend. */
export const adamUpdateWasm = onWasm(KERNEL);
/** The kernel on tfjs' cpu backend. */
export const adamUpdateCpu = onCpu(KERNEL);
