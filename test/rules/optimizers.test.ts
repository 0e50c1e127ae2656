// The update rules are written once (src/rules/optimizers.ts) and run three ways: compiled to
// WebAssembly SIMD (the engine, tfjs' fused kernels), interpreted in JavaScript (a few scalars)
// and as tfjs operations. These tests hold the first two to the same bits, and every program to
// the ordering that makes in-place updates safe.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_KINDS, updateRule } from '../../src/rules/optimizers';
import { runProgram, shapeOf } from '../../src/rules/program';
import { elementwiseFunction } from '../../src/wasm/elementwise';
import { instantiateOn } from '../../src/wasm/encoder';
import { OPTIMIZER_SPECS } from '../fixtures/optimizerSpecs';

const SPECS = OPTIMIZER_SPECS;

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.slice().buffer));

describe('the optimizer rule table', () => {
  it('covers every optimizer kind', () => {
    expect(new Set(SPECS.map((s) => s.kind))).toEqual(new Set(OPTIMIZER_KINDS));
  });

  it.each(SPECS.map((s) => [updateRule(s).name, s] as const))(
    '%s: pointers are value, gradient, slots, then the new ones; each read before it is written',
    (_name, spec) => {
      const rule = updateRule(spec);
      const inputs = 2 + rule.slots.length;
      expect(shapeOf(rule.program).pointers).toBe(2 * inputs - 1);
      const steps = rule.program.map(([kind, k]) => `${kind}${k ?? ''}`);
      for (let p = 0; p < inputs; p++) {
        if (p === 1) continue; // the gradient has no output
        const out = p === 0 ? inputs : inputs + p - 1;
        expect(steps).toContain(`store${out}`);
        const lastLoad = steps.lastIndexOf(`load${p}`);
        expect(lastLoad, `pointer ${p} is read after its output is written`).toBeLessThan(
          steps.indexOf(`store${out}`),
        );
      }
      expect(rule.scalars(rule.state).length).toBe(shapeOf(rule.program).scalars);
    },
  );

  // Values spanning the float32 range the updates meet: zeros, tiny and large gradients.
  const value = fc.oneof(
    fc.constant(0),
    fc.float({ min: -1e3, max: 1e3, noNaN: true }),
    fc.float({ min: Math.fround(-1e-6), max: Math.fround(1e-6), noNaN: true }),
  );
  it.each(SPECS.map((s) => [updateRule(s).name, s] as const))(
    '%s: the WebAssembly SIMD function computes the JavaScript reference bit for bit',
    (_name, spec) => {
      const rule = updateRule(spec);
      const fn = elementwiseFunction({ name: 'update', program: rule.program });
      const memory = new WebAssembly.Memory({ initial: 1 });
      const run = instantiateOn([fn], memory).update as (...a: number[]) => void;
      const pointers = shapeOf(rule.program).pointers;
      const inputs = 2 + rule.slots.length;
      fc.assert(
        fc.property(fc.array(value, { minLength: 1, maxLength: 23 }), fc.nat(5), (base, steps) => {
          const n = base.length;
          // value, gradient, slots (non-negative where the rule squares into them)
          const arrays = Array.from({ length: pointers }, (_, p) =>
            Float32Array.from(base, (v, i) => (p >= 2 && p < inputs ? Math.abs(v) : v + i * p)),
          );
          let state = [...rule.state];
          for (let s = 0; s < steps; s++) state = rule.advance(state);
          const scalars = rule.scalars(state);
          const js = arrays.map((a) => a.slice());
          runProgram(rule.program, js, n, scalars);
          const heap = new Float32Array(memory.buffer);
          arrays.forEach((a, p) => heap.set(a, p * 32));
          run(...arrays.map((_, p) => p * 128), n, ...scalars);
          for (let p = inputs; p < pointers; p++) {
            expect(bits(heap.slice(p * 32, p * 32 + n))).toEqual(bits(js[p]!.subarray(0, n)));
          }
        }),
        { numRuns: 60 },
      );
    },
  );

  it('slots start where tfjs starts them (Adagrad: its initial accumulator)', () => {
    const adagrad = updateRule(SPECS.find((s) => s.kind === 'adagrad')!);
    expect(adagrad.slots).toEqual([{ name: 'accumulator', initial: Math.fround(0.1) }]);
    const adam = updateRule(SPECS.find((s) => s.kind === 'adam')!);
    expect(adam.state).toEqual([Math.fround(0.9), Math.fround(0.999)]);
    expect(adam.advance(adam.state)).toEqual([
      Math.fround(Math.fround(0.9) * Math.fround(0.9)),
      Math.fround(Math.fround(0.999) * Math.fround(0.999)),
    ]);
  });
});
