import { rangeError, show } from './errors';

/** Checks an option that must be an integer >= 1; returns it. */
export function checkPositiveInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw rangeError(fn, `${name} is ${show(value)}; expected an integer >= 1`);
  }
  return value;
}

/** Checks an optional seed: a finite number. */
export function checkSeed(fn: string, seed: unknown): number | undefined {
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    throw rangeError(fn, `seed is ${show(seed)}; expected a finite number`);
  }
  return seed;
}
