import { show, typeError } from '../core/errors';
import type { NdArray } from '../core/types';
import { LIMITS } from '../core/limits';
import { gunzip, GunzipError } from './gunzip';
import { IdxFormatError } from './IdxFormatError';
import { IDX_TYPES, type IdxArrayTypes, type IdxDtype } from './idxFormat';

/**
 * The result of {@link readIdx}: the element type, the shape and the values. `dtype` tells
 * TypeScript which typed array `data` is.
 *
 * @category Data
 */
export type IdxArray = {
  [K in IdxDtype]: NdArray<IdxArrayTypes[K]> & IdxTag<K>;
}[IdxDtype];

/**
 * The element type tag of an {@link IdxArray}.
 *
 * @category Data
 */
export interface IdxTag<K extends IdxDtype> {
  /** The element type the file declared. */
  readonly dtype: K;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a file in the IDX format, the format of MNIST and its relatives
 * (`train-images-idx3-ubyte` and so on), gzipped or not.
 *
 * The header is big-endian: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
 * 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each dimension as a
 * 32-bit unsigned integer. Gzip is recognised by its magic bytes and inflated first.
 *
 * For uint8 and int8 files that were not gzipped the returned `data` is a view on `bytes`
 * (no copy); wider types are converted from big-endian into a new typed array.
 *
 * @param bytes - the file's contents
 * @returns the element type, the shape and the values in row-major order
 * @throws {@link IdxFormatError} with `code` `bad-gzip`, `bad-magic`, `unknown-type`,
 *   `bad-shape`, `truncated` or `oversized` when the bytes are not a valid IDX file
 * @throws TypeError when `bytes` is not a Uint8Array or ArrayBuffer
 *
 * @category Data
 * @example
 * ```ts
 * import { readIdx } from 'denselab';
 *
 * // Two uint8 labels, 7 and 3: magic 0 0, type 0x08, one dimension of size 2.
 * const file = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 3]);
 * const labels = readIdx(file);
 * console.log(labels.dtype, labels.shape, Array.from(labels.data)); // uint8 [2] [7, 3]
 * ```
 */
export function readIdx(bytes: Uint8Array | ArrayBuffer): IdxArray {
  let buf: Uint8Array;
  if (bytes instanceof Uint8Array) buf = bytes;
  else if (bytes instanceof ArrayBuffer) buf = new Uint8Array(bytes);
  else {
    throw typeError('readIdx', `expected a Uint8Array or ArrayBuffer, got ${show(bytes)}`);
  }
  if (isGzip(buf)) {
    try {
      buf = gunzip(buf, expectedBytes);
    } catch (err) {
      if (!(err instanceof GunzipError)) throw err;
      throw new IdxFormatError(err.kind, err.message);
    }
  }
  if (buf.length < 4) {
    throw new IdxFormatError('truncated', `the header needs at least 4 bytes, got ${buf.length}`);
  }
  checkMagic(buf);
  const typeByte = buf[2] as number;
  const type = IDX_TYPES[typeByte] ?? checkType(typeByte);
  const rank = buf[3] as number;
  if (rank === 0) {
    throw new IdxFormatError('bad-shape', 'the header declares 0 dimensions; expected at least 1');
  }
  const headerLength = 4 + 4 * rank;
  if (buf.length < headerLength) {
    throw new IdxFormatError(
      'truncated',
      `the header declares ${rank} dimensions and needs ${headerLength} bytes, got ${buf.length}`,
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    shape.push(dim);
    count *= dim;
  }
  const expected = headerLength + count * type.size;
  if (buf.length < expected) {
    throw new IdxFormatError(
      'truncated',
      `shape [${shape.join(', ')}] of ${type.dtype} needs ${expected} bytes, got ${buf.length}`,
    );
  }
  if (buf.length > expected) {
    throw new IdxFormatError(
      'oversized',
      `shape [${shape.join(', ')}] of ${type.dtype} needs ${expected} bytes, got ${buf.length} ` +
        `(${buf.length - expected} extra)`,
    );
  }
  const start = buf.byteOffset + headerLength;
  return { dtype: type.dtype, shape, data: decode(type.dtype, buf, start, count) } as IdxArray;
}

/**
 * The bytes an IDX file starting with `head` needs (header and data), for inflating gzip no
 * further than that. `head` holds the first inflated bytes (all of them when there are fewer
 * than 64), so a header that cannot be valid is reported at once.
 */
function expectedBytes(head: Uint8Array): number {
  if (head.length >= 2 && (head[0] !== 0 || head[1] !== 0)) checkMagic(head);
  if (head.length < 4) return head.length;
  const type = IDX_TYPES[head[2] as number];
  if (type === undefined) checkType(head[2] as number);
  const rank = head[3] as number;
  if (rank === 0 || head.length < 4 + 4 * rank) return head.length;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < rank; i++) count *= view.getUint32(4 + 4 * i, false);
  const bytes = 4 + 4 * rank + count * (type as { size: number }).size;
  if (bytes > LIMITS.maxIdxBytes) {
    throw new IdxFormatError(
      'oversized',
      `the header declares ${bytes} bytes; expected at most ${LIMITS.maxIdxBytes} (LIMITS.maxIdxBytes)`,
    );
  }
  return bytes;
}

function checkMagic(buf: Uint8Array): void {
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new IdxFormatError(
      'bad-magic',
      `the first two bytes must be 0x00 0x00, got 0x${hex(buf[0])} 0x${hex(buf[1])}`,
    );
  }
}

function checkType(typeByte: number): never {
  throw new IdxFormatError(
    'unknown-type',
    `type byte 0x${hex(typeByte)} is not an IDX type; expected one of 0x08 (uint8), ` +
      `0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32), 0x0E (float64)`,
  );
}

function decode(
  dtype: IdxDtype,
  buf: Uint8Array,
  start: number,
  count: number,
): IdxArrayTypes[IdxDtype] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buf.buffer, start, count);
    case 'int8':
      return new Int8Array(buf.buffer, start, count);
    case 'int16':
      return readWide(Int16Array, 2, buf, start, count);
    case 'int32':
      return readWide(Int32Array, 4, buf, start, count);
    case 'float32':
      return readWide(Float32Array, 4, buf, start, count);
    case 'float64':
      return readWide(Float64Array, 8, buf, start, count);
  }
}

type WideCtor =
  Int16ArrayConstructor | Int32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

function readWide<C extends WideCtor>(
  Ctor: C,
  size: number,
  buf: Uint8Array,
  start: number,
  count: number,
): InstanceType<C> {
  // Copy the payload into a fresh, aligned buffer, then swap bytes in place on little-endian
  // hosts (all current JavaScript engines).
  const bytes = new Uint8Array(count * size);
  bytes.set(new Uint8Array(buf.buffer, start, count * size));
  if (LITTLE_ENDIAN_HOST) {
    for (let i = 0; i < bytes.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = bytes[a] as number;
        bytes[a] = bytes[b] as number;
        bytes[b] = t;
      }
    }
  }
  return new Ctor(bytes.buffer, 0, count) as InstanceType<C>;
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0').toUpperCase();
}
