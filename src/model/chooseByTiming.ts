/**
 * On a GPU backend (webgpu, webgl), fitClassifier times a few steps of the user's model both
 * ways before training: through tfjs on that backend, and on the dense engine (which reads the
 * data and weights from the GPU once). The faster one trains, and `path.reason` carries both
 * figures. Neither timing changes the model: the engine's steps are undone by reading the
 * model's weights and optimizer state back in, and tfjs' steps run on a copy of the model with
 * a fresh optimizer of the same kind. Internal.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelLoss, TensorData } from './classifierInputs';
import { EngineTrainer, type EngineTrainerInput } from './engineTrainer';
import { TfjsTrainer } from './tfjsTrainer';
import type { Trainer } from './trainer';

/** Steps run first (compilation, uploads), then the steps timed. */
export const TIMING = { warmup: 3, timed: 8 } as const;

/** Milliseconds per step of `trainer` at `batch` rows, from `rows` training rows. */
export type DeviceTimer = (
  device: 'engine' | 'tfjs',
  trainer: Trainer,
  rows: number,
  batch: number,
) => Promise<number>;

/** The mean time of `TIMING.timed` steps after `TIMING.warmup`, each waited for. */
export const timeSteps: DeviceTimer = async (_device, trainer, rows, batch) => {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const run = (from: number, count: number): void => {
    for (let s = from; s < from + count; s++) {
      const start = (s * batch) % rows;
      trainer.step(order, start, Math.min(batch, rows - start));
    }
  };
  run(0, TIMING.warmup);
  await trainer.collect();
  const began = performance.now();
  run(TIMING.warmup, TIMING.timed);
  await trainer.collect();
  return (performance.now() - began) / TIMING.timed;
};

let timer: DeviceTimer = timeSteps;

/** Replaces how steps are timed (tests force each device's figure); undefined restores it. */
export function useDeviceTimer(replacement: DeviceTimer | undefined): void {
  timer = replacement ?? timeSteps;
}

/** What choosing needs: the run's model, data and settings, and the engine's input. */
export interface Choice {
  model: tfl.LayersModel;
  loss: ModelLoss;
  train: TensorData;
  validation: TensorData | undefined;
  validationBatchSize: number;
  shuffle: boolean;
  backend: string;
  engine: EngineTrainerInput;
  /** What the engine trains, in words. */
  engineWhat: string;
}

/**
 * Timings already taken, per model, backend, batch size and threads: a script that calls
 * fitClassifier once per epoch pays for the timing once.
 */
const timed = new WeakMap<tfl.LayersModel, Map<string, { engineMs: number; tfjsMs: number }>>();

/** The faster trainer for this run, with both timings in its reason. */
export async function chooseByTiming(c: Choice): Promise<Trainer> {
  const rows = c.train.x.shape[0];
  const batch = c.engine.batchSize;
  const key = `${c.backend} ${batch} ${c.engine.threads}`;
  const known = timed.get(c.model)?.get(key);
  const engine = await EngineTrainer.create(c.engine, c.engineWhat);
  let times = known;
  try {
    if (times === undefined) {
      const engineMs = await timer('engine', engine, rows, batch);
      await engine.rewind();
      times = { engineMs, tfjsMs: await timeOnCopy(c, rows, batch) };
      timed.set(c.model, (timed.get(c.model) ?? new Map<string, typeof times>()).set(key, times));
    }
  } catch (err) {
    engine.dispose();
    throw err;
  }
  const { engineMs, tfjsMs } = times;
  const when = known === undefined ? 'before training' : 'when this model first trained here';
  const figures = `timed ${TIMING.timed} steps of batch ${batch} ${when}: the dense engine ${engineMs.toFixed(2)} ms a step, tfjs' ${c.backend} backend ${tfjsMs.toFixed(2)} ms`;
  if (engineMs <= tfjsMs) {
    engine.explain(`${figures}, so the engine trains (${c.engineWhat})`);
    return engine;
  }
  engine.dispose();
  const { model, loss, train, validation, validationBatchSize, shuffle } = c;
  const reason = `${figures}, so tfjs' ${c.backend} backend trains`;
  return new TfjsTrainer(model, loss, train, validation, validationBatchSize, shuffle, reason);
}

/** tfjs' time per step, on a copy of the model with a fresh optimizer of the same kind. */
async function timeOnCopy(c: Choice, rows: number, batch: number): Promise<number> {
  // The optimizer first: if its class cannot be rebuilt, no copy of the weights is left behind.
  const optimizer = sameKind(c.model.optimizer);
  let copy: tfl.LayersModel;
  try {
    copy = await tfl.models.modelFromJSON(
      c.model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
    );
  } catch (err) {
    optimizer.dispose();
    throw err;
  }
  try {
    copy.compile({ optimizer, loss: c.model.loss });
    const trainer = new TfjsTrainer(copy, c.loss, c.train, undefined, batch, false, '');
    try {
      return await timer('tfjs', trainer, rows, batch);
    } finally {
      trainer.dispose();
    }
  } finally {
    copy.dispose();
    optimizer.dispose();
  }
}

/** A new optimizer of the same class and settings, with no state. */
function sameKind(optimizer: tf.Optimizer): tf.Optimizer {
  const cls = optimizer.constructor as tf.serialization.SerializableConstructor<tf.Optimizer>;
  return cls.fromConfig(cls, optimizer.getConfig());
}
