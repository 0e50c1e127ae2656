/**
 * fitClassifier's trainer on denselab's dense engine: the model's weights, the optimizer's
 * state and the data are copied into the engine's memory once; each step runs there; the
 * weights (and at the end of each epoch the optimizer's state) are written back into the tfjs
 * model. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DenseEngine } from '../engine/denseEngine';
import type { DevicePart, EngineDevice } from '../engine/device';
import { GpuEngine } from '../gpu/gpuEngine';
import type { GpuDevice } from '../gpu/webgpuTypes';
import { hasRelaxedSimd } from '../wasm/encoder';
import { stateVariables, valuesInPlace } from '../internals/tfjsInternals';
import { LOSSES } from '../rules/losses';
import type { TensorData } from './classifierInputs';
import { denseStack, type DenseStack } from './denseStack';
import type { TrainingPath } from './fitTypes';
import type { StepOutcome, Trainer } from './trainer';
import { currentPlatform } from '../platform';

/** What the engine trainer needs besides the model. */
export interface EngineTrainerInput {
  readonly model: tfl.LayersModel;
  readonly stack: DenseStack;
  readonly train: TensorData;
  readonly validation: TensorData | undefined;
  readonly batchSize: number;
  readonly validationBatchSize: number;
  readonly threads: number;
}

/** The threads to use when the caller did not say: the platform's cores, at most 4. */
export async function defaultThreads(): Promise<number> {
  return Math.max(1, Math.min(4, (await currentPlatform()).engineCores()));
}

export class EngineTrainer implements Trainer {
  private current: TrainingPath;
  private outcomes: StepOutcome[] = [];
  /** Sizes of the steps queued on a GPU whose outcomes `collect` has not read yet. */
  private queued: number[] = [];
  /** Updates done since training began (the failing step, if any, is not one). */
  private updates = 0;
  /** The optimizer's step count before training. */
  private startIterations: number;

  private constructor(
    private readonly input: EngineTrainerInput,
    private readonly engine: EngineDevice,
    path: TrainingPath,
  ) {
    this.current = path;
    this.startIterations = input.model.optimizer.iterations;
  }

  get path(): TrainingPath {
    return this.current;
  }

  /** Replaces the reason in `path` (fitClassifier's choice by timing gives its figures). */
  explain(reason: string): void {
    this.current = { ...this.current, reason };
  }

  /**
   * Undoes the steps run so far (timing steps before training): reads the model's weights
   * and optimizer state back in, and forgets the outcomes and the updates.
   */
  async rewind(): Promise<void> {
    this.outcomes = [];
    this.updates = 0;
    await this.reload(true);
    this.startIterations = this.input.model.optimizer.iterations;
  }

  /**
   * Builds the engine on WebAssembly, or with `gpu` on that WebGPU device, and copies the
   * model's weights, its optimizer's state and the data in.
   */
  static async create(
    input: EngineTrainerInput,
    reason: string,
    gpu?: GpuDevice,
  ): Promise<EngineTrainer> {
    const { stack, train, validation } = input;
    const fma = gpu === undefined && hasRelaxedSimd();
    const config = {
      layers: stack.layers,
      loss: stack.loss,
      optimizer: stack.optimizer,
      maxBatch: Math.max(input.batchSize, input.validationBatchSize),
      rows: [train.x.shape[0], ...(validation ? [validation.x.shape[0]] : [])],
    };
    const { engine, threadNote } =
      gpu === undefined
        ? await DenseEngine.create({ ...config, threads: input.threads, fma })
        : { engine: await GpuEngine.create(config, gpu), threadNote: undefined };
    try {
      const indices = LOSSES[stack.loss].labels === 'index';
      await loadData(engine, 0, train, indices);
      if (validation !== undefined) await loadData(engine, 1, validation, indices);
      await loadWeights(engine, stack);
      await loadState(engine, input.model, stack);
    } catch (err) {
      engine.dispose();
      throw err;
    }
    const note = threadNote === undefined ? '' : `; one thread: ${threadNote}`;
    const path: TrainingPath = {
      engine: 'dense',
      device: engine.kind,
      reason: `${reason}${note}`,
      threads: engine.threads,
      fusedMultiplyAdd: fma,
    };
    return new EngineTrainer(input, engine, path);
  }

  get pending(): number {
    return this.outcomes.length + this.queued.length;
  }

  step(order: Int32Array, start: number, size: number): boolean {
    const r = this.engine.step(0, order, start, size);
    if (r === undefined) {
      this.queued.push(size);
      return true;
    }
    this.outcomes.push({ loss: r.loss, accuracy: r.accuracy, size });
    if (!Number.isFinite(r.loss)) return false;
    this.updates++;
    return true;
  }

  async collect(): Promise<StepOutcome[]> {
    if (this.queued.length > 0) {
      const sizes = this.queued;
      this.queued = [];
      const results = await this.engine.collect();
      const failed = results.findIndex((r) => !Number.isFinite(r.loss));
      // a step whose update left a weight that is not finite did update (recover undoes it)
      const last = results[failed]?.weightsNotFinite === true ? 1 : 0;
      this.updates += failed < 0 ? results.length : failed + last;
      results.forEach((r, s) => this.outcomes.push({ ...r, size: sizes[s] as number }));
    }
    const out = this.outcomes;
    this.outcomes = [];
    return out;
  }

  async sync(optimizer: boolean): Promise<void> {
    await writeWeights(this.engine, this.input.stack);
    if (optimizer) {
      const iterations = this.startIterations + this.updates;
      await writeOptimizer(this.engine, this.input.model, this.input.stack, iterations);
    }
  }

  async reload(optimizer: boolean): Promise<void> {
    const { model, stack } = this.input;
    await loadWeights(this.engine, stack);
    if (!optimizer) return;
    await loadState(this.engine, model, stack);
    const current = denseStack(model, stack.loss);
    if (!current.ok)
      throw new Error(`fitClassifier: a callback changed the model: ${current.reason}`);
    this.engine.setOptimizer(current.stack.optimizer);
    this.startIterations = model.optimizer.iterations - this.updates;
  }

  async validate(): Promise<{ loss: number; accuracy: number }> {
    const rows = this.input.validation?.x.shape[0] ?? 0;
    const { lossSum, correct } = await this.engine.evaluate(1);
    return { loss: lossSum / rows, accuracy: correct / rows };
  }

  async recover(): Promise<number> {
    if (this.updates === 0) return 0; // the starting weights gave the first loss: keep them
    this.engine.restorePrevious();
    this.updates--;
    await this.sync(true);
    return this.updates;
  }

  dispose(): void {
    this.engine.dispose();
  }
}

/** Copies a data set's inputs and labels into the engine. */
async function loadData(
  engine: EngineDevice,
  d: number,
  data: TensorData,
  sparse: boolean,
): Promise<void> {
  const labels = await data.y.data();
  const y = sparse
    ? Int32Array.from(labels)
    : labels instanceof Float32Array
      ? labels
      : Float32Array.from(labels);
  // The inputs straight from where tfjs keeps them where it can (one copy of MNIST's 188 MB
  // instead of two), read at once.
  engine.setData(d, valuesInPlace(data.x) ?? ((await data.x.data()) as Float32Array), y);
}

/** The model's weights into the engine's current parameters. */
async function loadWeights(engine: EngineDevice, stack: DenseStack): Promise<void> {
  for (let l = 0; l < stack.dense.length; l++) {
    const [kernel, bias] = (stack.dense[l] as tfl.layers.Layer).getWeights();
    const views = engine.weights(l);
    views.kernel.write(await (kernel as tf.Tensor).data());
    if (bias !== undefined) views.bias.write(await bias.data());
  }
}

/** The optimizer's state (slots and the rule's state, such as Adam's powers) into the engine. */
async function loadState(
  engine: EngineDevice,
  model: tfl.LayersModel,
  stack: DenseStack,
): Promise<void> {
  // tfjs keeps slot i of each kind for the i-th variable it was given: the trainable weights
  // in order (as tfjs-layers' fit and denselab pass them), kernel and bias of each layer.
  const state = await model.optimizer.getWeights();
  state[0]?.tensor.dispose(); // the iterations scalar getWeights makes
  const slots = state.slice(1).map((w) => w.tensor);
  const perKind = stack.layers.reduce((n, l) => n + (l.bias ? 2 : 1), 0);
  if (slots.length === 0) {
    // An optimizer that has not stepped yet: its slots start at the rule's initial values
    // (the engine's may hold the timing steps' values, see rewind).
    forEachSlot(engine, stack, (view, s) => view.fill(engine.slots[s]?.initial ?? 0));
    return loadRuleState(engine, model, stack);
  }
  if (slots.length !== perKind * engine.slots.length) {
    throw new Error(
      `fitClassifier: the model's optimizer holds ${slots.length} slot variables; expected ${perKind * engine.slots.length} (is it shared with another model?)`,
    );
  }
  for (let s = 0; s < engine.slots.length; s++) {
    let v = s * perKind;
    for (let l = 0; l < stack.layers.length; l++) {
      const views = engine.slot(s, l);
      views.kernel.write(await (slots[v++] as tf.Tensor).data());
      if ((stack.layers[l] as { bias: boolean }).bias) {
        views.bias.write(await (slots[v++] as tf.Tensor).data());
      }
    }
  }
  await loadRuleState(engine, model, stack);
}

/** Calls `fn` on every slot view of the engine: each kind, each layer's kernel and bias. */
function forEachSlot(
  engine: EngineDevice,
  stack: DenseStack,
  fn: (view: DevicePart, s: number) => void,
): void {
  for (let s = 0; s < engine.slots.length; s++) {
    stack.layers.forEach((layer, l) => {
      const views = engine.slot(s, l);
      fn(views.kernel, s);
      if (layer.bias) fn(views.bias, s);
    });
  }
}

/** The optimizer's running state (Adam's powers of beta and the like) into the engine. */
async function loadRuleState(
  engine: EngineDevice,
  model: tfl.LayersModel,
  stack: DenseStack,
): Promise<void> {
  const variables = stateVariables(model.optimizer, stack.optimizer.kind);
  engine.state = await Promise.all(variables.map(async (v) => (await v.data())[0] as number));
}

/** The names of a Dense layer's kernel and bias variables, as tfjs' optimizers key slots. */
function variableNames(layer: tfl.layers.Layer): [string, string | undefined] {
  const [kernel, bias] = layer.trainableWeights;
  const name = (v: tfl.LayerVariable): string => (v.read() as tf.Variable).name;
  return [name(kernel as tfl.LayerVariable), bias === undefined ? undefined : name(bias)];
}

/** The engine's weights into the model's Dense layers. */
async function writeWeights(engine: EngineDevice, stack: DenseStack): Promise<void> {
  for (let l = 0; l < stack.dense.length; l++) {
    const { kernel, bias } = engine.weights(l);
    const spec = stack.layers[l] as { inputs: number; units: number; bias: boolean };
    const values: tf.Tensor[] = [tf.tensor2d(await kernel.read(), [spec.inputs, spec.units])];
    if (spec.bias) values.push(tf.tensor1d(await bias.read()));
    (stack.dense[l] as tfl.layers.Layer).setWeights(values);
    tf.dispose(values);
  }
}

/**
 * The engine's optimizer state into the model's optimizer: its slots (tfjs' names, in the
 * order of the trainable weights), the step count and the rule's state. The old slot
 * variables are disposed.
 */
async function writeOptimizer(
  engine: EngineDevice,
  model: tfl.LayersModel,
  stack: DenseStack,
  iterations: number,
): Promise<void> {
  const optimizer = model.optimizer;
  const old = await optimizer.getWeights();
  const slots: { name: string; tensor: tf.Tensor }[] = [];
  for (let s = 0; s < engine.slots.length; s++) {
    const suffix = (engine.slots[s] as { name: string }).name;
    for (let l = 0; l < stack.dense.length; l++) {
      const { kernel, bias } = engine.slot(s, l);
      const spec = stack.layers[l] as { inputs: number; units: number; bias: boolean };
      const [kName, bName] = variableNames(stack.dense[l] as tfl.layers.Layer);
      const values = await kernel.read();
      slots.push({
        name: `${kName}/${suffix}`,
        tensor: tf.tensor2d(values, [spec.inputs, spec.units]),
      });
      if (bName !== undefined)
        slots.push({ name: `${bName}/${suffix}`, tensor: tf.tensor1d(await bias.read()) });
    }
  }
  const iter = tf.scalar(iterations, 'int32');
  await optimizer.setWeights([{ name: 'iter', tensor: iter }, ...slots]);
  tf.dispose([iter, ...slots.map((s) => s.tensor), ...old.map((w) => w.tensor)]);
  const variables = stateVariables(optimizer, stack.optimizer.kind);
  tf.tidy(() =>
    variables.forEach((v, k) => v.assign(tf.scalar(engine.state[k] as number, v.dtype))),
  );
}
