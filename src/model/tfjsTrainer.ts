/**
 * fitClassifier's trainer through tfjs: each step is `optimizer.minimize` over the model's
 * forward pass, on whatever backend is active (WebGPU, WebGL, or anything the dense engine
 * does not run). Losses stay on the backend until collected, so a GPU is not made to wait
 * every step. Internal.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TensorData, ModelLoss } from './classifierInputs';
import { scoreInBatches, sliceRows } from './evaluateClassifier';
import type { TrainingPath } from './fitTypes';
import type { StepOutcome, Trainer } from './trainer';

interface Queued {
  loss: tf.Scalar;
  /** [accuracy, sum of predictions]: the sum catches NaN weights the clipped loss can hide. */
  stats: tf.Tensor1D;
  size: number;
}

/** Copies of the model's weights after some number of steps. */
interface Snapshot {
  steps: number;
  values: tf.Tensor[];
}

export class TfjsTrainer implements Trainer {
  readonly path: TrainingPath;
  private queue: Queued[] = [];
  private steps = 0;
  /** Weights whose loss came back finite, and the newest ones, not yet checked. */
  private checked: Snapshot | undefined;
  private unchecked: Snapshot;
  private readonly variables: tf.Variable[];

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly loss: ModelLoss,
    private readonly train: TensorData,
    private readonly validation: TensorData | undefined,
    private readonly validationBatchSize: number,
    private readonly shuffled: boolean,
    reason: string,
  ) {
    this.path = {
      engine: 'tfjs',
      device: tf.getBackend(),
      reason,
      threads: 1,
      fusedMultiplyAdd: false,
    };
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.unchecked = this.snapshot();
  }

  get pending(): number {
    return this.queue.length;
  }

  step(order: Int32Array, start: number, size: number): boolean {
    const { x, y } = this.train;
    const [xb, yb] = tf.tidy(() => {
      if (!this.shuffled) return [sliceRows(x, start, size), sliceRows(y, start, size)];
      const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
      return [tf.gather(x, idx), tf.gather(y, idx)];
    });
    let stats: tf.Tensor1D | undefined;
    try {
      const loss = this.model.optimizer.minimize(
        () => {
          const pred = this.model.apply(xb, { training: true }) as tf.Tensor;
          const accuracy = tf.mean(this.loss.accuracy(yb, pred));
          stats = tf.keep(tf.stack([accuracy, tf.sum(pred)]) as tf.Tensor1D);
          return tf.mean<tf.Scalar>(this.loss.loss(yb, pred));
        },
        true,
        this.variables,
      ) as tf.Scalar;
      this.queue.push({ loss, stats: stats as tf.Tensor1D, size });
    } catch (err) {
      stats?.dispose();
      throw err;
    } finally {
      tf.dispose([xb, yb]);
    }
    return true;
  }

  async collect(): Promise<StepOutcome[]> {
    if (this.queue.length === 0) return [];
    const batch = this.queue;
    this.queue = [];
    // One read-back: the losses, each step's stats, and whether every weight is still finite
    // after the last step (its loss alone can hide NaN weights behind a ReLU).
    const stacked = tf.tidy(() =>
      tf.concat([
        tf.stack(batch.map((p) => p.loss)),
        ...batch.map((p) => p.stats),
        tf.reshape(
          tf.cast(tf.all(tf.stack(this.variables.map((v) => tf.all(tf.isFinite(v))))), 'float32'),
          [1],
        ),
      ]),
    );
    tf.dispose(batch.flatMap((p) => [p.loss, p.stats]));
    const values = await stacked.data();
    stacked.dispose();
    const n = batch.length;
    const weightsFinite = values[3 * n] === 1;
    const outcomes = batch.map((q, i): StepOutcome => {
      const loss = values[i] as number;
      const predSum = values[n + 2 * i + 1] as number;
      return {
        loss: Number.isFinite(predSum) ? loss : NaN,
        accuracy: values[n + 2 * i] as number,
        size: q.size,
      };
    });
    if (!weightsFinite && outcomes.every((o) => Number.isFinite(o.loss))) {
      outcomes[n - 1] = { ...(outcomes[n - 1] as StepOutcome), loss: NaN, weightsNotFinite: true };
    }
    const bad = outcomes.findIndex((o) => !Number.isFinite(o.loss));
    this.steps += n;
    if (bad < 0) {
      // The first of these steps ran on the unchecked weights: they are good.
      this.replace(this.checked);
      this.checked = this.unchecked;
      this.unchecked = this.snapshot();
    } else if (bad > 0 || outcomes[bad]?.weightsNotFinite === true) {
      // The first step ran on the unchecked weights and gave a finite loss (with non-finite
      // weights after the last step, every step did).
      this.replace(this.checked);
      this.checked = this.unchecked;
      this.unchecked = { steps: this.unchecked.steps, values: [] };
    }
    return outcomes;
  }

  sync(): Promise<void> {
    return Promise.resolve(); // tfjs trains the model's own variables
  }

  reload(): Promise<void> {
    return Promise.resolve(); // tfjs reads the model's own variables
  }

  validate(): Promise<{ loss: number; accuracy: number }> {
    const v = this.validation as TensorData;
    return scoreInBatches(this.model, this.loss, v.x, v.y, this.validationBatchSize);
  }

  recover(): Promise<number> {
    const good = this.checked;
    if (good === undefined) return Promise.resolve(0);
    this.model.weights.forEach((w, i) => w.write(good.values[i] as tf.Tensor));
    return Promise.resolve(good.steps);
  }

  dispose(): void {
    tf.dispose(this.queue.flatMap((p) => [p.loss, p.stats]));
    this.queue = [];
    this.replace(this.checked);
    this.replace(this.unchecked);
    this.checked = undefined;
  }

  private snapshot(): Snapshot {
    return { steps: this.steps, values: this.model.weights.map((w) => tf.clone(w.read())) };
  }

  private replace(s: Snapshot | undefined): void {
    if (s !== undefined) tf.dispose(s.values);
  }
}
