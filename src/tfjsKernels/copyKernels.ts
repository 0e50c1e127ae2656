/**
 * Slice (wasm) and GatherV2 (wasm, cpu), copying only the bytes asked for. tfjs 4.22's wasm
 * Slice reads its whole input back (a copy of all of it) to take any part: 32 rows of MNIST's
 * 60,000 cost 125 ms. Its wasm Gather costs about 1 ms whatever the size, and its cpu Gather
 * computes every element's position. These do exactly what tfjs' kernels do (same values,
 * shapes and range errors); strings and other cases go to tfjs' kernels. Internal: installed
 * by useFastKernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpuParts, valuesOf } from '../internals/tfjsInternals';
import { COPY_BYTES, heap, offsetOf, wasmParts } from '../internals/tfjsInternals';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

/** Slice on wasm: copies the contiguous runs of the part asked for within the heap. */
export function wasmSlice(original: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const backend = wasmParts(args.backend);
    const x = args.inputs['x'] as tf.TensorInfo;
    const bytes = COPY_BYTES[x.dtype];
    if (backend === undefined || bytes === undefined || x.shape.length === 0) return original(args);
    const { begin, size } = args.attrs as unknown as {
      begin: number | number[];
      size?: number | number[];
    };
    const [start, shape] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    const out = backend.makeOutput(shape, x.dtype);
    const total = tf.util.sizeFromShape(shape);
    if (total === 0) return out;
    const rank = shape.length;
    // The longest suffix of axes taken whole is copied as one run with the axis before it.
    let axis = rank - 1;
    while (axis > 0 && shape[axis] === x.shape[axis]) axis--;
    const strides = tf.util.computeStrides(x.shape);
    const innerElements = axis + 1 < rank ? (strides[axis] as number) : 1;
    const run = (shape[axis] as number) * innerElements * bytes;
    const from = offsetOf(backend, x);
    let to = offsetOf(backend, out);
    const memory = heap(backend); // after makeOutput, which may have grown the heap
    const index = start.slice(0, axis);
    const tail = (start[axis] as number) * innerElements;
    for (let r = 0; r < total / (run / bytes); r++) {
      let element = tail;
      for (let d = 0; d < axis; d++) element += (index[d] as number) * (strides[d] as number);
      memory.copyWithin(to, from + element * bytes, from + element * bytes + run);
      to += run;
      // Next index over the leading axes, last fastest.
      for (let d = axis - 1; d >= 0; d--) {
        index[d] = (index[d] as number) + 1;
        if ((index[d] as number) < (start[d] as number) + (shape[d] as number)) break;
        index[d] = start[d] as number;
      }
    }
    return out;
  };
}

/** The rows gathered along axis 0 without batch dimensions, or undefined for other gathers. */
function gatheredRows(args: KernelArgs): number | undefined {
  const x = args.inputs['x'] as tf.TensorInfo;
  const indices = args.inputs['indices'] as tf.TensorInfo;
  const { axis, batchDims } = args.attrs as unknown as {
    axis: number | number[];
    batchDims?: number;
  };
  if (indices.dtype !== 'int32' || (batchDims ?? 0) !== 0 || x.shape.length === 0) {
    return undefined;
  }
  return tf.util.parseAxisParam(axis, x.shape)[0] === 0 ? x.shape[0] : undefined;
}

/** tfjs' own range check and message. */
function checkIndices(picks: Int32Array, rows: number): void {
  for (const i of picks) {
    if (i < 0 || i > rows - 1) {
      throw new Error(`GatherV2: the index value ${i} is not in [0, ${rows - 1}]`);
    }
  }
}

/** GatherV2 on wasm along axis 0 without batch dimensions: one copy per index. */
export function wasmGather(original: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const backend = wasmParts(args.backend);
    const x = args.inputs['x'] as tf.TensorInfo;
    const indices = args.inputs['indices'] as tf.TensorInfo;
    const bytes = COPY_BYTES[x.dtype];
    const rows = gatheredRows(args);
    if (backend === undefined || bytes === undefined || rows === undefined) return original(args);
    const count = tf.util.sizeFromShape(indices.shape);
    // Copy the indices out before makeOutput can grow (and so detach) the heap.
    const at = offsetOf(backend, indices);
    const picks = new Int32Array(heap(backend).buffer, at, count).slice();
    checkIndices(picks, rows);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const row = tf.util.sizeFromShape(x.shape.slice(1)) * bytes;
    if (row * count === 0) return out;
    const from = offsetOf(backend, x);
    const to = offsetOf(backend, out);
    const memory = heap(backend);
    for (let k = 0; k < count; k++) {
      const src = from + (picks[k] as number) * row;
      memory.copyWithin(to + k * row, src, src + row);
    }
    return out;
  };
}

/** GatherV2 on cpu along axis 0 without batch dimensions: one typed-array copy per index. */
export function cpuGather(original: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const indices = args.inputs['indices'] as tf.TensorInfo;
    const backend = cpuParts(args.backend);
    const values = backend && valuesOf(backend, x);
    const picks = backend && valuesOf(backend, indices);
    const rows = gatheredRows(args);
    if (
      backend === undefined ||
      rows === undefined ||
      !(
        values instanceof Float32Array ||
        values instanceof Int32Array ||
        values instanceof Uint8Array
      ) ||
      !(picks instanceof Int32Array)
    ) {
      return original(args);
    }
    checkIndices(picks, rows);
    const row = tf.util.sizeFromShape(x.shape.slice(1));
    const out = new (values.constructor as Float32ArrayConstructor)(picks.length * row);
    picks.forEach((i, k) => out.set(values.subarray(i * row, (i + 1) * row), k * row));
    return backend.makeTensorInfo([...indices.shape, ...x.shape.slice(1)], x.dtype, out);
  };
}
