/**
 * The dense engine as fitClassifier builds it for the notes' network (784-width-width-10,
 * ReLU, softmax, categorical cross-entropy, RMSprop with Keras' settings): what the benchmarks
 * time directly, without the Keras-style loop around it.
 */
import { DenseEngine } from '../src/engine/denseEngine';
import { hasRelaxedSimd } from '../src/wasm/encoder';

export async function notesEngine(
  width: number,
  maxBatch: number,
  rows: number,
  threads: number,
): Promise<DenseEngine> {
  const { engine } = await DenseEngine.create({
    layers: [
      { inputs: 784, units: width, activation: 'relu', bias: true },
      { inputs: width, units: width, activation: 'relu', bias: true },
      { inputs: width, units: 10, activation: 'softmax', bias: true },
    ],
    loss: 'categorical',
    optimizer: {
      kind: 'rmsprop',
      learningRate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    },
    maxBatch,
    rows: [rows],
    threads,
    fma: hasRelaxedSimd(),
  });
  return engine;
}
