/**
 * The optimizers' update rules, each written once: the slots it keeps (tfjs' names, in tfjs'
 * order, with their starting values), the state that advances every step (Adam's powers of
 * beta, Adamax's step count), the float32 scalars of a step, and the lane program that updates
 * one parameter. The dense engine, tfjs' fused kernels and the JavaScript path for a few
 * parameters all run these programs (see docs/architecture.md). Each program follows the tfjs
 * optimizer it stands for operation by operation, so the results match tfjs' bit for bit; where
 * tfjs differs from Keras (centered RMSprop, Adadelta), the program is Keras'. Internal.
 */
import { L, type Program, type Step } from './program';

/** An optimizer and its hyperparameters, as tfjs' optimizers hold them. */
export type OptimizerSpec =
  | { kind: 'sgd'; learningRate: number }
  | { kind: 'momentum'; learningRate: number; momentum: number; nesterov: boolean }
  | {
      kind: 'rmsprop';
      learningRate: number;
      rho: number;
      momentum: number;
      epsilon: number;
      centered: boolean;
    }
  | { kind: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | {
      kind: 'adamax';
      learningRate: number;
      beta1: number;
      beta2: number;
      epsilon: number;
      decay: number;
    }
  | { kind: 'adagrad'; learningRate: number; initialAccumulatorValue: number; epsilon: number }
  | { kind: 'adadelta'; learningRate: number; rho: number; epsilon: number };

/** The optimizers' kinds. */
export type OptimizerKind = OptimizerSpec['kind'];

/** One slot array per parameter: tfjs' suffix for it, and its value before the first step. */
export interface SlotRule {
  readonly name: string;
  readonly initial: number;
}

/**
 * How an optimizer updates a parameter. The program's pointers are the value, the gradient,
 * each slot, then the new value and each new slot.
 */
export interface UpdateRule {
  /** A name for the compiled program (one per distinct program). */
  readonly name: string;
  readonly slots: readonly SlotRule[];
  /** The state's values before the first step (none for most optimizers). */
  readonly state: readonly number[];
  /** The state after a step. */
  advance(state: readonly number[]): number[];
  /** The float32 scalars of a step, from the state before it. */
  scalars(state: readonly number[]): number[];
  readonly program: Program;
}

const f = Math.fround;

/** Pointer numbers of a rule with `slots` slots: value, gradient, slots, new value, new slots. */
function pointers(slots: number): {
  value: 0;
  grad: 1;
  slot: number[];
  out: number;
  newSlot: number[];
} {
  const slot = Array.from({ length: slots }, (_, s) => 2 + s);
  const out = 2 + slots;
  return { value: 0, grad: 1, slot, out, newSlot: slot.map((_, s) => out + 1 + s) };
}

const none = (): number[] => [];

function sgd(o: Extract<OptimizerSpec, { kind: 'sgd' }>): UpdateRule {
  const P = pointers(0);
  return {
    name: 'sgd',
    slots: [],
    state: [],
    advance: none,
    scalars: () => [f(-o.learningRate)],
    // value + (-lr) * g, as tfjs' add(mul(c, gradient), value)
    program: L.store(P.out, [
      ...L.scalar(0),
      ...L.load(P.grad),
      ...L.mul,
      ...L.load(P.value),
      ...L.add,
    ]),
  };
}

function momentum(o: Extract<OptimizerSpec, { kind: 'momentum' }>): UpdateRule {
  const P = pointers(1);
  const [M, NEG_LR] = [0, 1];
  const acc = L.get(0);
  // value + c * acc, or value + c * (g + acc * m) with Nesterov's momentum
  const step: Step[] = o.nesterov
    ? [...L.load(P.grad), ...acc, ...L.scalar(M), ...L.mul, ...L.add]
    : acc;
  return {
    name: o.nesterov ? 'nesterov' : 'momentum',
    slots: [{ name: 'momentum', initial: 0 }],
    state: [],
    advance: none,
    scalars: () => [f(o.momentum), f(-o.learningRate)],
    // prettier-ignore
    program: [
      // acc = m * acc + g
      ...L.scalar(M), ...L.load(P.slot[0] as number), ...L.mul, ...L.load(P.grad), ...L.add, ...L.set(0),
      ...L.store(P.newSlot[0] as number, acc),
      ...L.store(P.out, [...L.scalar(NEG_LR), ...step, ...L.mul, ...L.load(P.value), ...L.add]),
    ],
  };
}

function rmsprop(o: Extract<OptimizerSpec, { kind: 'rmsprop' }>): UpdateRule {
  const P = pointers(o.centered ? 3 : 2);
  const [MS, MOM, MG] = P.slot as [number, number, number];
  const [NEW_MS, NEW_MOM, NEW_MG] = P.newSlot as [number, number, number];
  const [LR, RHO, RHO1, EPS, MOMENTUM] = [0, 1, 2, 3, 4];
  const [g, s, m, mg] = [0, 1, 2, 3];
  // The denominator: sqrt(s + eps), or Keras' centered sqrt((s - mg^2) + eps). (tfjs 4.22
  // computes sqrt(s - (mg^2 + eps)): NaN where a gradient has been 0 so far.)
  // prettier-ignore
  const denominator: Step[] = o.centered
    ? [
        // mg = mg * rho + g * (1 - rho)
        ...L.load(MG), ...L.scalar(RHO), ...L.mul, ...L.get(g), ...L.scalar(RHO1), ...L.mul, ...L.add,
        ...L.set(mg), ...L.store(NEW_MG, L.get(mg)),
        ...L.get(s), ...L.get(mg), ...L.get(mg), ...L.mul, ...L.sub, ...L.scalar(EPS), ...L.add, ...L.sqrt,
      ]
    : [...L.get(s), ...L.scalar(EPS), ...L.add, ...L.sqrt];
  return {
    name: o.centered ? 'rmsprop_centered' : 'rmsprop',
    slots: [
      { name: 'rms', initial: 0 },
      { name: 'momentum', initial: 0 },
      ...(o.centered ? [{ name: 'mg', initial: 0 }] : []),
    ],
    state: [],
    advance: none,
    // tfjs multiplies by float32 scalars made from these numbers (1 - rho in float64)
    scalars: () => [o.learningRate, o.rho, 1 - o.rho, o.epsilon, o.momentum].map(f),
    // prettier-ignore
    program: [
      ...L.load(P.grad), ...L.set(g),
      // s = ms * rho + (g * g) * (1 - rho)
      ...L.load(MS), ...L.scalar(RHO), ...L.mul,
      ...L.get(g), ...L.get(g), ...L.mul, ...L.scalar(RHO1), ...L.mul,
      ...L.add, ...L.set(s),
      ...L.store(NEW_MS, L.get(s)),
      // m = mom * momentum + (g * lr) / denominator
      ...L.load(MOM), ...L.scalar(MOMENTUM), ...L.mul,
      ...L.get(g), ...L.scalar(LR), ...L.mul,
      ...denominator,
      ...L.div, ...L.add, ...L.set(m),
      ...L.store(NEW_MOM, L.get(m)),
      // value - m
      ...L.store(P.out, [...L.load(P.value), ...L.get(m), ...L.sub]),
    ],
  };
}

function adam(o: Extract<OptimizerSpec, { kind: 'adam' }>): UpdateRule {
  const P = pointers(2);
  const [M, V] = P.slot as [number, number];
  const [NEW_M, NEW_V] = P.newSlot as [number, number];
  const [B1, C1, B2, C2, D1, D2, EPS, NEG_LR] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [g, m, v] = [0, 1, 2];
  return {
    name: 'adam',
    slots: [
      { name: 'm', initial: 0 },
      { name: 'v', initial: 0 },
    ],
    // beta1 and beta2 to the power of the step number (tfjs' accBeta1 and accBeta2)
    state: [f(o.beta1), f(o.beta2)],
    advance: ([p1, p2]) => [f((p1 as number) * f(o.beta1)), f((p2 as number) * f(o.beta2))],
    // 1 - beta in float64 made float32; 1 - accBeta in float32 (accBeta is a tensor)
    scalars: ([p1, p2]) => [
      f(o.beta1),
      f(1 - o.beta1),
      f(o.beta2),
      f(1 - o.beta2),
      f(1 - f(p1 as number)),
      f(1 - f(p2 as number)),
      f(o.epsilon),
      f(-o.learningRate),
    ],
    // prettier-ignore
    program: [
      ...L.load(P.grad), ...L.set(g),
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
      ...L.store(P.out, [
        ...L.get(m), ...L.scalar(D1), ...L.div,
        ...L.get(v), ...L.scalar(D2), ...L.div, ...L.sqrt, ...L.scalar(EPS), ...L.add,
        ...L.div, ...L.scalar(NEG_LR), ...L.mul,
        ...L.load(P.value), ...L.add,
      ]),
    ],
  };
}

function adamax(o: Extract<OptimizerSpec, { kind: 'adamax' }>): UpdateRule {
  const P = pointers(2);
  const [M, U] = P.slot as [number, number];
  const [NEW_M, NEW_U] = P.newSlot as [number, number];
  const [B1, C1, B2, EPS, STEP] = [0, 1, 2, 3, 4];
  const [m, u] = [0, 1];
  return {
    name: 'adamax',
    slots: [
      { name: 'm', initial: 0 },
      { name: 'v', initial: 0 },
    ],
    // tfjs' accBeta1 (beta1 to the power of the step number) and its step count
    state: [f(o.beta1), 0],
    advance: ([p1, t]) => [f((p1 as number) * f(o.beta1)), (t as number) + 1],
    scalars: ([p1, t]) => {
      // -lr / (t * decay + 1) / (1 - accBeta1), each a float32 tensor operation in tfjs
      const lr = f(f(-o.learningRate) / f(f((t as number) * f(o.decay)) + 1));
      return [f(o.beta1), f(1 - o.beta1), f(o.beta2), f(o.epsilon), f(lr / f(1 - f(p1 as number)))];
    },
    // prettier-ignore
    program: [
      // m = m * beta1 + g * (1 - beta1); u = max(u * beta2, |g|)
      ...L.load(M), ...L.scalar(B1), ...L.mul, ...L.load(P.grad), ...L.scalar(C1), ...L.mul, ...L.add,
      ...L.set(m), ...L.store(NEW_M, L.get(m)),
      ...L.load(U), ...L.scalar(B2), ...L.mul, ...L.load(P.grad), ...L.abs, ...L.max,
      ...L.set(u), ...L.store(NEW_U, L.get(u)),
      // value + step * (m / (u + eps))
      ...L.store(P.out, [
        ...L.scalar(STEP), ...L.get(m), ...L.get(u), ...L.scalar(EPS), ...L.add, ...L.div, ...L.mul,
        ...L.load(P.value), ...L.add,
      ]),
    ],
  };
}

function adagrad(o: Extract<OptimizerSpec, { kind: 'adagrad' }>): UpdateRule {
  const P = pointers(1);
  const [ACC, NEW_ACC] = [P.slot[0] as number, P.newSlot[0] as number];
  const [EPS, NEG_LR] = [0, 1];
  return {
    name: 'adagrad',
    slots: [{ name: 'accumulator', initial: f(o.initialAccumulatorValue) }],
    state: [],
    advance: none,
    scalars: () => [f(o.epsilon), f(-o.learningRate)],
    // prettier-ignore
    program: [
      // acc = acc + g * g; value + (g / sqrt(acc + eps)) * -lr
      ...L.load(ACC), ...L.load(P.grad), ...L.load(P.grad), ...L.mul, ...L.add, ...L.set(0),
      ...L.store(NEW_ACC, L.get(0)),
      ...L.store(P.out, [
        ...L.load(P.grad), ...L.get(0), ...L.scalar(EPS), ...L.add, ...L.sqrt, ...L.div,
        ...L.scalar(NEG_LR), ...L.mul, ...L.load(P.value), ...L.add,
      ]),
    ],
  };
}

function adadelta(o: Extract<OptimizerSpec, { kind: 'adadelta' }>): UpdateRule {
  const P = pointers(2);
  const [AG, AU] = P.slot as [number, number];
  const [NEW_AG, NEW_AU] = P.newSlot as [number, number];
  const [RHO, RHO1, EPS, NEG_LR] = [0, 1, 2, 3];
  const [ag, up] = [0, 1];
  return {
    name: 'adadelta',
    slots: [
      { name: 'accum_grad', initial: 0 },
      { name: 'accum_var', initial: 0 },
    ],
    state: [],
    advance: none,
    scalars: () => [f(o.rho), f(1 - o.rho), f(o.epsilon), f(-o.learningRate)],
    // Keras' order: the step uses the gradient average after this step's gradient.
    // prettier-ignore
    program: [
      // ag = ag * rho + (g * g) * (1 - rho)
      ...L.load(AG), ...L.scalar(RHO), ...L.mul,
      ...L.load(P.grad), ...L.load(P.grad), ...L.mul, ...L.scalar(RHO1), ...L.mul, ...L.add,
      ...L.set(ag), ...L.store(NEW_AG, L.get(ag)),
      // update = (sqrt(au + eps) / sqrt(ag + eps)) * g
      ...L.load(AU), ...L.scalar(EPS), ...L.add, ...L.sqrt,
      ...L.get(ag), ...L.scalar(EPS), ...L.add, ...L.sqrt, ...L.div, ...L.load(P.grad), ...L.mul,
      ...L.set(up),
      // au = au * rho + (update * update) * (1 - rho)
      ...L.store(NEW_AU, [
        ...L.load(AU), ...L.scalar(RHO), ...L.mul,
        ...L.get(up), ...L.get(up), ...L.mul, ...L.scalar(RHO1), ...L.mul, ...L.add,
      ]),
      ...L.store(P.out, [...L.get(up), ...L.scalar(NEG_LR), ...L.mul, ...L.load(P.value), ...L.add]),
    ],
  };
}

const RULES: { [K in OptimizerKind]: (o: Extract<OptimizerSpec, { kind: K }>) => UpdateRule } = {
  sgd,
  momentum,
  rmsprop,
  adam,
  adamax,
  adagrad,
  adadelta,
};

/** The update rule of an optimizer. */
export function updateRule(o: OptimizerSpec): UpdateRule {
  return (RULES[o.kind] as (o: OptimizerSpec) => UpdateRule)(o);
}

/**
 * The rule of `o` in place of `current`, when only hyperparameters changed (a callback may
 * change the learning rate); a different update program is an error, as a compiled engine
 * cannot switch programs.
 */
export function sameProgram(current: UpdateRule, o: OptimizerSpec): UpdateRule {
  const rule = updateRule(o);
  if (rule.name !== current.name) {
    throw new Error(`dense engine: the optimizer changed from ${current.name} to ${rule.name}`);
  }
  return rule;
}

/** Every optimizer kind the rules cover. */
export const OPTIMIZER_KINDS = Object.keys(RULES) as OptimizerKind[];
