// Helpers of the fused optimizer tests: the same training on two optimizers, compared bit by bit.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createOptimizer, useFastKernels } from '../../src';

// Sizes that are and are not multiples of the four SIMD lanes, a scalar, and an empty one.
export const SHAPES = [[37, 13], [5], [64, 32], [], [0, 3]];
let counter = 0;

/**
 * Trains the same variables with `optimizer` and with `reference` (tfjs' own) on the same
 * gradients; returns the variables of both after `steps` steps.
 */
export function twin(optimizer: tf.Optimizer, reference: tf.Optimizer, steps: number) {
  const id = counter++;
  const init = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 + i));
  const mine = init.map((t, i) => tf.variable(t, true, `twin${id}mine${i}`));
  const theirs = init.map((t, i) => tf.variable(t, true, `twin${id}ref${i}`));
  tf.dispose(init);
  for (let step = 0; step < steps; step++) {
    // Gradients of very different scales, a zero one, and one missing at step 2.
    const grads = SHAPES.map((s, i) =>
      step === 2 && i === 1
        ? null
        : tf.randomNormal(s, 0, [1e-4, 1, 30, 0][step % 4]! + i, 'float32', step * 10 + i),
    );
    optimizer.applyGradients(mine.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null));
  }
  return { mine, theirs };
}

/** A float32 tensor's bit patterns, to compare values exactly (NaN and -0 included). */
export const bits = (t: tf.Tensor) =>
  Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/**
 * The tests every fused optimizer passes on wasm and cpu: bit for bit tfjs' optimizer (values,
 * slots, their names and order, config, class name), one kernel a variable without leaks, and
 * tfjs' own code with the same values when the kernels are off.
 */
export function fusedOptimizerSuite(spec: {
  name: 'rmsprop' | 'adam';
  className: string;
  fusedClass: abstract new (...args: never[]) => tf.Optimizer;
  kernelName: string;
  /** tfjs' optimizer with Keras' settings and learning rate 0.01. */
  reference(): tf.Optimizer;
  /** Kernels a step runs besides the fused one (scalar bookkeeping). */
  scalarKernels: string[];
}): void {
  for (const backend of ['wasm', 'cpu']) {
    describe(`createOptimizer('${spec.name}') on ${backend}`, () => {
      it(`runs one fused kernel per variable, bit for bit what tfjs ${spec.className} computes`, async () => {
        await tf.setBackend(backend);
        expect(useFastKernels(true)).toContain(backend);
        const fast = createOptimizer(spec.name, 0.01);
        expect(fast.constructor).toBe(spec.fusedClass); // tfjs' instanceof accepts any optimizer
        const reference = spec.reference();
        const { mine, theirs } = twin(fast, reference, 12);
        mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
        // The slots too, under tfjs' names and in tfjs' order, so saved models load anywhere.
        const [a, b] = await Promise.all([fast.getWeights(), reference.getWeights()]);
        expect(a.map((w) => w.name.replace('mine', ''))).toEqual(
          b.map((w) => w.name.replace('ref', '')),
        );
        a.forEach((w, i) => expect(bits(w.tensor)).toEqual(bits(b[i]!.tensor)));
        expect(fast.getClassName()).toBe(spec.className);
        expect(fast.getConfig()).toEqual(reference.getConfig());
        tf.dispose([...mine, ...theirs]);
        tf.dispose([...a, ...b].filter((w) => w.name === 'iter').map((w) => w.tensor));
        fast.dispose();
        reference.dispose();
      });

      it('uses one kernel a variable and leaks nothing per step', async () => {
        await tf.setBackend(backend);
        useFastKernels(true);
        const v = tf.variable(tf.ones([40, 10]), true, `${spec.name}leak${backend}`);
        const g = tf.fill([40, 10], 0.5);
        const opt = createOptimizer(spec.name);
        opt.applyGradients([{ name: v.name, tensor: g }]); // creates the slots
        const before = tf.memory();
        const profile = await tf.profile(() => {
          opt.applyGradients([{ name: v.name, tensor: g }]);
        });
        expect(profile.kernelNames).toEqual([spec.kernelName, ...spec.scalarKernels]);
        // Nothing but the fused kernel touches a full-size tensor.
        profile.kernels
          .filter((k) => k.name !== spec.kernelName)
          .forEach((k) => expect(k.outputShapes[0]).toEqual([]));
        expect(tf.memory().numTensors).toBe(before.numTensors);
        expect(tf.memory().numBytes).toBe(before.numBytes);
        opt.dispose();
        tf.dispose([v, g]);
      });

      it('goes on from state restored with setWeights, as tfjs does', async () => {
        await tf.setBackend(backend);
        useFastKernels(true);
        const first = spec.reference();
        const reference = spec.reference();
        const { mine, theirs } = twin(first, reference, 4);
        const resumed = createOptimizer(spec.name, 0.01);
        // Copies, so that disposing `first` leaves them alone.
        const saved = (await first.getWeights()).map((w) => ({
          name: w.name,
          tensor: w.tensor.clone(),
        }));
        await resumed.setWeights(saved);
        const g = mine.map((v) => tf.onesLike(v));
        for (let step = 0; step < 2; step++) {
          resumed.applyGradients(mine.map((v, i) => ({ name: v.name, tensor: g[i]! })));
          reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: g[i]! })));
        }
        mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
        expect(resumed.iterations).toBe(reference.iterations);
        tf.dispose([...mine, ...theirs, ...g, ...saved.map((w) => w.tensor)]);
        [first, resumed, reference].forEach((o) => o.dispose());
      });

      it("falls back to tfjs' code, with the same values, when the kernels are off", async () => {
        await tf.setBackend(backend);
        useFastKernels(false);
        const fast = createOptimizer(spec.name, 0.01);
        const reference = spec.reference();
        const { mine, theirs } = twin(fast, reference, 3);
        mine.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
        tf.dispose([...mine, ...theirs]);
        fast.dispose();
        reference.dispose();
        useFastKernels(true);
      });
    });
  }
}
