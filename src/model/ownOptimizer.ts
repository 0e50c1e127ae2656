import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Makes `model.dispose()` dispose the model's optimizer too. tfjs owns an optimizer only when
 * `compile` created it from a string (with tfjs' own defaults); denselab compiles with
 * optimizer instances (Keras' defaults) and `loadLayersModel` restores one from a saved
 * training config, and both would leak the optimizer's slot variables on dispose otherwise.
 * The flag is protected in tfjs' types, hence the cast.
 */
export function ownOptimizer(model: tfl.LayersModel): void {
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}
