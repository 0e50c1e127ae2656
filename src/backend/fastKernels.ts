import * as tf from '@tensorflow/tfjs-core';
import { show, typeError } from '../core/errors';

/**
 * Which tfjs backends get denselab's faster kernels. On wasm, tfjs 4.22's BatchMatMul with
 * `transposeA` or `transposeB` (what every Dense layer's backward pass asks for) is 10 to 20
 * times slower than transposing first and multiplying plainly.
 */
const BACKENDS = ['wasm'] as const;

type KernelFunc = tf.KernelConfig['kernelFunc'];
const originals = new Map<string, tf.KernelConfig>();

/** Copies a tensor's last two axes swapped, with the backend's own Transpose kernel. */
function transposeLastTwo(
  transpose: KernelFunc,
  x: tf.TensorInfo,
  backend: tf.KernelBackend,
): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Turns denselab's faster kernels on or off for every tfjs user in this process. They give
 * the same results as the kernels they replace (up to float32 summation order) and are on
 * once {@link selectBackend} has run, unless it was given `fastKernels: false`.
 *
 * Today there is one: on wasm, `BatchMatMul` with a transposed operand transposes it first
 * (with wasm's own Transpose kernel) and multiplies plainly, which with fitClassifier makes
 * a training step of the notes' model 2.3 times faster than a plain tfjs `model.fit` (see the
 * benchmarks page). Turning it off restores tfjs' kernel.
 *
 * @param enabled - true to install the kernels, false to restore tfjs' own
 * @returns the backends whose kernels are now replaced
 * @throws TypeError when `enabled` is not a boolean
 *
 * @example
 * ```ts
 * import { useFastKernels } from 'denselab';
 *
 * console.log(useFastKernels(false)); // []
 * ```
 */
export function useFastKernels(enabled = true): string[] {
  if (typeof enabled !== 'boolean') {
    throw typeError('useFastKernels', `enabled is ${show(enabled)}; expected true or false`);
  }
  for (const backend of BACKENDS) {
    const installed = originals.has(backend);
    if (enabled && !installed) install(backend);
    if (!enabled && installed) uninstall(backend);
  }
  return [...originals.keys()];
}

function install(backendName: string): void {
  let original: tf.KernelConfig;
  let transpose: KernelFunc;
  try {
    original = tf.getKernel('BatchMatMul', backendName);
    transpose = tf.getKernel('Transpose', backendName).kernelFunc;
  } catch {
    return; // that backend's package is not loaded
  }
  if (original === undefined || transpose === undefined) return;
  const plain = original.kernelFunc;
  tf.unregisterKernel('BatchMatMul', backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as {
        inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
        backend: tf.KernelBackend;
        attrs: { transposeA: boolean; transposeB: boolean };
      };
      if (!attrs.transposeA && !attrs.transposeB) return plain(args);
      const temporaries: tf.TensorInfo[] = [];
      const a = attrs.transposeA ? transposeLastTwo(transpose, inputs.a, backend) : inputs.a;
      if (attrs.transposeA) temporaries.push(a);
      const b = attrs.transposeB ? transposeLastTwo(transpose, inputs.b, backend) : inputs.b;
      if (attrs.transposeB) temporaries.push(b);
      try {
        return plain({
          ...args,
          inputs: { a, b },
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of temporaries) backend.disposeData(t.dataId);
      }
    },
  });
  originals.set(backendName, original);
}

function uninstall(backendName: string): void {
  const original = originals.get(backendName);
  if (original === undefined) return;
  tf.unregisterKernel('BatchMatMul', backendName);
  tf.registerKernel(original);
  originals.delete(backendName);
}
