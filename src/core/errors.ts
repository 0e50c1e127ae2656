/**
 * Helpers that give every error the same shape: the function's name, the bad value and what
 * was expected, e.g. `toCategorical: label -1 at index 3 is negative; expected integers in
 * [0, 10)`.
 */

/** Formats a value for an error message: short, and NaN/Infinity shown as such. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(show).join(', ');
    return `[${head}${value.length > 8 ? ', ...' : ''}]`;
  }
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function')
    return value.name === '' ? 'a function' : `function ${value.name}`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ?? 'object';
  }
  return typeof value;
}

/** A TypeError whose message starts with the function's name. */
export function typeError(fn: string, message: string): TypeError {
  return new TypeError(`${fn}: ${message}`);
}

/** A RangeError whose message starts with the function's name. */
export function rangeError(fn: string, message: string): RangeError {
  return new RangeError(`${fn}: ${message}`);
}
