/**
 * denselab's one validation vocabulary. Every public function checks its arguments and options
 * with these, so every error has the same shape and follows one rule:
 *
 * - the wrong JavaScript type (a string for a number, an array for an options object, an
 *   unknown option key) is a `TypeError`;
 * - a value of the right type that is out of range (0 epochs, a fractional label, NaN) is a
 *   `RangeError`;
 * - each message starts with the public function the user called, names the argument or option
 *   path (`epochs`, `hiddenUnits[1]`, `validationData.x`), shows the value received and says
 *   what was expected: `fitClassifier: epochs is 0; expected an integer >= 1`.
 *
 * Checks run before anything is allocated or changed. Internal.
 */
import { describeData, rangeError, show, typeError } from './errors';

/** Checks one value found at `path` in a call of `fn`; returns it, typed. */
export type Check<T> = (fn: string, path: string, value: unknown) => T;

/** What a failed check expected, for messages: `an integer >= 1`. */
function fail(
  kind: 'type' | 'range',
  fn: string,
  path: string,
  value: unknown,
  expected: string,
): never {
  const message = `${path} is ${show(value)}; expected ${expected}`;
  throw kind === 'type' ? typeError(fn, message) : rangeError(fn, message);
}

/** The bounds of a number check, both inclusive unless said otherwise. */
export interface Bounds {
  min?: number;
  max?: number;
  /** The minimum itself is not allowed (`> 0` rather than `>= 0`). */
  exclusiveMin?: boolean;
}

function describeBounds(noun: string, b: Bounds): string {
  const lo = b.min === undefined ? '' : `${b.exclusiveMin === true ? '>' : '>='} ${b.min}`;
  if (b.min !== undefined && b.max !== undefined) {
    return b.exclusiveMin === true
      ? `${noun} in (${b.min}, ${b.max}]`
      : `${noun} in [${b.min}, ${b.max}]`;
  }
  if (b.max !== undefined) return `${noun} <= ${b.max}`;
  return lo === '' ? noun : `${noun} ${lo}`;
}

function inBounds(v: number, b: Bounds): boolean {
  if (b.min !== undefined && (b.exclusiveMin === true ? !(v > b.min) : !(v >= b.min))) return false;
  return b.max === undefined || v <= b.max;
}

/** A finite number within `bounds`. */
export function finite(bounds: Bounds = {}, noun = 'a finite number'): Check<number> {
  const expected = describeBounds(noun, bounds);
  return (fn, path, value) => {
    if (typeof value !== 'number') return fail('type', fn, path, value, expected);
    if (!Number.isFinite(value) || !inBounds(value, bounds)) {
      return fail('range', fn, path, value, expected);
    }
    return value;
  };
}

/** A safe integer within `bounds`. */
export function integer(bounds: Bounds = {}): Check<number> {
  const expected = describeBounds('an integer', bounds);
  return (fn, path, value) => {
    if (typeof value !== 'number') return fail('type', fn, path, value, expected);
    if (!Number.isSafeInteger(value) || !inBounds(value, bounds)) {
      return fail('range', fn, path, value, expected);
    }
    return value;
  };
}

/** true or false. */
export const boolean: Check<boolean> = (fn, path, value) =>
  typeof value === 'boolean' ? value : fail('type', fn, path, value, 'true or false');

/** One of the listed values (strings or numbers); another value of their type is a RangeError. */
export function oneOf<const T extends string | number>(values: readonly T[]): Check<T> {
  const listed = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  const expected =
    listed.length <= 2
      ? listed.join(' or ')
      : `one of ${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
  const types = new Set(values.map((v) => typeof v));
  return (fn, path, value) => {
    if (!types.has(typeof value)) {
      return fail('type', fn, path, value, expected);
    }
    if (!(values as readonly unknown[]).includes(value)) {
      return fail('range', fn, path, value, expected);
    }
    return value as T;
  };
}

/** Any string, the empty one too (a table cell, a caption). */
export const string: Check<string> = (fn, path, value) =>
  typeof value === 'string' ? value : fail('type', fn, path, value, 'a string');

/** A plain object (not an array, not null), such as a MIME bundle or a chart spec. */
export const plainObject: Check<Record<string, unknown>> = (fn, path, value) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : fail('type', fn, path, value, 'an object');

/** A non-empty string. */
export const nonEmptyString: Check<string> = (fn, path, value) => {
  if (typeof value !== 'string') return fail('type', fn, path, value, 'a non-empty string');
  if (value === '') return fail('range', fn, path, value, 'a non-empty string');
  return value;
};

/** A function (`what` says which kind, for the message). */
export function func<T>(what = 'a function'): Check<T> {
  return (fn, path, value) =>
    typeof value === 'function' ? (value as T) : fail('type', fn, path, value, what);
}

/** An object with the listed methods (duck-typed), such as a sink or an IOHandler. */
export function withMethods<T>(what: string, ...methods: string[]): Check<T> {
  return (fn, path, value) => {
    const ok =
      typeof value === 'object' &&
      value !== null &&
      methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
    return ok ? (value as T) : fail('type', fn, path, value, what);
  };
}

/** An array whose items all pass `item`, of a length within `length`. */
export function arrayOf<T>(item: Check<T>, length: Bounds = {}, noun = 'an array'): Check<T[]> {
  const bounded = length.min !== undefined || length.max !== undefined;
  const expected = bounded
    ? describeBounds(`${noun} of length`, length).replace('of length >= 1', '(non-empty)')
    : noun;
  return (fn, path, value) => {
    if (!Array.isArray(value)) return fail('type', fn, path, value, expected);
    if (!inBounds(value.length, length)) return fail('range', fn, path, value, expected);
    return value.map((v, i) => item(fn, `${path}[${i}]`, v));
  };
}

/** The first check that accepts the value; the message lists what each expected. */
export function either<A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> {
  return (fn, path, value) => {
    for (const check of [a, b] as Check<A | B>[]) {
      try {
        return check(fn, path, value);
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
      }
    }
    return fail('type', fn, path, value, expected);
  };
}

/** A description of an options object: one check per known key. */
export type OptionSpec = Record<string, Check<unknown>>;

/** The checked options: each key's type when given, undefined when absent. */
export type Checked<S extends OptionSpec> = { [K in keyof S]?: ReturnType<S[K]> };

/**
 * What to say about option names that other libraries use and denselab does not (Keras'
 * `metrics`, `lr`, ...): the key, and the sentence that says what to do instead.
 */
export type OptionHints = Readonly<Record<string, string>>;

/**
 * Checks an options object against `spec`: `undefined` and `null` are no options; anything
 * other than a plain object (an array, a number, a string, a tensor) is a TypeError that says
 * what it is; an unknown key is a TypeError that says what to do instead (from `hints`) or
 * suggests the closest known key (Keras raises on unknown keyword arguments too); each given
 * key passes its check. Keys whose value is `undefined` count as absent.
 */
export function checkOptions<S extends OptionSpec>(
  fn: string,
  options: unknown,
  spec: S,
  path = 'options',
  hints: OptionHints = {},
): Checked<S> {
  if (options === undefined || options === null) return {};
  if (
    typeof options !== 'object' ||
    Array.isArray(options) ||
    describeData(options) !== undefined
  ) {
    return fail(
      'type',
      fn,
      path,
      options,
      `an options object such as { ${Object.keys(spec)[0] ?? ''}: ... }`,
    );
  }
  const known = Object.keys(spec);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(spec, key)) {
      throw typeError(fn, unknownKeyMessage(key, known, path, hints));
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of known) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const name = path === 'options' ? key : `${path}.${key}`;
    out[key] = (spec[key] as Check<unknown>)(fn, name, value);
  }
  return out as Checked<S>;
}

/**
 * `unknown option "lr": use learningRate. Known options: ...` or
 * `unknown option "epoch"; did you mean "epochs"? Known options: ...`: one sentence about the
 * key, then the list.
 */
function unknownKeyMessage(
  key: string,
  known: readonly string[],
  path: string,
  hints: OptionHints,
): string {
  const what =
    path === 'options'
      ? `unknown option ${JSON.stringify(key)}`
      : `${path} has an unknown key ${JSON.stringify(key)}`;
  const list = `Known ${path === 'options' ? 'options' : 'keys'}: ${known.join(', ')}.`;
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const hintKey = [key, camel].find((k) => Object.prototype.hasOwnProperty.call(hints, k));
  if (hintKey !== undefined) return `${what}: ${hints[hintKey]}. ${list}`;
  const close = known.includes(camel) ? camel : closest(key, known);
  if (close === undefined) return `${what}. ${list}`;
  return `${what}; did you mean ${JSON.stringify(close)}? ${list}`;
}

/**
 * The known key the user probably meant: one that `key` is the start of (`batch` for
 * `batchSize`) or that starts `key` (`epochs` for `epochsCount`), else the nearest by edit
 * distance when it is near enough to be a typo.
 */
export function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const byPrefix = known
    .filter((k) => {
      const kl = k.toLowerCase();
      return (
        Math.min(kl.length, lower.length) >= 2 && (kl.startsWith(lower) || lower.startsWith(kl))
      );
    })
    .sort((a, b) => Math.abs(a.length - key.length) - Math.abs(b.length - key.length));
  if (byPrefix[0] !== undefined) return byPrefix[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor((best?.length ?? 0) / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** Levenshtein distance with transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (d[(i - 1) * cols + j] as number) + 1,
        (d[i * cols + j - 1] as number) + 1,
        (d[(i - 1) * cols + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (d[(i - 2) * cols + j - 2] as number) + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] as number;
}

/** A nested options object, checked key by key as {@link checkOptions} checks the outer one. */
export function nested<S extends OptionSpec>(spec: S, hints: OptionHints = {}): Check<Checked<S>> {
  return (fn, path, value) => checkOptions(fn, value, spec, path, hints);
}

/**
 * A renamed option kept for a minor version: when both names are given it is a TypeError;
 * otherwise the value under either name.
 */
export function renamed<T>(
  fn: string,
  current: { name: string; value: T | undefined },
  old: { name: string; value: T | undefined },
): T | undefined {
  if (current.value !== undefined && old.value !== undefined) {
    throw typeError(
      fn,
      `${old.name} is the old name of ${current.name}; pass ${current.name} only`,
    );
  }
  return current.value ?? old.value;
}
