import * as tf from '@tensorflow/tfjs-core';
import { OPTIMIZER_KINDS, type OptimizerKind, type OptimizerSpec } from '../rules/optimizers';
import { DisposingMomentumOptimizer } from './createOptimizer';
import { FastAdagradOptimizer } from './FastAdagradOptimizer';
import { FastAdamaxOptimizer } from './FastAdamaxOptimizer';
import { FastAdamOptimizer } from './FastAdamOptimizer';
import { FastRMSPropOptimizer } from './FastRMSPropOptimizer';
import { KerasAdadeltaOptimizer } from './KerasAdadeltaOptimizer';
import { specFromConfig } from './optimizerSpec';

/**
 * tfjs' optimizer classes and denselab's subclasses, each with the update rule it runs, or why
 * denselab's engine cannot take its place. Exact classes only: a subclass of the user's own may
 * change the update. Internal. The second field is an OptimizerKind, or the reason.
 */
type Entry = readonly [abstract new (...args: never[]) => tf.Optimizer, string];
const CLASSES: readonly Entry[] = [
  [tf.SGDOptimizer, 'sgd'],
  [tf.MomentumOptimizer, 'momentum'],
  [DisposingMomentumOptimizer, 'momentum'],
  [tf.RMSPropOptimizer, 'rmsprop'],
  [FastRMSPropOptimizer, 'rmsprop'],
  [tf.AdamOptimizer, 'adam'],
  [FastAdamOptimizer, 'adam'],
  [FastAdamaxOptimizer, 'adamax'],
  [tf.AdagradOptimizer, 'adagrad'],
  [FastAdagradOptimizer, 'adagrad'],
  [KerasAdadeltaOptimizer, 'adadelta'],
  [
    tf.AdamaxOptimizer,
    "tfjs 4.22's Adamax does not give its state (its getWeights throws); createOptimizer('adamax') makes one that does",
  ],
  [
    tf.AdadeltaOptimizer,
    "tfjs 4.22's Adadelta is not Keras' (its step uses the gradient average from before the step); createOptimizer('adadelta') makes Keras'",
  ],
];

const KINDS = new Set<string>(OPTIMIZER_KINDS);

/** The update rule a tfjs optimizer runs, or why the engine leaves it to tfjs. */
export function ruleSpecOf(optimizer: tf.Optimizer): OptimizerSpec | string {
  const ctor = (optimizer as object).constructor;
  const entry = CLASSES.find(([c]) => c === ctor);
  if (entry === undefined) {
    return `its optimizer is ${optimizer.getClassName()} (the engine runs tfjs' own optimizers and denselab's)`;
  }
  const [, kind] = entry;
  if (!KINDS.has(kind)) return kind;
  return specFromConfig(kind as OptimizerKind, optimizer.getConfig());
}
