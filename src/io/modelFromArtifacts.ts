/**
 * Builds a tfjs-layers model from saved artifacts the way tfjs' loadLayersModel does, but in
 * steps that can be undone: the optimizer's config is checked before anything is made, and a
 * failure at any later step (weights that do not fit the topology, optimizer state that does
 * not fit the optimizer) disposes everything made so far. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ownOptimizer, replaceOptimizer } from '../internals/tfjsInternals';
import { toFusedOptimizer } from '../optim/toFusedOptimizer';
import { ModelFileError } from './ModelFileError';

const FN = 'loadModel';

/** tfjs' optimizer classes, as saved training configs name them, with their numeric fields. */
const OPTIMIZERS: Record<string, { numbers: string[]; booleans: string[] }> = {
  SGD: { numbers: ['learningRate'], booleans: [] },
  Momentum: { numbers: ['learningRate', 'momentum'], booleans: ['useNesterov'] },
  RMSProp: { numbers: ['learningRate', 'decay', 'momentum', 'epsilon'], booleans: ['centered'] },
  Adam: { numbers: ['learningRate', 'beta1', 'beta2', 'epsilon'], booleans: [] },
  Adamax: { numbers: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'], booleans: [] },
  Adagrad: { numbers: ['learningRate', 'initialAccumulatorValue'], booleans: [] },
  Adadelta: { numbers: ['learningRate', 'rho', 'epsilon'], booleans: [] },
};

/** The model of `artifacts` (from `name`), compiled and with its optimizer's state when saved. */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  name: string,
): Promise<tfl.LayersModel> {
  checkOptimizerConfig(artifacts.trainingConfig, name);
  const model = await build(artifacts, name);
  const decoded: tf.Tensor[] = [];
  try {
    const specs = artifacts.weightSpecs ?? [];
    const named = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
    decoded.push(...Object.values(named));
    const modelWeights: tf.NamedTensorMap = {};
    const optimizerWeights: { name: string; tensor: tf.Tensor }[] = [];
    for (const spec of specs) {
      const tensor = named[spec.name] as tf.Tensor;
      if (spec.group === 'optimizer') optimizerWeights.push({ name: spec.name, tensor });
      else modelWeights[spec.name] = tensor;
    }
    model.loadWeights(modelWeights, true);
    if (model.optimizer != null) {
      // tfjs restores RMSprop, Adam and the others as its own classes: resume with denselab's
      // (fused; Keras' Adadelta; an Adamax that takes its state, which tfjs' throws on).
      replaceOptimizer(model, await toFusedOptimizer(model.optimizer));
      if (optimizerWeights.length > 0) await model.optimizer.setWeights(optimizerWeights);
    }
  } catch (err) {
    model.optimizer?.dispose();
    model.dispose();
    throw notALayersModel(name, err);
  } finally {
    tf.dispose(decoded);
  }
  // An optimizer restored from the training config belongs to this model alone.
  if (model.optimizer != null) ownOptimizer(model);
  return model;
}

/**
 * The model without its weights (tfjs initializes them; loading replaces them). When building
 * fails half way, the variables it made for the topology's layers are disposed.
 */
async function build(artifacts: tf.io.ModelArtifacts, name: string): Promise<tfl.LayersModel> {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  const topology = { ...artifacts, weightData: undefined, weightSpecs: undefined };
  try {
    return await tfl.loadLayersModel({ load: () => Promise.resolve(topology) });
  } catch (err) {
    const layers = layerNames(artifacts.modelTopology);
    for (const [v, variable] of Object.entries(tf.engine().registeredVariables)) {
      if (!before.has(v) && layers.some((l) => v.startsWith(`${l}/`))) variable.dispose();
    }
    throw notALayersModel(name, err);
  }
}

function notALayersModel(name: string, err: unknown): ModelFileError {
  const message = `could not be loaded as a layers model: ${(err as Error).message}`;
  return new ModelFileError(FN, 'invalid', name, message, { cause: err });
}

/** The names of the layers a topology declares (nested models included). */
function layerNames(topology: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const n = node as { config?: { name?: unknown }; layers?: unknown };
      if (typeof n.config?.name === 'string') names.push(n.config.name);
      Object.values(node).forEach(visit);
    }
  };
  visit(topology);
  return [...new Set(names)];
}

/** Checks a saved training config's optimizer: a class tfjs has, with sound hyperparameters. */
function checkOptimizerConfig(
  trainingConfig: tf.io.TrainingConfig | undefined,
  name: string,
): void {
  // Read as unknown: the file may hold anything.
  const saved: unknown = trainingConfig?.optimizer_config;
  if (saved == null) return;
  const bad = (why: string): ModelFileError =>
    new ModelFileError(FN, 'invalid', name, `its training config's optimizer ${why}`);
  const cls = (saved as { class_name?: unknown }).class_name;
  const known = typeof cls === 'string' ? OPTIMIZERS[cls] : undefined;
  if (known === undefined) {
    throw bad(
      `is ${JSON.stringify(cls)}; expected one of tfjs' ${Object.keys(OPTIMIZERS).join(', ')}`,
    );
  }
  const config = ((saved as { config?: unknown }).config ?? {}) as Record<string, unknown>;
  for (const key of known.numbers) {
    const v = config[key];
    if (v === undefined) continue;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < 0 ||
      (key === 'learningRate' && v === 0)
    ) {
      throw bad(
        `${String(cls)} has ${key} ${JSON.stringify(v)}; expected a finite number${key === 'learningRate' ? ' > 0' : ' >= 0'}`,
      );
    }
  }
  for (const key of known.booleans) {
    const v = config[key];
    if (v !== undefined && typeof v !== 'boolean') {
      throw bad(`${String(cls)} has ${key} ${JSON.stringify(v)}; expected true or false`);
    }
  }
}
