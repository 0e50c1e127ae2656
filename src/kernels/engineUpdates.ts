/**
 * The optimizer updates of denselab's dense engine: one SIMD pass over all of a model's
 * parameters per step, reading the value, the gradient and the slots and writing new ones
 * elsewhere (the engine keeps the previous step's values), with the same float32 operations
 * as tfjs' optimizers. Internal.
 */
import { ADAM_SPEC, adamScalars } from './adamUpdate';
import type { ElementwiseSpec } from './elementwise';
import { RMSPROP_SPEC, rmspropScalars } from './rmspropUpdate';

/** An optimizer the engine runs, with tfjs' hyperparameters. */
export type EngineOptimizer =
  | { kind: 'sgd'; learningRate: number }
  | { kind: 'momentum'; learningRate: number; momentum: number; nesterov: boolean }
  | { kind: 'rmsprop'; learningRate: number; rho: number; momentum: number; epsilon: number }
  | { kind: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };

/** How the engine runs an optimizer. */
export interface UpdatePlan {
  /** The lane program; its pointers are value, gradient, slots, then the new ones. */
  spec: ElementwiseSpec;
  /** Slot arrays per parameter (tfjs' names, in tfjs' order). */
  slotNames: readonly string[];
  /** The float32 scalars of step `iteration` (0-based), given Adam's running powers. */
  scalars(powers: { accBeta1: number; accBeta2: number }): number[];
}

const f = Math.fround;

const [VALUE, GRAD, ACC, NEW_VALUE, NEW_ACC] = [0, 1, 2, 3, 4] as const;

const SGD_SPEC: ElementwiseSpec = {
  name: 'engine_sgd',
  pointers: 3,
  scalars: 1,
  temps: 0,
  // value + (-lr) * g, as tfjs' add(mul(c, gradient), value)
  program: (L) => [
    ...L.store(2, [...L.scalar(0), ...L.load(GRAD), ...L.mul, ...L.load(VALUE), ...L.add]),
  ],
};

function momentumSpec(nesterov: boolean): ElementwiseSpec {
  return {
    name: nesterov ? 'engine_nesterov' : 'engine_momentum',
    pointers: 5,
    scalars: 2,
    temps: 1,
    // prettier-ignore
    program: (L) => [
      // acc = m * acc + g
      ...L.scalar(0), ...L.load(ACC), ...L.mul, ...L.load(GRAD), ...L.add, ...L.set(0),
      ...L.store(NEW_ACC, L.get(0)),
      // value + c * acc, or value + c * (g + acc * m) with Nesterov's momentum
      ...L.store(NEW_VALUE, [
        ...L.scalar(1),
        ...(nesterov ? [...L.load(GRAD), ...L.get(0), ...L.scalar(0), ...L.mul, ...L.add] : L.get(0)),
        ...L.mul, ...L.load(VALUE), ...L.add,
      ]),
    ],
  };
}

/** The plan for an optimizer. */
export function updatePlan(o: EngineOptimizer): UpdatePlan {
  switch (o.kind) {
    case 'sgd':
      return { spec: SGD_SPEC, slotNames: [], scalars: () => [f(-o.learningRate)] };
    case 'momentum':
      return {
        spec: momentumSpec(o.nesterov),
        slotNames: ['momentum'],
        scalars: () => [f(o.momentum), f(-o.learningRate)],
      };
    case 'rmsprop':
      return {
        spec: { ...RMSPROP_SPEC, name: 'engine_rmsprop' },
        slotNames: ['rms', 'momentum'],
        scalars: () =>
          rmspropScalars({
            learningRate: o.learningRate,
            rho: o.rho,
            momentum: o.momentum,
            epsilon: o.epsilon,
          }),
      };
    case 'adam':
      return {
        spec: { ...ADAM_SPEC, name: 'engine_adam' },
        slotNames: ['m', 'v'],
        scalars: (p) => adamScalars({ ...o, accBeta1: p.accBeta1, accBeta2: p.accBeta2 }),
      };
  }
}
