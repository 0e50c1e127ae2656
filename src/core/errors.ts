/**
 * Helpers that give every error the same shape: the function's name, the bad value and what
 * was expected, e.g. `toCategorical: label -1 at index 3 is negative; expected integers in
 * [0, 10)`.
 */

/** Formats a value for an error message: short, and NaN/Infinity shown as such. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const data = describeData(value);
  if (data !== undefined) return data;
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(show).join(', ');
    return `[${head}${value.length > 8 ? ', ...' : ''}]`;
  }
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function')
    return value.name === '' ? 'a function' : `function ${value.name}`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    if (name === undefined || name === 'Object') {
      const keys = Object.keys(value);
      return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
    }
    return `a ${name}`;
  }
  return typeof value;
}

/**
 * Data in words, as the user would recognise it (`a float32 Tensor of shape [8, 4]`, `a
 * Uint8Array of 60000 values`, `an NdArray of shape [60000, 28, 28] (Uint8Array)`, `a nested
 * array of shape [3, 2]`, `a tfjs-layers model "sequential_1"`); undefined for anything else.
 */
export function describeData(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.dataSync === 'function' && Array.isArray(v.shape) && typeof v.dtype === 'string') {
    const shape = `[${(v.shape as number[]).join(', ')}]`;
    return v.isDisposed === true
      ? `a disposed Tensor of shape ${shape}`
      : `a ${v.dtype} Tensor of shape ${shape}`;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const length = (value as unknown as ArrayLike<number>).length;
    return `a ${value.constructor.name} of ${length} value${length === 1 ? '' : 's'}`;
  }
  if (ArrayBuffer.isView(v.data) && Array.isArray(v.shape)) {
    return `an NdArray of shape [${(v.shape as number[]).join(', ')}] (${v.data.constructor.name})`;
  }
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    return `a nested array of shape [${nestedShape(value).join(', ')}]`;
  }
  if (Array.isArray(value) && value.length > 8) return `an array of ${value.length} values`;
  if (typeof v.predict === 'function' && Array.isArray(v.layers)) {
    return `a tfjs-layers model ${JSON.stringify(v.name ?? '')}`;
  }
  return undefined;
}

/** The shape of a nested array, read along its first elements. */
export function nestedShape(value: readonly unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/** True for values that hold data (a tensor, typed array, NdArray, nested array) or a model. */
export function isDataLike(value: unknown): boolean {
  return describeData(value) !== undefined || Array.isArray(value);
}

/** A TypeError whose message starts with the function's name. */
export function typeError(fn: string, message: string): TypeError {
  return new TypeError(`${fn}: ${message}`);
}

/** A RangeError whose message starts with the function's name. */
export function rangeError(fn: string, message: string): RangeError {
  return new RangeError(`${fn}: ${message}`);
}
