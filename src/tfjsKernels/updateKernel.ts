/**
 * One tfjs kernel for a whole optimizer step of one variable, made from the optimizer's update
 * rule (src/rules/optimizers.ts): the new value and slots in a single SIMD pass over memory,
 * instead of tfjs' chain of 10 to 20 elementwise kernels, each allocating and walking a
 * full-size tensor. The program follows tfjs' optimizer operation by operation, so the results
 * are tfjs' bit for bit. On the wasm backend it reads and writes the backend's heap; on the cpu
 * backend it copies through a scratch memory. Internal: installed by useFastKernels, run by the
 * fused optimizers (src/optim/fusedUpdate.ts).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { cpuParts, offsetOf, valuesOf, wasmMemoryOf, wasmParts } from '../internals/tfjsInternals';
import { updateRule, type OptimizerSpec, type UpdateRule } from '../rules/optimizers';
import { elementwiseFunction, runnable } from '../wasm/elementwise';
import type { WasmFunction } from '../wasm/encoder';
import { scratchMemory } from './scratchMemory';

/** The kernel's name in tfjs' registry. */
export const UPDATE_KERNEL = 'DenselabOptimizerUpdate';

/**
 * Its attributes: the optimizer and its state before the step. Its inputs are `value`,
 * `gradient` and `slot0`, `slot1`, ... (the rule's slots in order); its outputs the new value
 * and slots.
 */
export interface UpdateAttrs {
  optimizer: OptimizerSpec;
  state: readonly number[];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const functions = new Map<string, WasmFunction>();

/** The rule's program as a WebAssembly function (pointers..., n, scalars...), compiled once. */
function functionOf(rule: UpdateRule): WasmFunction {
  let fn = functions.get(rule.name);
  if (fn === undefined) {
    fn = elementwiseFunction({ name: `update_${rule.name}`, program: rule.program });
    functions.set(rule.name, fn);
  }
  return fn;
}

/** The rule, its inputs in pointer order, the shape and element count of one kernel call. */
function prepare(args: KernelArgs): {
  rule: UpdateRule;
  scalars: number[];
  inputs: tf.TensorInfo[];
  shape: number[];
  n: number;
} {
  const attrs = args.attrs as unknown as UpdateAttrs;
  const rule = updateRule(attrs.optimizer);
  const names = ['value', 'gradient', ...rule.slots.map((_, s) => `slot${s}`)];
  const inputs = names.map((name) => args.inputs[name] as tf.TensorInfo);
  const shape = [...(inputs[0] as tf.TensorInfo).shape];
  const n = shape.reduce((a, b) => a * b, 1);
  return { rule, scalars: rule.scalars(attrs.state), inputs, shape, n };
}

/** The kernel on tfjs' wasm backend: reads and writes the backend's own heap, no copies. */
export function updateOnWasm(args: KernelArgs): tf.TensorInfo[] {
  const { rule, scalars, inputs, shape, n } = prepare(args);
  const backend = wasmParts(args.backend);
  const memory = wasmMemoryOf(backend);
  if (backend === undefined || memory === undefined) {
    throw new Error(`${UPDATE_KERNEL}: not tfjs' wasm backend`);
  }
  const outs = inputs.map((_, k) => (k === 1 ? undefined : backend.makeOutput(shape, 'float32')));
  const outputs = outs.filter((t): t is tf.TensorInfo => t !== undefined);
  const pointers = [...inputs, ...outputs].map((t) => offsetOf(backend, t));
  runnable(functionOf(rule), memory)(...pointers, n, ...scalars);
  return outputs;
}

/** The kernel on tfjs' cpu backend: copies into the scratch memory and back. */
export function updateOnCpu(args: KernelArgs): tf.TensorInfo[] {
  const { rule, scalars, inputs, shape, n } = prepare(args);
  const backend = cpuParts(args.backend);
  if (backend === undefined) throw new Error(`${UPDATE_KERNEL}: not tfjs' cpu backend`);
  const outputs = inputs.length - 1; // the value and each slot
  const count = inputs.length + outputs;
  const memory = scratchMemory(count * n * 4);
  const heap = new Float32Array(memory.buffer);
  inputs.forEach((t, k) => {
    const values = valuesOf(backend, t);
    if (!(values instanceof Float32Array))
      throw new Error(`${UPDATE_KERNEL}: expected float32 data`);
    heap.set(values, k * n);
  });
  const pointers = Array.from({ length: count }, (_, k) => k * n * 4);
  runnable(functionOf(rule), memory)(...pointers, n, ...scalars);
  return Array.from({ length: outputs }, (_, k) => {
    const at = (inputs.length + k) * n;
    return backend.makeTensorInfo(shape, 'float32', heap.slice(at, at + n));
  });
}

/** Whether the kernel can run on `backend` (tfjs' wasm or cpu backend). */
export function runsOn(backendName: string, backend: unknown): boolean {
  if (backendName === 'wasm') return wasmMemoryOf(backend) !== undefined;
  if (backendName === 'cpu') return cpuParts(backend) !== undefined;
  return false;
}
