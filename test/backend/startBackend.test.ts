// Starting a backend is bounded: one that never answers is abandoned, and its late answer
// cannot replace the backend chosen after it.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { start } from '../../src/backend/startBackend';
import type { BackendName } from '../../src';

const registered: string[] = [];
afterEach(async () => {
  for (const name of registered.splice(0)) tf.removeBackend(name);
  await tf.setBackend('cpu');
});

/** A backend whose start answers after `ms` (never, for Infinity) with a cpu backend of its own. */
function slowBackend(name: string, ms: number): void {
  const Cpu = tf.findBackend('cpu').constructor as new () => tf.KernelBackend;
  tf.registerBackend(name, () =>
    ms === Infinity
      ? new Promise(() => undefined)
      : new Promise((r) => setTimeout(() => r(new Cpu()), ms)),
  );
  registered.push(name);
}

describe('start (selectBackend, each backend it tries)', () => {
  it('a backend that never starts: abandoned once the bound has passed, with the reason', async () => {
    await tf.setBackend('cpu');
    slowBackend('never', Infinity);
    const began = Date.now();
    const outcome = await start('never' as BackendName, 300);
    const took = Date.now() - began;
    expect(outcome).toEqual({
      ok: false,
      reason:
        "did not start: tf.setBackend('never') did not answer within 300 ms (the startTimeout option); it was abandoned",
    });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
    // tf.ready() does not wait for it, and the next backend starts.
    await tf.ready();
    expect(await start('cpu', 300)).toMatchObject({ ok: true });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a backend that answers after its bound: its late answer does not replace the one chosen since', async () => {
    slowBackend('late', 400);
    expect((await start('late' as BackendName, 100)).ok).toBe(false);
    await start('cpu', 1_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.engine().backendName).toBe('cpu');
    // The instance in use is cpu's, not the late one tfjs would otherwise have put in place.
    expect(tf.backend()).toBe(tf.findBackend('cpu'));
    const sum = tf.add(tf.scalar(1), tf.scalar(2));
    expect(await sum.data()).toEqual(new Float32Array([3]));
    sum.dispose();
  });
});
