import { gzipSync } from 'fflate';
import { show, typeError, rangeError } from '../core/errors';
import type { NdArray, TypedArray } from '../core/types';
import { IDX_SIZE, IDX_TYPE_CODE, dtypeOf, type IdxDtype } from './idxFormat';
import { boolean, checkOptions } from '../core/validate';

/**
 * Options of {@link writeIdx}.
 *
 * @category Data
 */
export interface WriteIdxOptions {
  /** Gzip the result, as MNIST's `.gz` files are. Default `false`. */
  gzip?: boolean;
}

/**
 * Writes an array in the IDX format, the inverse of {@link readIdx}: the element type comes
 * from the typed array (Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array,
 * Float64Array), values are written big-endian.
 *
 * @param array - the values and their shape (1 to 255 dimensions)
 * @param options - `gzip: true` to compress the file
 * @returns the file's bytes
 * @throws TypeError when `data` is not one of the six typed arrays, or `shape` not an array
 * @throws RangeError when the shape is empty, has more than 255 dimensions, a dimension that is
 *   not an integer in [0, 2^32), or does not match the data's length
 *
 * @category Data
 * @example
 * ```ts
 * import { readIdx, writeIdx } from 'denselab';
 *
 * const bytes = writeIdx({ data: new Float32Array([0.5, 1.5, 2.5, 3.5]), shape: [2, 2] });
 * const back = readIdx(bytes);
 * console.log(back.dtype, back.shape, Array.from(back.data)); // float32 [2, 2] [0.5, 1.5, 2.5, 3.5]
 * ```
 */
export function writeIdx(array: NdArray, options: WriteIdxOptions = {}): Uint8Array {
  const { gzip } = checkOptions(FN, options, { gzip: boolean });
  const { data, shape } = checkArray(array);
  const out = encode(data, shape);
  return gzip === true ? gzipSync(out) : out;
}

const FN = 'writeIdx';
const TYPED_ARRAYS =
  'a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array';

/** The array's data and shape, checked against each other and the format's bounds. */
function checkArray(array: unknown): { data: TypedArray; shape: number[] } {
  if (typeof array !== 'object' || array === null) {
    throw typeError(FN, `array is ${show(array)}; expected an NdArray ({ data, shape })`);
  }
  const { data, shape } = array as { data: unknown; shape: unknown };
  if (!isIdxTypedArray(data)) {
    throw typeError(FN, `array.data is ${show(data)}; expected ${TYPED_ARRAYS}`);
  }
  if (!Array.isArray(shape)) {
    throw typeError(FN, `array.shape is ${show(shape)}; expected an array of dimensions`);
  }
  if (shape.length < 1 || shape.length > 255) {
    throw rangeError(
      FN,
      `array.shape has ${shape.length} dimensions; expected 1 to 255 (the format's limit)`,
    );
  }
  let count = 1;
  shape.forEach((dim: unknown, i) => {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) {
      throw rangeError(FN, `array.shape[${i}] is ${show(dim)}; expected an integer in [0, 2^32)`);
    }
    count *= dim;
  });
  if (count !== data.length) {
    throw rangeError(
      FN,
      `array.shape [${shape.join(', ')}] holds ${count} values but array.data has ${data.length}`,
    );
  }
  return { data, shape: shape as number[] };
}

/** Big-endian writers of one value, by element type. */
const WRITE: Record<IdxDtype, (view: DataView, at: number, v: number) => void> = {
  uint8: (view, at, v) => view.setUint8(at, v),
  int8: (view, at, v) => view.setInt8(at, v),
  int16: (view, at, v) => view.setInt16(at, v, false),
  int32: (view, at, v) => view.setInt32(at, v, false),
  float32: (view, at, v) => view.setFloat32(at, v, false),
  float64: (view, at, v) => view.setFloat64(at, v, false),
};

/** The IDX file of checked data: magic, dimensions, values. */
function encode(data: TypedArray, shape: readonly number[]): Uint8Array {
  const dtype = dtypeOf(data);
  const size = IDX_SIZE[dtype];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + data.length * size);
  const view = new DataView(out.buffer);
  out[2] = IDX_TYPE_CODE[dtype];
  out[3] = shape.length;
  shape.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  const write = WRITE[dtype];
  for (let i = 0; i < data.length; i++) write(view, header + i * size, data[i] as number);
  return out;
}

function isIdxTypedArray(data: unknown): data is TypedArray {
  return (
    data instanceof Uint8Array ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Int32Array ||
    data instanceof Float32Array ||
    data instanceof Float64Array
  );
}
