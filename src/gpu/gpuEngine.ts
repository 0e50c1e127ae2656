/**
 * The dense engine's WebGPU device: the same training step as the wasm engine (forward with
 * bias and activation, the loss and its gradient, backward, the optimizer's update), written
 * in WGSL generated from the same rule tables, with the parameters, the optimizer's slots and
 * the data sets resident on the GPU. A step is a few dispatches (one product per layer
 * forward, one loss pass, two products per layer backward, one update) and one `writeBuffer`
 * of its row indices and scalars; `STEP_SLOTS` steps share a command buffer and a submit.
 * Nothing is read back until `collect`, which reads every queued step's loss and accuracy
 * at once. Internal.
 */
import type { DeviceLayer, DevicePart, DeviceResult, EngineDevice } from '../engine/device';
import type { EngineConfig, EngineLayer } from '../engine/device';
import { labelWidth, LOSSES, type LossRule } from '../rules/losses';
import { sameProgram, updateRule, type OptimizerSpec, type UpdateRule } from '../rules/optimizers';
import { forgetPipelines, GpuKernels } from './gpuKernels';
import { RESULTS, STEP, STEP_SLOTS, stepSlotBytes } from './shaders';
import {
  MAP_READ,
  USAGE,
  type GpuBuffer,
  type GpuCommandEncoder,
  type GpuDevice,
} from './webgpuTypes';

/** Steps (or evaluation batches) whose results fit between two reads. */
const RESULT_SLOTS = 1024;

/** What the GPU engine is built for: the wasm engine's configuration without threads. */
export type GpuEngineConfig = Omit<EngineConfig, 'threads' | 'fma'>;

/** Where layer l's kernel and bias start in the parameter block (float offsets; ld = units). */
export interface GpuLayerAt {
  w: number;
  b: number;
}

export function gpuLayout(layers: readonly EngineLayer[]): { at: GpuLayerAt[]; floats: number } {
  let floats = 0;
  const at = layers.map((l) => {
    const w = floats;
    floats += l.inputs * l.units;
    const b = floats;
    if (l.bias) floats += l.units;
    return { w, b };
  });
  return { at, floats: Math.ceil(floats / 4) * 4 };
}

/** The GPU buffers of one engine. */
export interface GpuBuffers {
  /** Parameters then each slot, current; the same before the last update. */
  state: GpuBuffer;
  previous: GpuBuffer;
  grads: GpuBuffer;
  acts: GpuBuffer[];
  delta: [GpuBuffer, GpuBuffer];
  step: GpuBuffer;
  results: GpuBuffer;
  data: { x: GpuBuffer; y: GpuBuffer; rows: number }[];
  /** Where reads land: results, and a copy of the parameter block. */
  readResults: GpuBuffer;
  readState: GpuBuffer;
}

export class GpuEngine implements EngineDevice {
  readonly kind = 'webgpu' as const;
  readonly threads = 1;
  state: number[];
  private rule: UpdateRule;
  private previousState: number[] = [];
  /** The state before each queued step, to settle on when one of them diverged. */
  private queuedStates: number[][] = [];
  private readonly stepWords: Uint32Array;
  private readonly stepFloats: Float32Array;
  /** The parameter block as last read, while nothing has changed it. */
  private snapshot: { which: 'current' | 'previous'; values: Promise<Float32Array> } | undefined;
  private disposed = false;
  /** Whether the first recorded work has been checked for validation errors (see `record`). */
  private firstWork: 'not yet' | 'in scope' | 'checked' = 'not yet';
  /** The command buffer being recorded, and the steps in it. */
  private open: { encoder: GpuCommandEncoder; steps: number } | undefined;
  private readonly stepBytes: number;

  private constructor(
    private readonly device: GpuDevice,
    private readonly config: GpuEngineConfig,
    private readonly buffers: GpuBuffers,
    private readonly kernels: GpuKernels,
    private readonly layout: { at: GpuLayerAt[]; floats: number },
  ) {
    this.rule = updateRule(config.optimizer);
    this.state = [...this.rule.state];
    this.stepWords = new Uint32Array(STEP.indices + config.maxBatch);
    this.stepFloats = new Float32Array(this.stepWords.buffer);
    this.stepBytes = stepSlotBytes(config.maxBatch);
  }

  /**
   * Builds an engine on `device`: its buffers and its pipelines (compiled here). Errors the
   * device reports only asynchronously (out of memory, a shader it rejects) are caught in
   * error scopes and thrown here, with everything made so far freed.
   */
  static async create(config: GpuEngineConfig, device: GpuDevice): Promise<GpuEngine> {
    const layout = gpuLayout(config.layers);
    const rule = updateRule(config.optimizer);
    const loss = LOSSES[config.loss];
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let made: { buffers?: GpuBuffers; kernels?: GpuKernels } = {};
    let thrown: Error | undefined;
    try {
      const buffers = allocate(device, config, loss, layout.floats, rule.slots.length);
      made = { buffers };
      const bytes = stepSlotBytes(config.maxBatch);
      made.kernels = new GpuKernels(device, config, layout, rule, buffers, bytes);
    } catch (err) {
      thrown = err instanceof Error ? err : new Error(String(err));
    }
    const invalid = await device.popErrorScope();
    const memory = await device.popErrorScope();
    const { buffers, kernels } = made;
    if (thrown !== undefined || invalid !== null || memory !== null || !buffers || !kernels) {
      kernels?.dispose();
      if (buffers) destroy(buffers);
      if (invalid !== null) forgetPipelines(device);
      if (thrown !== undefined) throw thrown;
      const why = invalid !== null ? "rejected the engine's shaders" : 'ran out of memory';
      throw new Error(`the WebGPU device ${why}: ${(invalid ?? memory)?.message ?? ''}`);
    }
    return new GpuEngine(device, config, buffers, kernels, layout);
  }

  get slots(): UpdateRule['slots'] {
    return this.rule.slots;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // never leave the error scope open on a device that tfjs goes on using
    if (this.firstWork === 'in scope') void this.device.popErrorScope().catch(() => undefined);
    this.firstWork = 'checked';
    this.kernels.dispose();
    destroy(this.buffers);
  }

  // ---------------------------------------------------------------------------- parameters

  weights(l: number, which: 'current' | 'previous' = 'current'): DeviceLayer {
    return this.parts(0, l, which);
  }

  slot(s: number, l: number, which: 'current' | 'previous' = 'current'): DeviceLayer {
    return this.parts(1 + s, l, which);
  }

  private parts(region: number, l: number, which: 'current' | 'previous'): DeviceLayer {
    const { inputs, units } = this.config.layers[l] as EngineLayer;
    const at = this.layout.at[l] as GpuLayerAt;
    const base = region * this.layout.floats;
    return {
      kernel: this.part(which, base + at.w, inputs * units),
      bias: this.part(which, base + at.b, units),
    };
  }

  private part(which: 'current' | 'previous', at: number, length: number): DevicePart {
    const buffer = which === 'current' ? this.buffers.state : this.buffers.previous;
    return {
      read: async () => (await this.readBlock(which)).slice(at, at + length),
      write: (values) => {
        this.submit();
        const v = values instanceof Float32Array ? values : Float32Array.from(values);
        this.device.queue.writeBuffer(buffer, at * 4, v.subarray(0, length));
        this.snapshot = undefined;
      },
      fill: (value) => {
        this.submit();
        this.device.queue.writeBuffer(buffer, at * 4, new Float32Array(length).fill(value));
        this.snapshot = undefined;
      },
    };
  }

  /** The whole parameter-and-slot block, read once until something changes it. */
  private readBlock(which: 'current' | 'previous'): Promise<Float32Array> {
    if (this.snapshot?.which !== which) {
      const source = which === 'current' ? this.buffers.state : this.buffers.previous;
      this.snapshot = { which, values: this.read(source, this.buffers.readState, source.size) };
    }
    return this.snapshot.values;
  }

  /** Copies `bytes` of `source` into `staging` (with the steps recorded so far) and reads them. */
  private async read(source: GpuBuffer, staging: GpuBuffer, bytes: number): Promise<Float32Array> {
    this.submit((encoder) => encoder.copyBufferToBuffer(source, 0, staging, 0, bytes));
    await staging.mapAsync(MAP_READ, 0, bytes);
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    return out;
  }

  setOptimizer(optimizer: OptimizerSpec): void {
    this.rule = sameProgram(this.rule, optimizer);
  }

  restorePrevious(): void {
    const { previous, state } = this.buffers;
    this.submit((encoder) => encoder.copyBufferToBuffer(previous, 0, state, 0, state.size));
    this.device.queue.writeBuffer(this.buffers.results, 0, new Float32Array(2));
    this.state = this.previousState;
    this.snapshot = undefined;
  }

  // ---------------------------------------------------------------------------------- data

  setData(d: number, x: Float32Array, y: Float32Array | Int32Array): void {
    const set = this.buffers.data[d];
    if (set === undefined) throw new Error(`GPU engine: no data set ${d}`);
    this.submit();
    this.device.queue.writeBuffer(set.x, 0, x);
    this.device.queue.writeBuffer(set.y, 0, y);
  }

  // -------------------------------------------------------------------------------- running

  /**
   * Records a batch (a training step, or with `training` false an evaluation batch writing
   * result slot `result`) into the open command buffer, after writing its step slot: the
   * batch's size, result slot, mode, the optimizer's scalars and the rows. Every
   * `STEP_SLOTS` batches the command buffer is submitted.
   */
  private record(
    d: number,
    count: number,
    result: number,
    training: boolean,
    row: (b: number) => number,
  ): void {
    const w = this.stepWords;
    w[STEP.count] = count;
    w[STEP.result] = result;
    w[STEP.training] = training ? 1 : 0;
    if (training) this.stepFloats.set(this.rule.scalars(this.state), STEP.scalars);
    for (let b = 0; b < count; b++) w[STEP.indices + b] = row(b);
    if (this.firstWork === 'not yet') {
      // Errors in recorded work surface only asynchronously: the first batches run inside an
      // error scope that `readResults` checks, so a device that rejects them fails loudly
      // instead of reporting the zeros of a results buffer nothing wrote.
      this.device.pushErrorScope('validation');
      this.firstWork = 'in scope';
    }
    this.open ??= { encoder: this.device.createCommandEncoder(), steps: 0 };
    const slot = this.open.steps++;
    const words = w.subarray(0, STEP.indices + count);
    this.device.queue.writeBuffer(this.buffers.step, slot * this.stepBytes, words);
    const pass = this.open.encoder.beginComputePass();
    this.kernels.record(pass, slot, d, count, training);
    pass.end();
    if (this.open.steps === STEP_SLOTS) this.submit();
  }

  /** Submits what is recorded, with `then` recorded after it (a copy); nothing when neither. */
  private submit(then?: (encoder: GpuCommandEncoder) => void): void {
    if (this.open === undefined && then === undefined) return;
    const encoder = this.open?.encoder ?? this.device.createCommandEncoder();
    this.open = undefined;
    then?.(encoder);
    this.device.queue.submit([encoder.finish()]);
  }

  step(d: number, rows: ArrayLike<number>, start: number, count: number): undefined {
    const result = this.queuedStates.length;
    if (result >= RESULT_SLOTS)
      throw new Error(`GPU engine: more than ${RESULT_SLOTS} steps queued`);
    this.record(d, count, result, true, (b) => rows[start + b] as number);
    this.queuedStates.push(this.state);
    this.state = this.rule.advance(this.state);
    this.snapshot = undefined;
    return undefined;
  }

  async collect(): Promise<DeviceResult[]> {
    const queued = this.queuedStates;
    if (queued.length === 0) return [];
    this.queuedStates = [];
    const r = await this.readResults(queued.length);
    const out: DeviceResult[] = [];
    for (let s = 0; s < queued.length; s++) {
      const at = RESULTS.first + 2 * s;
      out.push({ loss: r[at] as number, accuracy: r[at + 1] as number });
    }
    const updated = (r[RESULTS.weights] as number) - 1;
    const failed = out.findIndex((o) => !Number.isFinite(o.loss));
    if (updated >= 0 && (failed < 0 || updated < failed)) {
      // Step `updated` ran its update, which left a parameter that is not finite.
      out[updated] = { loss: NaN, accuracy: NaN, weightsNotFinite: true };
      this.previousState = queued[updated] as number[];
      this.state = this.rule.advance(this.previousState);
    } else if (failed >= 0) {
      // Step `failed` and those after it did not update: settle on the state before it.
      this.state = queued[failed] as number[];
      this.previousState = queued[failed - 1] ?? this.previousState;
    } else {
      this.previousState = queued.at(-1) as number[];
    }
    return out;
  }

  private async readResults(slots: number): Promise<Float32Array> {
    if (this.firstWork === 'in scope') {
      this.submit();
      this.firstWork = 'checked';
      const error = await this.device.popErrorScope();
      if (error !== null)
        throw new Error(`the WebGPU device rejected the engine's work: ${error.message}`);
    }
    return this.read(
      this.buffers.results,
      this.buffers.readResults,
      4 * (RESULTS.first + 2 * slots),
    );
  }

  async evaluate(d: number): Promise<{ lossSum: number; correct: number }> {
    const set = this.buffers.data[d];
    if (set === undefined) throw new Error(`GPU engine: no data set ${d}`);
    if (this.queuedStates.length > 0) throw new Error('GPU engine: evaluate with steps queued');
    const batch = this.config.maxBatch;
    let lossSum = 0;
    let correct = 0;
    for (let from = 0; from < set.rows; from += batch * RESULT_SLOTS) {
      const sizes: number[] = [];
      for (
        let start = from;
        start < Math.min(set.rows, from + batch * RESULT_SLOTS);
        start += batch
      ) {
        const count = Math.min(batch, set.rows - start);
        this.record(d, count, sizes.length, false, (b) => start + b);
        sizes.push(count);
      }
      const r = await this.readResults(sizes.length);
      sizes.forEach((count, s) => {
        lossSum += (r[RESULTS.first + 2 * s] as number) * count;
        correct += Math.round((r[RESULTS.first + 2 * s + 1] as number) * count);
      });
    }
    return { lossSum, correct };
  }
}

/** Allocates an engine's buffers; throws when a data set is larger than the device allows. */
function allocate(
  device: GpuDevice,
  config: GpuEngineConfig,
  loss: LossRule,
  floats: number,
  slots: number,
): GpuBuffers {
  const stateFloats = floats * (1 + slots);
  const limit = Math.min(
    device.limits.maxStorageBufferBindingSize ?? 0,
    device.limits.maxBufferSize ?? 0,
  );
  const input = (config.layers[0] as EngineLayer).inputs;
  const outputs = (config.layers.at(-1) as EngineLayer).units;
  const labels = labelWidth(loss, outputs);
  const widest = Math.max(...config.layers.map((l) => Math.max(l.inputs, l.units)));
  for (const rows of config.rows) {
    if (rows * input * 4 > limit) {
      throw new Error(
        `a data set of ${rows} rows of ${input} floats (${((rows * input * 4) / 2 ** 20).toFixed(0)} MiB) is larger than this WebGPU device's largest buffer (${(limit / 2 ** 20).toFixed(0)} MiB)`,
      );
    }
  }
  const made: GpuBuffer[] = [];
  const buffer = (
    floats: number,
    usage: number = USAGE.STORAGE | USAGE.COPY_DST | USAGE.COPY_SRC,
  ): GpuBuffer => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(floats / 4) * 16), usage });
    made.push(b);
    return b;
  };
  const staging = (floats: number): GpuBuffer => buffer(floats, USAGE.MAP_READ | USAGE.COPY_DST);
  return {
    state: buffer(stateFloats),
    previous: buffer(stateFloats),
    grads: buffer(floats),
    acts: config.layers.map((l) => buffer(config.maxBatch * l.units)),
    delta: [buffer(config.maxBatch * widest), buffer(config.maxBatch * widest)],
    step: buffer((STEP_SLOTS * stepSlotBytes(config.maxBatch)) / 4),
    results: buffer(RESULTS.first + 2 * RESULT_SLOTS),
    data: config.rows.map((rows) => ({ x: buffer(rows * input), y: buffer(rows * labels), rows })),
    readResults: staging(RESULTS.first + 2 * RESULT_SLOTS),
    readState: staging(stateFloats),
  };
}

function destroy(b: GpuBuffers): void {
  const all: GpuBuffer[] = [b.state, b.previous, b.grads, ...b.acts, ...b.delta, b.step, b.results];
  all.push(...b.data.flatMap((d) => [d.x, d.y]), b.readResults, b.readState);
  for (const buffer of all) buffer.destroy();
}
