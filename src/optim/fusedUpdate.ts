/**
 * What denselab's fused optimizers share: they keep tfjs' optimizer state (slot variables with
 * tfjs' names, private in its types) and replace the elementwise chain of one step by one
 * kernel per variable where that kernel is installed and the backend runs it. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Slot } from '../internals/tfjsInternals';
import { runsOn } from '../kernels/elementwise';

/** The (name, gradient) pairs of applyGradients' argument, in tfjs' order. */
export function gradientEntries(
  variableGradients: Record<string, tf.Tensor> | { name: string; tensor: tf.Tensor }[],
): [string, tf.Tensor | undefined][] {
  return Array.isArray(variableGradients)
    ? variableGradients.map((g) => [g.name, g.tensor])
    : Object.entries(variableGradients);
}

/**
 * Whether this step can run `kernelName`: installed for the current backend, which runs it,
 * and float32 variables whose gradients and existing slots have their shapes.
 */
export function canFuse(
  kernelName: string,
  entries: [string, tf.Tensor | undefined][],
  slotLists: unknown[],
): boolean {
  const backendName = tf.getBackend();
  const engine = tf.engine();
  if (!slotLists.every((list) => Array.isArray(list))) return false;
  if (tf.getKernel(kernelName, backendName) === undefined) return false;
  if (!runsOn(backendName, engine.backend)) return false;
  return entries.every(([name, gradient], i) => {
    const value = engine.registeredVariables[name];
    if (value === undefined || value.dtype !== 'float32') return false;
    const slots = (slotLists as (Slot | undefined)[][]).map((list) => list[i]?.variable);
    return [gradient, ...slots].every(
      (t) =>
        t == null ||
        (t.dtype === 'float32' &&
          t.shape.length === value.shape.length &&
          t.shape.every((d, k) => d === value.shape[k])),
    );
  });
}

/** Slot i of `list`, made as tfjs makes it (zeros, not trainable, `${name}/${suffix}`). */
export function slot(list: Slot[], i: number, name: string, suffix: string): tf.Variable {
  const value = tf.engine().registeredVariables[name] as tf.Variable;
  list[i] ??= {
    originalName: `${name}/${suffix}`,
    variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
  };
  return list[i].variable;
}

/** Runs the kernel and assigns its outputs, in order, to `targets`. */
export function runUpdate(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attrs: object,
  targets: tf.Variable[],
): void {
  const outputs = tf
    .engine()
    .runKernel<tf.Tensor[]>(kernelName, inputs, attrs as unknown as tf.NamedAttrMap);
  targets.forEach((t, k) => t.assign(outputs[k] as tf.Tensor));
  tf.dispose(outputs);
}
