/**
 * What denselab's optimizers share: they keep tfjs' optimizer state (slot variables with tfjs'
 * names, private in its types) and run each variable's step as the optimizer's update rule
 * (src/rules/optimizers.ts): one fused kernel per variable where denselab's kernels are
 * installed and the backend runs them (wasm, cpu), else the same program as tfjs operations
 * (webgl, webgpu). Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { slotLists, stateVariables, type Slot } from '../internals/tfjsInternals';
import { updateRule, type OptimizerSpec } from '../rules/optimizers';
import type { LaneOp, Program } from '../rules/program';
import { UPDATE_KERNEL, runsOn, type UpdateAttrs } from '../tfjsKernels/updateKernel';

type Gradients = Record<string, tf.Tensor> | { name: string; tensor: tf.Tensor }[];

/** The (name, gradient) pairs of applyGradients' argument, in tfjs' order. */
export function gradientEntries(variableGradients: Gradients): [string, tf.Tensor | undefined][] {
  return Array.isArray(variableGradients)
    ? variableGradients.map((g) => [g.name, g.tensor])
    : Object.entries(variableGradients);
}

/**
 * Whether this step can run the fused kernel: installed for the current backend, which runs it,
 * and float32 variables whose gradients and existing slots have their shapes.
 */
function canFuse(entries: [string, tf.Tensor | undefined][], lists: Slot[][]): boolean {
  const backendName = tf.getBackend();
  const engine = tf.engine();
  if (tf.getKernel(UPDATE_KERNEL, backendName) === undefined) return false;
  if (!runsOn(backendName, engine.backend)) return false;
  return entries.every(([name, gradient], i) => {
    const value = engine.registeredVariables[name];
    if (value === undefined || value.dtype !== 'float32') return false;
    const slots = lists.map((list) => list[i]?.variable);
    return [gradient, ...slots].every(
      (t) =>
        t == null ||
        (t.dtype === 'float32' &&
          t.shape.length === value.shape.length &&
          t.shape.every((d, k) => d === value.shape[k])),
    );
  });
}

/** Slot i of `list`, made as tfjs makes it (`initial`, not trainable, `${name}/${suffix}`). */
function slot(list: Slot[], i: number, name: string, suffix: string, initial: number): tf.Variable {
  const value = tf.engine().registeredVariables[name] as tf.Variable;
  list[i] ??= {
    originalName: `${name}/${suffix}`,
    variable: tf.tidy(() => tf.fill(value.shape, initial, 'float32').variable(false)),
  };
  return list[i].variable;
}

const TENSOR_OPS: Record<LaneOp, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  sqrt: (_a, b) => tf.sqrt(b),
  max: (a, b) => tf.maximum(a, b),
  abs: (_a, b) => tf.abs(b),
};

/** The program as tfjs operations on whole tensors: its outputs, by output pointer. */
function runOnTensors(program: Program, inputs: tf.Tensor[], scalars: number[]): tf.Tensor[] {
  const stack: tf.Tensor[] = [];
  const temps: tf.Tensor[] = [];
  const outputs: tf.Tensor[] = [];
  for (const [kind, k] of program) {
    if (kind === 'load') stack.push(inputs[k] as tf.Tensor);
    else if (kind === 'store') outputs[k - inputs.length] = stack.pop() as tf.Tensor;
    else if (kind === 'scalar') stack.push(tf.scalar(scalars[k] as number));
    else if (kind === 'set') temps[k] = stack.pop() as tf.Tensor;
    else if (kind === 'get') stack.push(temps[k] as tf.Tensor);
    else {
      const b = stack.pop() as tf.Tensor;
      const a = kind === 'sqrt' || kind === 'abs' ? b : (stack.pop() as tf.Tensor);
      stack.push(TENSOR_OPS[kind](a, b));
    }
  }
  return outputs;
}

/**
 * One step of `spec` over the variables: the fused kernel where it runs; elsewhere the rule's
 * program as tfjs operations, or nothing when `tfjsAgrees` (tfjs' own update computes the same
 * rule: the caller runs it). The rule's state (Adam's powers of beta and the like) is read from
 * and advanced in the optimizer's own variables.
 *
 * @returns whether the step ran (the caller then increments the iteration count)
 */
export function stepWithRule(
  optimizer: tf.Optimizer,
  spec: OptimizerSpec,
  variableGradients: Gradients,
  tfjsAgrees: boolean,
): boolean {
  const rule = updateRule(spec);
  const lists = slotLists(optimizer, spec.kind, rule.slots.length);
  const entries = gradientEntries(variableGradients);
  const fused = canFuse(entries, lists);
  if (!fused && tfjsAgrees) return false;
  const variables = stateVariables(optimizer, spec.kind);
  // tfjs keeps the state in scalar variables; the cpu and wasm backends read them at once.
  const state = variables.map((v) => v.dataSync()[0] as number);
  const attrs: UpdateAttrs = { optimizer: spec, state };
  const scalars = rule.scalars(state);
  entries.forEach(([name, gradient], i) => {
    const slots = rule.slots.map((s, k) => slot(lists[k] as Slot[], i, name, s.name, s.initial));
    if (gradient == null) return;
    const value = tf.engine().registeredVariables[name] as tf.Variable;
    const inputs = [value, gradient, ...slots];
    tf.tidy(() => {
      const outputs = fused
        ? tf
            .engine()
            .runKernel<tf.Tensor[]>(
              UPDATE_KERNEL,
              Object.fromEntries(inputs.map((t, k) => [inputName(k), t])),
              attrs as unknown as tf.NamedAttrMap,
            )
        : runOnTensors(rule.program, inputs, scalars);
      [value, ...slots].forEach((t, k) => t.assign(outputs[k] as tf.Tensor));
    });
  });
  const next = rule.advance(state);
  tf.tidy(() => variables.forEach((v, k) => v.assign(tf.scalar(next[k] as number, v.dtype))));
  return true;
}

/** The kernel's input names: value, gradient, slot0, slot1, ... */
function inputName(k: number): string {
  return k === 0 ? 'value' : k === 1 ? 'gradient' : `slot${k - 2}`;
}
