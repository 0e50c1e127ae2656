/**
 * One kernel for a whole RMSprop step of one variable: the new value, mean square and moment in
 * a single pass over memory, with WebAssembly SIMD, instead of tfjs' chain of about 14
 * elementwise kernels (each allocating and walking a full-size tensor). The same float32
 * operations, in the same order, as tfjs' RMSPropOptimizer (not centered), so the results are
 * identical. Internal: installed by useFastKernels, used by FastRMSPropOptimizer.
 */
import {
  elementwiseFunction,
  onCpu,
  onWasm,
  type ElementwiseSpec,
  type UpdateKernel,
} from './elementwise';

/** The kernel's name in tfjs' registry. */
export const RMSPROP_UPDATE = 'DenselabRMSPropUpdate';

/** Its attributes: the optimizer's hyperparameters. */
export interface RMSPropUpdateAttrs {
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
}

// Pointers: the inputs, then the outputs. Scalars. Temporaries.
const [VALUE, GRAD, MS, MOM, NEW_VALUE, NEW_MS, NEW_MOM] = [0, 1, 2, 3, 4, 5, 6] as const;
const [LR, RHO, RHO1, EPS, MOMENTUM] = [0, 1, 2, 3, 4] as const;
const [g, s, m] = [0, 1, 2] as const;

/** The update as a lane program: inputs value, gradient and slots; outputs the new ones. */
export const RMSPROP_SPEC: ElementwiseSpec = {
  name: 'rmsprop',
  pointers: 7,
  scalars: 5,
  temps: 3,
  // prettier-ignore
  program: (L) => [
    ...L.load(GRAD), ...L.set(g),
    // s = ms * rho + (g * g) * (1 - rho)
    ...L.load(MS), ...L.scalar(RHO), ...L.mul,
    ...L.get(g), ...L.get(g), ...L.mul, ...L.scalar(RHO1), ...L.mul,
    ...L.add, ...L.set(s),
    // m = mom * momentum + (g * lr) / sqrt(s + eps)
    ...L.load(MOM), ...L.scalar(MOMENTUM), ...L.mul,
    ...L.get(g), ...L.scalar(LR), ...L.mul,
    ...L.get(s), ...L.scalar(EPS), ...L.add, ...L.sqrt,
    ...L.div, ...L.add, ...L.set(m),
    ...L.store(NEW_MS, L.get(s)),
    ...L.store(NEW_MOM, L.get(m)),
    // value - m
    ...L.store(NEW_VALUE, [...L.load(VALUE), ...L.get(m), ...L.sub]),
  ],
};

const RMSPROP = elementwiseFunction(RMSPROP_SPEC);

/**
 * The program's scalars: tfjs multiplies by float32 scalars made from these numbers (1 - rho
 * computed in float64).
 */
export function rmspropScalars(a: RMSPropUpdateAttrs): number[] {
  return [a.learningRate, a.rho, 1 - a.rho, a.epsilon, a.momentum].map(Math.fround);
}

const KERNEL: UpdateKernel<RMSPropUpdateAttrs> = {
  kernelName: RMSPROP_UPDATE,
  fn: RMSPROP,
  inputs: ['value', 'gradient', 'meanSquare', 'moment'],
  outputs: 3,
  scalars: (a) => rmspropScalars(a),
};

/** The kernel on tfjs' wasm backend. */
export const rmspropUpdateWasm = onWasm(KERNEL);
/** The kernel on tfjs' cpu backend. */
export const rmspropUpdateCpu = onCpu(KERNEL);
