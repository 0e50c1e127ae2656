import * as tf from '@tensorflow/tfjs-core';
import { show, typeError } from '../core/errors';
import { hasWasmSimd } from '../wasm/encoder';
import { cpuGemmBatchMatMul, untransposedBatchMatMul, wasmGemmBatchMatMul } from './batchMatMul';
import { cpuGather, wasmGather, wasmSlice } from './copyKernels';
import { UPDATE_KERNEL, updateOnCpu, updateOnWasm } from './updateKernel';

/** One of denselab's kernels: for a backend, replacing tfjs' kernel or adding a new one. */
interface FastKernel {
  kernelName: string;
  backendName: string;
  /** Whether tfjs has a kernel of that name that this one replaces. */
  replaces: boolean;
  /** The kernel function, or undefined when this runtime cannot run it. */
  make(): tf.KernelConfig['kernelFunc'] | undefined;
}

const tfjsKernel = (name: string, backend: string): tf.KernelConfig['kernelFunc'] | undefined =>
  tf.getKernel(name, backend)?.kernelFunc;

const KERNELS: FastKernel[] = [
  {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    replaces: true,
    make: () => {
      const xnnpack = tfjsKernel('BatchMatMul', 'wasm');
      const transpose = tfjsKernel('Transpose', 'wasm');
      if (xnnpack === undefined || transpose === undefined) return undefined;
      const plain = hasWasmSimd() ? wasmGemmBatchMatMul(xnnpack) : xnnpack;
      return untransposedBatchMatMul(plain, transpose);
    },
  },
  {
    kernelName: 'BatchMatMul',
    backendName: 'cpu',
    replaces: true,
    make: () => {
      const original = tfjsKernel('BatchMatMul', 'cpu');
      return original && hasWasmSimd() ? cpuGemmBatchMatMul(original) : undefined;
    },
  },
  ...(
    [
      ['Slice', 'wasm', wasmSlice],
      ['GatherV2', 'wasm', wasmGather],
      ['GatherV2', 'cpu', cpuGather],
    ] as const
  ).map(([kernelName, backendName, wrap]): FastKernel => ({
    kernelName,
    backendName,
    replaces: true,
    make: () => {
      const original = tfjsKernel(kernelName, backendName);
      return original && wrap(original);
    },
  })),
  ...(
    [
      [UPDATE_KERNEL, 'wasm', updateOnWasm],
      [UPDATE_KERNEL, 'cpu', updateOnCpu],
    ] as const
  ).map(([kernelName, backendName, kernelFunc]): FastKernel => ({
    kernelName,
    backendName,
    replaces: false,
    make: () => (hasWasmSimd() ? kernelFunc : undefined),
  })),
];

/** Installed kernels by backend/kernel name, with the tfjs kernel each replaced (or null). */
const replaced = new Map<string, tf.KernelConfig | null>();

/**
 * Turns denselab's faster kernels on or off for every tfjs user in this process. They give
 * the same results as the code they replace (up to float32 summation order in products) and
 * are on once {@link selectBackend} has run, unless it was given `fastKernels: false`.
 *
 * - On wasm, `BatchMatMul` with a transposed operand (every Dense layer's backward pass)
 *   rearranges the product so that XNNPACK computes it, instead of tfjs 4.22's plain loop.
 * - On wasm and cpu, the RMSprop and Adam optimizers that {@link createOptimizer} (and so
 *   {@link buildDenseClassifier} and {@link loadModel}) makes update each variable in one
 *   WebAssembly SIMD pass instead of about 15 elementwise kernels, with the same float32
 *   arithmetic (bit-identical results).
 * - Matrix products without XNNPACK's packing of fresh weights on wasm (short products only,
 *   and only where XNNPACK runs on one thread), and instead of JavaScript loops on cpu.
 * - `slice` (wasm) and `gather` (wasm, cpu) copy only what they take; tfjs' wasm `slice`
 *   reads its whole input back first.
 *
 * Together they make a training step of a dense MNIST classifier several times faster than a plain
 * tfjs `model.fit` (see the benchmarks page). Turning them off restores tfjs' kernels; other
 * code sharing the tfjs engine sees only faster kernels with the same results.
 *
 * @param enabled - true to install the kernels, false to restore tfjs' own
 * @returns the backends that now have at least one of denselab's kernels
 * @throws TypeError when `enabled` is not a boolean
 *
 * @category Backend
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
  for (const kernel of KERNELS) {
    const key = `${kernel.backendName}/${kernel.kernelName}`;
    const installed = replaced.has(key);
    if (enabled && !installed) install(key, kernel);
    if (!enabled && installed) uninstall(key);
  }
  return [...new Set([...replaced.keys()].map((key) => key.split('/')[0] as string))];
}

function install(key: string, kernel: FastKernel): void {
  const original = tf.getKernel(kernel.kernelName, kernel.backendName);
  if (kernel.replaces !== (original !== undefined)) return; // backend not loaded, or a clash
  const kernelFunc = kernel.make();
  if (kernelFunc === undefined) return;
  if (original !== undefined) tf.unregisterKernel(kernel.kernelName, kernel.backendName);
  tf.registerKernel({ ...original, ...kernel, kernelFunc });
  replaced.set(key, original ?? null);
}

function uninstall(key: string): void {
  const original = replaced.get(key);
  const [backendName, kernelName] = key.split('/') as [string, string];
  tf.unregisterKernel(kernelName, backendName);
  if (original) tf.registerKernel(original);
  replaced.delete(key);
}
