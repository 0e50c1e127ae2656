import type { TypedArray } from '../core/types';

/** The element types of the IDX format, by their type byte. */
export const IDX_TYPES: Readonly<Record<number, { dtype: IdxDtype; size: number }>> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/**
 * The element types of the IDX format, named as numpy names them.
 *
 * @category Data
 */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * The typed array that holds each IDX element type.
 *
 * @category Data
 */
export interface IdxArrayTypes {
  /** Type byte 0x08. */
  uint8: Uint8Array;
  /** Type byte 0x09. */
  int8: Int8Array;
  /** Type byte 0x0B, big-endian in the file. */
  int16: Int16Array;
  /** Type byte 0x0C, big-endian in the file. */
  int32: Int32Array;
  /** Type byte 0x0D, big-endian in the file. */
  float32: Float32Array;
  /** Type byte 0x0E, big-endian in the file. */
  float64: Float64Array;
}

export const IDX_TYPE_CODE: Record<IdxDtype, number> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

export function dtypeOf(data: TypedArray): IdxDtype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** Bytes per element of each IDX element type. */
export const IDX_SIZE: Record<IdxDtype, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};
