/**
 * predictClasses and evaluateClassifier on denselab's dense engine: for a plain stack of Dense
 * layers on the wasm or cpu backend, the forward passes run in the engine's memory on its
 * threads instead of through tfjs' kernels (one thread there). Small inputs stay on tfjs,
 * where starting the engine would cost more than it saves. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DenseEngine, type EngineLayer } from '../engine/denseEngine';
import { LOSSES, type EngineLoss } from '../rules/losses';
import { hasRelaxedSimd, hasWasmSimd } from '../wasm/encoder';
import { denseLayers } from './denseStack';
import { defaultThreads } from './engineTrainer';

/** Multiply-adds below which tfjs answers sooner than the engine starts (about 50 MNIST rows). */
const MIN_MACS = 30_000_000;

/** The batch the engine runs its forward passes in. */
const BATCH = 256;

/** An engine holding the model's weights and `x` (and `labels`), or undefined when tfjs should run. */
async function engineFor(
  model: tfl.LayersModel,
  x: tf.Tensor,
  loss: EngineLoss,
  labels?: tf.Tensor,
): Promise<{ engine: DenseEngine; layers: EngineLayer[] } | undefined> {
  if (!['wasm', 'cpu'].includes(tf.getBackend()) || !hasWasmSimd() || x.rank !== 2)
    return undefined;
  const stack = denseLayers(model);
  if (typeof stack === 'string') return undefined;
  const last = stack.layers.at(-1) as EngineLayer;
  if (LOSSES[loss].rejects(last.activation) !== undefined) return undefined;
  const rows = x.shape[0];
  const macs = stack.layers.reduce((n, l) => n + l.inputs * l.units, 0);
  if (rows * macs < MIN_MACS || x.shape[1] !== stack.layers[0]?.inputs) return undefined;
  const { engine } = await DenseEngine.create({
    layers: stack.layers,
    loss,
    optimizer: { kind: 'sgd', learningRate: 0 },
    maxBatch: Math.min(BATCH, rows),
    rows: [rows],
    threads: await defaultThreads(),
    fma: hasRelaxedSimd(),
  });
  try {
    const values = labels === undefined ? new Float32Array(0) : await labels.data();
    const y = LOSSES[loss].labels === 'index' ? Int32Array.from(values) : Float32Array.from(values);
    const xs = await x.data();
    engine.setData(0, xs instanceof Float32Array ? xs : Float32Array.from(xs), y);
    for (let l = 0; l < stack.dense.length; l++) {
      const [kernel, bias] = (stack.dense[l] as tfl.layers.Layer).getWeights();
      const parts = engine.weights(l);
      parts.kernel.write(await (kernel as tf.Tensor).data());
      if (bias !== undefined) parts.bias.write(await bias.data());
    }
  } catch (err) {
    engine.dispose();
    throw err;
  }
  return { engine, layers: stack.layers };
}

/** The model's outputs for float32 rows `x` on the engine, or undefined when tfjs should run. */
export async function predictOnEngine(
  model: tfl.LayersModel,
  x: tf.Tensor,
): Promise<Float32Array | undefined> {
  const ready = await engineFor(model, x, 'mse');
  if (ready === undefined) return undefined;
  const units = (ready.layers.at(-1) as EngineLayer).units;
  const out = new Float32Array(x.shape[0] * units);
  try {
    ready.engine.predict(0, out);
  } finally {
    ready.engine.dispose();
  }
  return out;
}

/**
 * Mean loss and accuracy of the model on `x` and labels `y` on the engine, or undefined when
 * tfjs should run (another loss, backend or model, or too little work).
 */
export async function scoreOnEngine(
  model: tfl.LayersModel,
  loss: string,
  x: tf.Tensor,
  y: tf.Tensor,
): Promise<{ loss: number; accuracy: number } | undefined> {
  if (!(loss in LOSSES)) return undefined;
  const ready = await engineFor(model, x, loss as EngineLoss, y);
  if (ready === undefined) return undefined;
  try {
    const { lossSum, correct } = ready.engine.evaluate(0);
    return { loss: lossSum / x.shape[0], accuracy: correct / x.shape[0] };
  } finally {
    ready.engine.dispose();
  }
}
