/**
 * Whether a tfjs-layers model can train on denselab's dense engine, and the engine's
 * description of it: a chain of Dense layers with activations the engine knows, no
 * regularizers, constraints or frozen layers, a loss it computes (categorical or sparse
 * categorical cross-entropy on a softmax output, or mean squared error) and an optimizer whose
 * update rule it has (src/optim/optimizerClasses.ts). Internal.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EngineLayer } from '../engine/denseEngine';
import { LOSSES, type EngineLoss } from '../rules/losses';
import { inboundLayers } from '../internals/tfjsInternals';
import { ruleSpecOf } from '../optim/optimizerClasses';
import { ENGINE_ACTIVATIONS, type EngineActivation } from '../rules/activations';
import type { OptimizerSpec } from '../rules/optimizers';
import type { LossKind } from './classifierInputs';

/** A model the engine can run: its Dense layers (tfjs objects) and the engine's view. */
export interface DenseStack {
  readonly dense: tfl.layers.Layer[];
  readonly layers: EngineLayer[];
  readonly loss: EngineLoss;
  readonly optimizer: OptimizerSpec;
}

/** The stack, or why the model stays on tfjs. */
export type StackCheck = { ok: true; stack: DenseStack } | { ok: false; reason: string };

const REGULARIZERS = ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer'];
const CONSTRAINTS = ['kernelConstraint', 'biasConstraint'];

/** Checks the model's layers, loss and optimizer. */
export function denseStack(model: tfl.LayersModel, loss: LossKind): StackCheck {
  if (loss === 'custom') {
    return no(
      'its loss is a custom function (the engine computes categorical and sparse categorical cross-entropy and MSE)',
    );
  }
  const layers = denseLayers(model);
  if (typeof layers === 'string') return no(layers);
  const last = layers.layers.at(-1) as EngineLayer;
  const rejected = LOSSES[loss].rejects(last.activation);
  if (rejected !== undefined) return no(rejected);
  const optimizer = ruleSpecOf(model.optimizer);
  if (typeof optimizer === 'string') return no(optimizer);
  return { ok: true, stack: { dense: layers.dense, layers: layers.layers, loss, optimizer } };
}

function no(reason: string): StackCheck {
  return { ok: false, reason };
}

/** The model's Dense layers as the engine runs them, or why it cannot. */
export function denseLayers(
  model: tfl.LayersModel,
): { dense: tfl.layers.Layer[]; layers: EngineLayer[] } | string {
  const dense: tfl.layers.Layer[] = [];
  const layers: EngineLayer[] = [];
  let previous: unknown;
  for (const layer of model.layers) {
    const name = layer.getClassName();
    if (name === 'InputLayer' && dense.length === 0) {
      previous = layer;
      continue;
    }
    if (name !== 'Dense')
      return `layer ${layer.name} is a ${name} (the engine runs Dense layers only)`;
    const inbound = inboundLayers(layer);
    if (previous !== undefined && (inbound.length !== 1 || inbound[0] !== previous)) {
      return `layer ${layer.name} does not follow the layer before it (the engine runs plain stacks)`;
    }
    const config = layer.getConfig() as Record<string, unknown>;
    const activation = config.activation as string;
    if (!(ENGINE_ACTIVATIONS as readonly string[]).includes(activation)) {
      return `layer ${layer.name} has the activation ${activation}`;
    }
    const extra = [...REGULARIZERS, ...CONSTRAINTS].find((k) => config[k] != null);
    if (extra !== undefined) return `layer ${layer.name} has a ${extra}`;
    if (!layer.trainable) return `layer ${layer.name} is frozen (trainable false)`;
    const [kernel, bias] = layer.getWeights(false);
    if (kernel === undefined || kernel.rank !== 2 || kernel.dtype !== 'float32') {
      return `layer ${layer.name} is not a float32 Dense layer on [batch, features] inputs`;
    }
    const [inputs, units] = kernel.shape as [number, number];
    layers.push({
      inputs,
      units,
      activation: activation as EngineActivation,
      bias: bias !== undefined,
    });
    dense.push(layer);
    previous = layer;
  }
  if (dense.length === 0) return 'the model has no Dense layers';
  return { dense, layers };
}
