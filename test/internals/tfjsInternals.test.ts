// One test per private tfjs field denselab relies on (src/internals/tfjsInternals.ts): each
// fails loudly when a tfjs upgrade renames or removes the field.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  abandonBackendInit,
  backendCreated,
  adamPowers,
  baseCallbackHooks,
  customCallbackHas,
  earlyStoppingMonitor,
  adamState,
  compiledLoss,
  cpuParts,
  inboundLayers,
  isModelDisposed,
  offsetOf,
  ownOptimizer,
  ownsOptimizer,
  quietCpuBackend,
  rmspropState,
  valuesOf,
  wasmMemoryOf,
  wasmParts,
  xnnpackThreads,
} from '../../src/internals/tfjsInternals';

function twoLayers(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
  return model;
}

describe("tfjs' private fields denselab reads", () => {
  it('Layer._refCount: 1 while a model lives, 0 once disposed', () => {
    const model = twoLayers();
    expect(isModelDisposed(model)).toBe(false);
    expect((model as unknown as { _refCount: number })._refCount).toBe(1);
    model.dispose();
    expect(isModelDisposed(model)).toBe(true);
  });

  it('LayersModel.isOptimizerOwned: true when compile made the optimizer, settable', () => {
    const model = twoLayers();
    expect(ownsOptimizer(model)).toBe(true); // compiled with the string 'sgd'
    const other = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
    const sgd = tf.train.sgd(0.1);
    other.compile({ loss: 'meanSquaredError', optimizer: sgd });
    expect(ownsOptimizer(other)).toBe(false);
    ownOptimizer(other);
    expect(ownsOptimizer(other)).toBe(true);
    other.dispose();
    model.dispose();
  });

  it('Layer.inboundNodes[].inboundLayers: the layer feeding each layer', () => {
    const model = twoLayers();
    expect(inboundLayers(model.layers[1]!)).toEqual([model.layers[0]]);
    const input = tfl.input({ shape: [2] });
    const dense = tfl.layers.dense({ units: 1 });
    const functional = tfl.model({
      inputs: input,
      outputs: dense.apply(input) as tfl.SymbolicTensor,
    });
    expect(inboundLayers(functional.layers[1]!)).toEqual([functional.layers[0]]);
    model.dispose();
    functional.dispose();
  });

  it('LayersModel.lossFunctions (on the inner model of a Sequential): the compiled loss', () => {
    const model = twoLayers();
    const loss = compiledLoss(model);
    expect(typeof loss).toBe('function');
    const [y, p] = [tf.tensor2d([[1, 0]]), tf.tensor2d([[0.5, 0.5]])];
    const value = loss!(y, p);
    expect(value.dataSync()[0]).toBeCloseTo(Math.log(2), 5);
    tf.dispose([y, p, value]);
    model.dispose();
  });

  it("AdamOptimizer.accBeta1/accBeta2 and its slot lists; RMSPropOptimizer's slot lists", () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const adam = tf.train.adam(0.1, 0.9, 0.99);
    const powers = adamPowers(adam)!;
    expect(powers.accBeta1.dataSync()[0]).toBeCloseTo(0.9, 6);
    adam.minimize(() => tf.sum(tf.square(v)));
    expect(powers.accBeta1.dataSync()[0]).toBeCloseTo(0.81, 6);
    const state = adamState(adam);
    expect(state.accumulatedFirstMoment).toHaveLength(1);
    expect(state.accumulatedSecondMoment[0]!.variable.shape).toEqual([2]);
    const rms = tf.train.rmsprop(0.1);
    rms.minimize(() => tf.sum(tf.square(v)));
    const r = rmspropState(rms);
    expect(r.centered).toBe(false);
    expect(r.accumulatedMeanSquares[0]!.originalName).toMatch(/\/rms$/);
    expect(r.accumulatedMoments[0]!.originalName).toMatch(/\/momentum$/);
    adam.dispose();
    rms.dispose();
    v.dispose();
  });

  it("the wasm backend's dataIdMap, makeOutput, heap and memory", async () => {
    await tf.setBackend('wasm');
    const parts = wasmParts(tf.backend());
    expect(parts).toBeDefined();
    const memory = wasmMemoryOf(tf.backend());
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const t = tf.tensor1d([1.5, 2.5]);
    const at = offsetOf(parts!, t);
    expect(new Float32Array(memory!.buffer, at, 2)).toEqual(new Float32Array([1.5, 2.5]));
    expect(xnnpackThreads(parts!)).toBe(1);
    const out = parts!.makeOutput([2], 'float32');
    expect(offsetOf(parts!, out)).toBeGreaterThan(0);
    tf.backend().disposeData(out.dataId);
    t.dispose();
    await tf.setBackend('cpu');
  });

  it("the cpu backend's firstUse flag, which gates its tfjs-node advert", () => {
    const backend = tf.backend() as unknown as { firstUse: boolean };
    expect(typeof backend.firstUse).toBe('boolean');
    quietCpuBackend(backend);
    expect(backend.firstUse).toBe(false);
  });

  it("the cpu backend's data store and makeTensorInfo", () => {
    const parts = cpuParts(tf.backend());
    expect(parts).toBeDefined();
    const t = tf.tensor1d([3, 4]);
    expect(valuesOf(parts!, t)).toEqual(new Float32Array([3, 4]));
    t.dispose();
  });
});

describe('tfjs-layers callbacks', () => {
  it("BaseCallback is CustomCallback's parent, with the empty hooks every tfjs callback inherits", () => {
    const base = baseCallbackHooks();
    for (const hook of [
      'onBatchBegin',
      'onBatchEnd',
      'onEpochBegin',
      'onEpochEnd',
      'onTrainBegin',
      'onTrainEnd',
    ]) {
      expect(typeof base[hook]).toBe('function');
    }
    expect(typeof base.setModel).toBe('function');
    const early = tfl.callbacks.earlyStopping() as unknown as Record<string, unknown>;
    expect(early.onBatchEnd).toBe(base.onBatchEnd); // not overridden: fitClassifier skips it
    expect(early.onEpochEnd).not.toBe(base.onEpochEnd);
  });

  it("EarlyStopping keeps what it watches in monitor, 'val_loss' by default", () => {
    expect(earlyStoppingMonitor(tfl.callbacks.earlyStopping())).toBe('val_loss');
    expect(earlyStoppingMonitor(tfl.callbacks.earlyStopping({ monitor: 'loss' }))).toBe('loss');
    expect(earlyStoppingMonitor(new tfl.CustomCallback({}))).toBeUndefined();
  });

  it('CustomCallback keeps each given hook under its short name (batchEnd for onBatchEnd)', () => {
    const given = new tfl.CustomCallback({ onBatchEnd: () => undefined });
    expect(customCallbackHas(given, 'onBatchEnd')).toBe(true);
    expect(customCallbackHas(given, 'onBatchBegin')).toBe(false);
    expect(customCallbackHas({}, 'onBatchEnd')).toBeUndefined();
  });

  it('engine.registry: holds a backend once tfjs created it, which findBackend would do', () => {
    tf.registerBackend('denselab-probe', () => tf.findBackend('cpu') ?? tf.backend());
    expect(backendCreated('denselab-probe')).toBe(false);
    expect(tf.engine().registryFactory['denselab-probe']).toBeDefined();
    tf.findBackend('denselab-probe'); // creates it
    expect(backendCreated('denselab-probe')).toBe(true);
    tf.removeBackend('denselab-probe');
  });

  it('engine.pendingBackendInitId and pendingBackendInit: a start abandoned is discarded', async () => {
    const engine = tf.engine() as unknown as {
      pendingBackendInitId: number;
      pendingBackendInit: Promise<boolean> | null;
    };
    let answer: (b: tf.KernelBackend) => void = () => undefined;
    tf.registerBackend('denselab-slow', () => new Promise<tf.KernelBackend>((r) => (answer = r)));
    const before = tf.getBackend();
    const setting = tf.setBackend('denselab-slow');
    expect(typeof engine.pendingBackendInitId).toBe('number');
    expect(engine.pendingBackendInit).toBeInstanceOf(Promise);
    abandonBackendInit();
    expect(engine.pendingBackendInit).toBeNull();
    await tf.setBackend(before);
    answer(tf.findBackend(before));
    expect(await setting).toBe(false); // outdated: tfjs discarded it
    expect(tf.getBackend()).toBe(before);
    tf.removeBackend('denselab-slow');
  });
});
