// One test per private tfjs field denselab relies on (src/internals/tfjsInternals.ts): each
// fails loudly when a tfjs upgrade renames or removes the field.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  abandonBackendInit,
  backendCreated,
  baseCallbackHooks,
  customCallbackHas,
  earlyStoppingMonitor,
  compiledLoss,
  cpuParts,
  inboundLayers,
  isModelDisposed,
  offsetOf,
  ownOptimizer,
  ownsOptimizer,
  replaceOptimizer,
  quietCpuBackend,
  slotLists,
  stateVariables,
  valuesInPlace,
  valuesOf,
  webgpuDevice,
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

  it("Sequential.optimizer_: replaceOptimizer sets the one a Sequential's dispose() releases", () => {
    const model = twoLayers();
    model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
    const old = model.optimizer;
    const next = tf.train.sgd(0.1);
    replaceOptimizer(model, next);
    expect(model.optimizer).toBe(next);
    expect((model as unknown as { optimizer_: unknown }).optimizer_).toBe(next);
    old.dispose();
    ownOptimizer(model);
    const before = tf.memory().numTensors;
    model.dispose(); // the new optimizer's learning-rate scalar goes with it
    expect(tf.memory().numTensors).toBeLessThan(before);
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

  // Each optimizer's slot lists, named as tfjs names them, and its state variables.
  const OPTIMIZERS = [
    ['momentum', () => tf.train.momentum(0.1, 0.9), ['momentum'], []],
    ['rmsprop', () => tf.train.rmsprop(0.1, 0.9, 0, 1e-7, true), ['rms', 'momentum', 'mg'], []],
    ['adam', () => tf.train.adam(0.1, 0.9, 0.99), ['m', 'v'], [0.81, 0.9801]],
    ['adamax', () => tf.train.adamax(0.1, 0.9, 0.99), ['m', 'v'], [0.81, 1]],
    ['adagrad', () => tf.train.adagrad(0.1), ['accumulator'], []],
    ['adadelta', () => tf.train.adadelta(0.1), ['accum_grad', 'accum_var'], []],
  ] as const;
  it.each(OPTIMIZERS)(
    "%s optimizer's slot lists and state variables",
    (kind, make, suffixes, state) => {
      const v = tf.variable(tf.tensor1d([1, 2]));
      const optimizer = make();
      optimizer.minimize(() => tf.sum(tf.square(v)));
      const lists = slotLists(optimizer, kind, suffixes.length);
      expect(lists.map((l) => l[0]!.originalName.split('/').at(-1))).toEqual(suffixes);
      expect(lists.every((l) => l.length === 1 && l[0]!.variable.shape[0] === 2)).toBe(true);
      const values = stateVariables(optimizer, kind).map((t) => t.dataSync()[0]);
      expect(values.length).toBe(state.length);
      values.forEach((x, k) => expect(x).toBeCloseTo(state[k]!, 6));
      optimizer.dispose();
      v.dispose();
    },
  );

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

  it("WebGPUBackend.device: the GPUDevice the engine's WebGPU device borrows", async () => {
    // No GPU here: the constructor must still keep its device under that name (test/gpu reads
    // it for real on SwiftShader), and the reader takes only an object with a queue.
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    expect(String(WebGPUBackend)).toMatch(/this\.device = device;/);
    const device = { queue: {}, limits: {} };
    expect(webgpuDevice({ device })).toBe(device);
    expect(webgpuDevice({ device: {} })).toBeUndefined();
    expect(webgpuDevice(tf.backend())).toBeUndefined();
    expect(webgpuDevice(undefined)).toBeUndefined();
  });

  it("the cpu backend's data store and makeTensorInfo", () => {
    const parts = cpuParts(tf.backend());
    expect(parts).toBeDefined();
    const t = tf.tensor1d([3, 4]);
    expect(valuesOf(parts!, t)).toEqual(new Float32Array([3, 4]));
    t.dispose();
  });
});

describe("valuesInPlace: a float32 tensor's values without a copy", () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`on ${backend}: a view of the storage tfjs reads (a write through it shows in the tensor)`, async () => {
      await tf.setBackend(backend);
      const t = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const view = valuesInPlace(t);
      expect(view).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
      view![0] = 9;
      expect(t.dataSync()[0]).toBe(9);
      const ints = tf.tensor1d([1, 2], 'int32');
      expect(valuesInPlace(ints)).toBeUndefined();
      tf.dispose([t, ints]);
      await tf.setBackend('cpu');
    });
  }

  for (const [from, to] of [
    ['cpu', 'wasm'],
    ['wasm', 'cpu'],
  ]) {
    it(`undefined (not an error, and nothing moved) for a tensor still on ${from} when ${to} is current`, async () => {
      await tf.setBackend(from!);
      const t = tf.tensor1d([1, 2]);
      await tf.setBackend(to!);
      try {
        expect(valuesInPlace(t)).toBeUndefined();
        expect(Array.from(await t.data())).toEqual([1, 2]); // tfjs moves it when read
      } finally {
        t.dispose();
        await tf.setBackend('cpu');
      }
    });
  }
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
