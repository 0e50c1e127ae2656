/**
 * On a GPU backend (webgpu, webgl), fitClassifier times a few steps of the user's model each
 * way before training: on the dense engine's WebAssembly (which reads the data and weights
 * from the GPU once), on the engine's WebGPU device (on the webgpu backend: tfjs' own
 * GPUDevice), and through tfjs on that backend. The fastest trains, and `path.reason` carries
 * every figure. No timing changes the model: the engine's steps are undone by reading the
 * model's weights and optimizer state back in, and tfjs' steps run on a copy of the model with
 * a fresh optimizer of the same kind. Internal.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelLoss, TensorData } from './classifierInputs';
import { EngineTrainer, type EngineTrainerInput } from './engineTrainer';
import { TfjsTrainer } from './tfjsTrainer';
import type { Trainer } from './trainer';
import type { GpuDevice } from '../gpu/webgpuTypes';

/** Steps run first (compilation, uploads), then the steps timed. */
export const TIMING = { warmup: 3, timed: 8 } as const;

/** What is timed: the engine on WebAssembly, the engine's WebGPU device, tfjs' backend. */
export type TimedDevice = 'engine' | 'webgpu' | 'tfjs';

/** Milliseconds per step of `trainer` at `batch` rows, from `rows` training rows. */
export type DeviceTimer = (
  device: TimedDevice,
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
  /** The WebGPU device the engine may also run on (tfjs' own, on the webgpu backend). */
  gpu: GpuDevice | undefined;
}

/** The figures of one timing: ms per step of each device timed (webgpu when it could run). */
type Timings = Partial<Record<TimedDevice, number>> & { engine: number; tfjs: number };

/**
 * Timings already taken, per model, backend, batch size and threads: a script that calls
 * fitClassifier once per epoch pays for the timing once.
 */
const timed = new WeakMap<tfl.LayersModel, Map<string, Timings>>();

/** The fastest trainer for this run, with every timing in its reason. */
export async function chooseByTiming(c: Choice): Promise<Trainer> {
  const rows = c.train.x.shape[0];
  const batch = c.engine.batchSize;
  const key = `${c.backend} ${batch} ${c.engine.threads}`;
  const known = timed.get(c.model)?.get(key);
  const engines: Partial<Record<'engine' | 'webgpu', EngineTrainer>> = {
    engine: await EngineTrainer.create(c.engine, c.engineWhat),
  };
  let gpuNote = '';
  let times = known;
  try {
    if (c.gpu !== undefined && (known === undefined || known.webgpu !== undefined)) {
      try {
        engines.webgpu = await EngineTrainer.create(c.engine, c.engineWhat, c.gpu);
      } catch (err) {
        gpuNote = `; the engine's WebGPU device could not run it (${(err as Error).message})`;
      }
    }
    times ??= await timeAll(c, engines, rows, batch, key);
  } catch (err) {
    for (const e of Object.values(engines)) e.dispose();
    throw err;
  }
  return pick(c, engines, times, known !== undefined, gpuNote);
}

/** Times each device in turn (undoing the engines' steps) and remembers the figures. */
async function timeAll(
  c: Choice,
  engines: Partial<Record<'engine' | 'webgpu', EngineTrainer>>,
  rows: number,
  batch: number,
  key: string,
): Promise<Timings> {
  const times: Partial<Record<TimedDevice, number>> = {};
  for (const device of ['engine', 'webgpu'] as const) {
    const trainer = engines[device];
    if (trainer === undefined) continue;
    times[device] = await timer(device, trainer, rows, batch);
    await trainer.rewind();
  }
  times.tfjs = await timeOnCopy(c, rows, batch);
  const all = times as Timings;
  timed.set(c.model, (timed.get(c.model) ?? new Map<string, Timings>()).set(key, all));
  return all;
}

/** The fastest of the timed devices, its reason naming every figure; the others disposed. */
function pick(
  c: Choice,
  engines: Partial<Record<'engine' | 'webgpu', EngineTrainer>>,
  times: Timings,
  reused: boolean,
  gpuNote: string,
): Trainer {
  const when = reused ? 'when this model first trained here' : 'before training';
  const names: Record<TimedDevice, string> = {
    engine: 'the dense engine',
    webgpu: "the engine's WebGPU device",
    tfjs: `tfjs' ${c.backend} backend`,
  };
  // a device timed before but not built now (it failed this time) is left out
  const ran = (['engine', 'webgpu', 'tfjs'] as const).filter(
    (d) => times[d] !== undefined && (d === 'tfjs' || engines[d] !== undefined),
  );
  const list = ran.map(
    (d, i) => `${names[d]} ${(times[d] as number).toFixed(2)} ms${i === 0 ? ' a step' : ''}`,
  );
  const figures = `timed ${TIMING.timed} steps of batch ${c.engine.batchSize} ${when}: ${list.join(', ')}${gpuNote}`;
  const best = ran.reduce((a, d) => ((times[d] as number) < (times[a] as number) ? d : a));
  for (const [device, e] of Object.entries(engines)) if (device !== best) e.dispose();
  if (best !== 'tfjs') {
    const engine = engines[best] as EngineTrainer;
    const where = best === 'webgpu' ? "the engine's WebGPU device" : 'the engine';
    engine.explain(`${figures}, so ${where} trains (${c.engineWhat})`);
    return engine;
  }
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
