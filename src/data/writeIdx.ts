import { gzipSync } from 'fflate';
import { show, typeError, rangeError } from '../core/errors';
import type { NdArray, TypedArray } from '../core/types';
import { IDX_SIZE, IDX_TYPE_CODE, dtypeOf } from './idxFormat';
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
 * @throws TypeError when `data` is not one of the six typed arrays
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
  const { gzip } = checkOptions('writeIdx', options, { gzip: boolean });
  if (typeof array !== 'object' || array === null) {
    throw typeError('writeIdx', `array is ${show(array)}; expected an NdArray ({ data, shape })`);
  }
  const { data, shape } = array;
  if (!isIdxTypedArray(data)) {
    throw typeError(
      'writeIdx',
      `data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or ` +
        `Float64Array, got ${show(data)}`,
    );
  }
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 255) {
    throw rangeError(
      'writeIdx',
      `shape must have 1 to 255 dimensions, got ${Array.isArray(shape) ? shape.length : show(shape)}`,
    );
  }
  let count = 1;
  shape.forEach((dim, i) => {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) {
      throw rangeError('writeIdx', `shape[${i}] is ${show(dim)}; expected an integer in [0, 2^32)`);
    }
    count *= dim;
  });
  if (count !== data.length) {
    throw rangeError(
      'writeIdx',
      `shape [${shape.join(', ')}] holds ${count} values but data has ${data.length}`,
    );
  }
  const dtype = dtypeOf(data);
  const code = IDX_TYPE_CODE[dtype];
  const size = IDX_SIZE[dtype];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((dim: number, i) => view.setUint32(4 + 4 * i, dim, false));
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    const v = data[i] as number;
    switch (dtype) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      case 'float64':
        view.setFloat64(at, v, false);
        break;
    }
  }
  return gzip === true ? gzipSync(out) : out;
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
