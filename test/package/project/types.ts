// Compiles against the published types only (tsc --noEmit, node16 and bundler resolution).
import type * as tf from '@tensorflow/tfjs-core';
import {
  buildDenseClassifier,
  fitLinear,
  polyfitBaseline,
  selectBackend,
  type BackendSelection,
  type ClassifierHistory,
  type LinearFit,
  type NdArray,
  type PolyFit,
} from 'denselab';

export async function check(): Promise<void> {
  const selection: BackendSelection = await selectBackend({ prefer: ['wasm', 'cpu'] });
  const images: NdArray<Uint8Array> = { data: new Uint8Array(784), shape: [1, 28, 28] };
  const fit: LinearFit = await fitLinear([0, 1, 2], [1, 3, 5], { optimizer: 'adam', epochs: 10 });
  const poly: PolyFit = polyfitBaseline([0, 1, 2], [1, 3, 5]);
  const model = buildDenseClassifier({ seed: 1 });
  const history: ClassifierHistory = { loss: [1], accuracy: [0.5] };
  const y: number = fit.predict(3) + poly.predict(3);
  const layers: tf.Tensor[] = model.getWeights();
  console.log(selection.backend, images.shape, history.loss, y, layers.length);
}
