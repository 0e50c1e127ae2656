/**
 * denselab: the first steps of deep learning on TensorFlow.js, typed.
 *
 * @packageDocumentation
 * @module denselab
 */
export type { Line, LossHistory, NdArray, NumericInput, TypedArray } from './core/types';
export { flattenImages, type FlattenImagesOptions } from './data/flattenImages';
export { normalize, type NormalizeOptions } from './data/normalize';
export { toCategorical } from './data/toCategorical';
export { toArray, type NestedArray } from './data/toArray';
export { LIMITS } from './core/limits';
export { readIdx, type IdxArray, type IdxTag } from './data/readIdx';
export { writeIdx, type WriteIdxOptions } from './data/writeIdx';
export { IdxFormatError, type IdxErrorCode } from './data/IdxFormatError';
export type { IdxDtype, IdxArrayTypes } from './data/idxFormat';
export {
  loadMnist,
  type LabelArray,
  type LoadMnistOptions,
  type MnistData,
  type MnistSplit,
} from './data/loadMnist';
export { NonFiniteLossError } from './core/NonFiniteLossError';
export {
  createOptimizer,
  OPTIMIZER_NAMES,
  KERAS_OPTIMIZER_DEFAULTS,
  type OptimizerName,
  type OptimizerHyperparameters,
} from './optim/createOptimizer';
export {
  fitLinear,
  type FitLinearOptions,
  type LinearFit,
  type Predictor,
} from './regression/fitLinear';
export { polyfitBaseline, type PolyfitOptions, type PolyFit } from './regression/polyfitBaseline';
export { mse } from './regression/mse';
export {
  compareOptimizers,
  type CompareOptimizersOptions,
  type OptimizerComparison,
  type OptimizerRun,
} from './regression/compareOptimizers';
export {
  buildDenseClassifier,
  type DenseActivation,
  type DenseClassifierOptions,
} from './model/buildDenseClassifier';
export { fitClassifier } from './model/fitClassifier';
export type {
  BatchLogs,
  ClassifierCallbacks,
  FitCallback,
  TfjsCallbackObject,
  ClassifierHistory,
  ClassifierTraining,
  EpochLogs,
  FitClassifierOptions,
  TrainingPath,
} from './model/fitTypes';
export {
  evaluateClassifier,
  type ClassifierScores,
  type EvaluateClassifierOptions,
} from './model/evaluateClassifier';
export {
  predictClasses,
  type ClassPredictions,
  type PredictClassesOptions,
} from './model/predictClasses';
export type { ClassifierData } from './model/classifierInputs';
export type { ClassifierInput, ClassifierLabels } from './model/plainData';
export {
  ProgressLogger,
  type ProgressLoggerOptions,
  type ProgressSink,
  type Verbosity,
} from './progress/ProgressLogger';
export { saveModel, type SaveModelOptions, type SavedModel } from './io/saveModel';
export { loadModel, type LoadModelOptions } from './io/loadModel';
export { ModelFileError, type ModelFileErrorCode } from './io/ModelFileError';
export { selectBackend, releaseBackend, type SelectBackendOptions } from './backend/selectBackend';
export { useFastKernels } from './tfjsKernels/useFastKernels';
export type {
  AdapterSummary,
  BackendAttempt,
  BackendName,
  BackendSelection,
} from './backend/types';
