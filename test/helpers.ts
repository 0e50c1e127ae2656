import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `fn` and checks that the only tensors it leaves behind are the ones it returns
 * (a tensor, an array of tensors, or nothing).
 */
export function expectNoLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const result = fn();
  const returned = countTensors(result);
  expect(tf.memory().numTensors - before).toBe(returned);
  return result;
}

/** The same for an async function. */
export async function expectNoLeakAsync<T>(fn: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - before).toBe(countTensors(result));
  return result;
}

/** Checks that a throwing call leaves no tensor behind and throws the expected error. */
export function expectThrowsClean(
  fn: () => unknown,
  pattern: RegExp,
  type?: ErrorConstructor,
): void {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an error').toBeInstanceOf(type ?? Error);
  expect((caught as Error).message).toMatch(pattern);
  expect(tf.memory().numTensors).toBe(before);
}

function countTensors(value: unknown): number {
  if (value instanceof tf.Tensor) return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countTensors(v), 0);
  return 0;
}

/**
 * A metric value in a Keras progress line: four decimals, or Keras' `%.4e` for values of 1e-3
 * or less (an accuracy of 0 on a small batch prints `0.0000e+00`).
 */
export const KERAS_VALUE = String.raw`\d+\.\d{4}(?:e[+-]\d{2})?`;

/** A RegExp from a pattern in which `V` stands for a {@link KERAS_VALUE}. */
export function kerasLine(pattern: string): RegExp {
  return new RegExp(pattern.replaceAll('V', KERAS_VALUE));
}

/**
 * Whether tests that need a system package run: always in CI (which installs it, so a missing
 * one fails there), elsewhere only when it is there; when they are left out, one line says
 * which and why.
 */
export function runsWith(tests: string, what: string, present: boolean): boolean {
  if (process.env.CI !== undefined || present) return true;
  console.log(`${tests}: left out, they need ${what}, which this machine lacks (CI installs it)`);
  return false;
}
