import * as tf from '@tensorflow/tfjs-core';
import { abandonBackendInit, quietCpuBackend } from '../internals/tfjsInternals';
import type { BackendName } from './types';
import { NoAnswer, withinBound } from '../core/bound';

/** What came of one backend's attempt. */
export type Outcome = { ok: boolean; reason: string; setup?: string };

/**
 * setBackend, ready, and 1 + 2 = 3 on the backend, all within `ms`. A backend that does not
 * answer in time is abandoned (tfjs discards its late answer) and reported as such.
 */
export async function start(name: BackendName, ms: number): Promise<Outcome> {
  try {
    return await withinBound(startAndCheck(name), ms, `tf.setBackend('${name}')`);
  } catch (err) {
    if (!(err instanceof NoAnswer)) throw err;
    abandonBackendInit();
    return {
      ok: false,
      reason: `did not start: ${err.message} (the startTimeout option); it was abandoned`,
    };
  }
}

async function startAndCheck(name: BackendName): Promise<Outcome> {
  const set = await tf.setBackend(name);
  // tfjs' cpu backend greets Node users with an advert for tfjs-node on its first tensor; the
  // reason it was chosen is in the selection's attempts instead.
  if (set && name === 'cpu') quietCpuBackend(tf.backend());
  if (!set)
    return {
      ok: false,
      reason: 'failed to start: tf.setBackend returned false (see the warning above)',
    };
  await tf.ready();
  const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([2, 1])));
  const values = await sum.data();
  sum.dispose();
  if (values[0] !== 3 || values[1] !== 3) {
    return {
      ok: false,
      reason: `failed its check: [1, 2] + [2, 1] gave [${Array.from(values).join(', ')}]`,
    };
  }
  return {
    ok: true,
    reason: name === 'cpu' ? 'plain JavaScript, the slowest' : 'started and checked',
  };
}
