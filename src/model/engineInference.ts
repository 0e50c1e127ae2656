/**
 * predictClasses and evaluateClassifier on denselab's dense engine: for a plain stack of Dense
 * layers on the wasm or cpu backend, the forward passes run in the engine's memory on its
 * threads instead of through tfjs' kernels (one thread there). The rows are read where tfjs
 * keeps them, one batch at a time; the engines (memory and worker threads) are kept for the
 * next calls on a network of the same shape. Small inputs stay on tfjs, where starting the
 * engine would cost more than it saves. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DenseEngine, type EngineLayer } from '../engine/denseEngine';
import { valuesInPlace } from '../internals/tfjsInternals';
import { LOSSES, type EngineLoss } from '../rules/losses';
import { hasRelaxedSimd, hasWasmSimd } from '../wasm/encoder';
import { denseLayers } from './denseStack';
import { defaultThreads } from './engineTrainer';

/** Multiply-adds below which tfjs answers sooner than the engine starts (about 50 MNIST rows). */
const MIN_MACS = 30_000_000;

/** The batch the engine runs its forward passes in. */
const BATCH = 512;

/**
 * Engines kept from the last calls, by what they were built for, newest last: two, so that
 * predictClasses and evaluateClassifier (an engine each: their losses differ) alternate freely.
 */
const kept: { key: string; engine: DenseEngine }[] = [];
const KEEP = 2;

/** An engine for these layers and this loss: a kept one, or a new one (the oldest goes). */
async function engineFor(layers: EngineLayer[], loss: EngineLoss): Promise<DenseEngine> {
  const threads = await defaultThreads();
  const key = JSON.stringify({ layers, loss, threads });
  const at = kept.findIndex((k) => k.key === key);
  if (at >= 0) {
    const [entry] = kept.splice(at, 1);
    kept.push(entry as { key: string; engine: DenseEngine });
    return (entry as { engine: DenseEngine }).engine;
  }
  while (kept.length >= KEEP) kept.shift()?.engine.dispose();
  const { engine } = await DenseEngine.create({
    layers,
    loss,
    optimizer: { kind: 'sgd', learningRate: 0 },
    maxBatch: BATCH,
    rows: [],
    threads,
    fma: hasRelaxedSimd(),
  });
  kept.push({ key, engine });
  return engine;
}

/** The model's layers and a ready engine holding its weights, or undefined when tfjs should run. */
async function prepare(
  model: tfl.LayersModel,
  x: tf.Tensor,
  loss: EngineLoss,
): Promise<{ engine: DenseEngine; units: number } | undefined> {
  const backend = tf.getBackend();
  if (!['wasm', 'cpu'].includes(backend) || !hasWasmSimd() || x.rank !== 2) return undefined;
  if (x.dtype !== 'float32') return undefined;
  const stack = denseLayers(model);
  if (typeof stack === 'string') return undefined;
  const last = stack.layers.at(-1) as EngineLayer;
  if (LOSSES[loss].rejects(last.activation) !== undefined) return undefined;
  const macs = stack.layers.reduce((n, l) => n + l.inputs * l.units, 0);
  if (x.shape[0] * macs < MIN_MACS || x.shape[1] !== stack.layers[0]?.inputs) return undefined;
  const engine = await engineFor(stack.layers, loss);
  for (let l = 0; l < stack.dense.length; l++) {
    const [kernel, bias] = (stack.dense[l] as tfl.layers.Layer).getWeights();
    const parts = engine.weights(l);
    parts.kernel.write(await (kernel as tf.Tensor).data());
    if (bias !== undefined) parts.bias.write(await bias.data());
  }
  return { engine, units: last.units };
}

/** The rows of `x`: in place where possible, else a copy. */
async function rowsOf(x: tf.Tensor): Promise<Float32Array> {
  return valuesInPlace(x) ?? Float32Array.from(await x.data());
}

/** The model's outputs for float32 rows `x` on the engine, or undefined when tfjs should run. */
export async function predictOnEngine(
  model: tfl.LayersModel,
  x: tf.Tensor,
): Promise<Float32Array | undefined> {
  const ready = await prepare(model, x, 'mse');
  if (ready === undefined) return undefined;
  const out = new Float32Array(x.shape[0] * ready.units);
  ready.engine.infer(await rowsOf(x), x.shape[0], out);
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
  const kind = loss as EngineLoss;
  const ready = await prepare(model, x, kind);
  if (ready === undefined) return undefined;
  const values = await y.data();
  const labels =
    LOSSES[kind].labels === 'index' ? Int32Array.from(values) : Float32Array.from(values);
  const n = x.shape[0];
  const { lossSum, correct } = ready.engine.infer(await rowsOf(x), n, undefined, labels);
  return { loss: lossSum / n, accuracy: correct / n };
}
