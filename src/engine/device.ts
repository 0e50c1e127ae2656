/**
 * What fitClassifier's engine trainer drives: the dense engine on WebAssembly
 * (`DenseEngine`, src/engine/denseEngine.ts) or on WebGPU (`GpuEngine`, src/gpu/gpuEngine.ts).
 * Both hold the parameters twice (current and previous), the optimizer's slots and state, and
 * the data sets, and run the same rules (src/rules). Internal.
 */
import type { EngineActivation } from '../rules/activations';
import type { OptimizerSpec, UpdateRule } from '../rules/optimizers';
import type { EngineLoss, StepResult } from '../rules/losses';

/** One Dense layer as the engine runs it. */
export interface EngineLayer {
  readonly inputs: number;
  readonly units: number;
  readonly activation: EngineActivation;
  readonly bias: boolean;
}

/** What the engine is built for. */
export interface EngineConfig {
  readonly layers: readonly EngineLayer[];
  readonly loss: EngineLoss;
  readonly optimizer: OptimizerSpec;
  /** The largest batch a step or an evaluation takes. */
  readonly maxBatch: number;
  /** Rows of each data set the engine will hold (training first). */
  readonly rows: readonly number[];
  /** Threads, the caller's included (1: no workers). */
  readonly threads: number;
  /** Use relaxed SIMD's fused multiply-add. */
  readonly fma: boolean;
}

/** A kernel or bias on a device, read (on a GPU, after the queued work) and written. */
export interface DevicePart {
  /** Its values, dense (a kernel as `[inputs, units]`, row-major). */
  read(): Float32Array | Promise<Float32Array>;
  /** Sets its values from dense ones. */
  write(values: ArrayLike<number>): void;
  fill(value: number): void;
}

/** A layer's kernel and bias on a device. */
export interface DeviceLayer<P extends DevicePart = DevicePart> {
  kernel: P;
  bias: P;
}

/** A step's result as a device reports it. */
export interface DeviceResult extends StepResult {
  /**
   * The step's loss was finite but its update left a parameter that is not finite (`loss` is
   * then NaN); `restorePrevious` undoes that update.
   */
  weightsNotFinite?: true;
}

export interface EngineDevice {
  /** `'wasm'` or `'webgpu'`. */
  readonly kind: 'wasm' | 'webgpu';
  /** Threads the products run on (1 on the GPU, where the device runs them). */
  readonly threads: number;
  /** The optimizer's slots. */
  readonly slots: UpdateRule['slots'];
  /** The optimizer's running state, before the next step. */
  state: number[];
  weights(l: number, which?: 'current' | 'previous'): DeviceLayer;
  slot(s: number, l: number, which?: 'current' | 'previous'): DeviceLayer;
  setData(d: number, x: Float32Array, y: Float32Array | Int32Array): void;
  setOptimizer(optimizer: OptimizerSpec): void;
  /** Makes the previous parameters, slots and state current again (undoes the last update). */
  restorePrevious(): void;
  /**
   * One training step on rows `rows[start .. start + count)` of data set `d`: its result now
   * (wasm: an object the next step or evaluation reuses, so a step allocates nothing), or
   * undefined when the step was queued and its result comes from `collect`.
   */
  step(d: number, rows: ArrayLike<number>, start: number, count: number): StepResult | undefined;
  /**
   * The results of the steps queued since the last call, in order. A step whose loss was not
   * finite, or whose update left a parameter that is not finite, stops the steps after it
   * (their results are NaN too).
   */
  collect(): Promise<DeviceResult[]>;
  /** Sums of loss and right predictions over all rows of data set `d`. */
  evaluate(d: number): Promise<{ lossSum: number; correct: number }>;
  dispose(): void;
}
