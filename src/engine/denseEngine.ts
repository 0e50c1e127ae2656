/**
 * denselab's dense training engine: a whole training step of a stack of Dense layers (forward
 * with bias and ReLU fused into the product, the loss and its gradient, backward, the
 * optimizer's update) in one WebAssembly memory that denselab owns, with a handful of calls
 * from JavaScript per layer and the products split by columns across worker threads.
 *
 * The parameters live in two copies: each update reads one and writes the other, so the values
 * from before the last update are still there when a loss turns out NaN. Internal: fitClassifier
 * drives it (see src/model/engineTrainer.ts).
 */
import {
  gemmFunctions,
  NN_ROWS,
  nnCalls,
  ntCalls,
  runCalls,
  type Block,
  type NnArgs,
  type TileCall,
} from '../wasm/gemm';
import { elementwiseFunction } from '../wasm/elementwise';
import { encodeModule } from '../wasm/encoder';
import { applyActivation, applyDerivative } from '../rules/activations';
import {
  labelWidth,
  LOSSES,
  type LossInput,
  type LossRule,
  type StepResult,
} from '../rules/losses';
import { sameProgram, updateRule, type OptimizerSpec, type UpdateRule } from '../rules/optimizers';
import type { EngineConfig, EngineDevice, EngineLayer } from './device';
import { COMMAND_WORDS, ThreadPool } from './threads';

export type { EngineConfig, EngineLayer } from './device';

/** Byte offsets, 64-byte aligned, handed out in order. */
class Arena {
  bytes = 64 * 1024; // the first page stays unused: address 0 means "none" to the kernels
  alloc(floats: number): number {
    const at = this.bytes;
    this.bytes += Math.ceil((floats * 4) / 64) * 64;
    return at;
  }
}

interface LayerAt {
  /** The kernel's float offset and its row stride (floats). */
  w: number;
  ld: number;
  b: number;
}

/**
 * A kernel's row stride: the units rounded up to 16 floats, plus 16 when that is a multiple of
 * 64 floats (256 bytes). Rows of a power-of-two width would all map to the same few sets of a
 * core's caches, so a product walking down a column panel of the kernel would evict its own
 * panel; an odd number of 64-byte lines per row spreads them over every set. The padding
 * columns stay zero (their gradient is zero, and every rule keeps a zero parameter zero).
 */
export function kernelStride(units: number): number {
  const ld = Math.ceil(units / 16) * 16;
  return ld % 64 === 0 ? ld + 16 : ld;
}

/** Where each layer's kernel and bias sit in a flat parameter block (float offsets). */
function parameterLayout(layers: readonly EngineLayer[]): { at: LayerAt[]; floats: number } {
  let floats = 0;
  const round = (n: number): number => Math.ceil(n / 16) * 16;
  const at = layers.map((l) => {
    const w = floats;
    const ld = kernelStride(l.units);
    floats += l.inputs * ld;
    const b = floats;
    floats += round(l.units);
    return { w, ld, b };
  });
  return { at, floats };
}

/** A kernel or bias in one of the engine's blocks, copied in and out row by row. */
export interface Part {
  /** Its values, dense (a kernel as `[inputs, units]`, row-major). */
  read(): Float32Array;
  /** Sets its values from dense ones. */
  write(values: ArrayLike<number>): void;
  fill(value: number): void;
}

/** A part of `rows` rows of `cols` values, `ld` floats apart, at float offset `at`. */
function part(f32: Float32Array, at: number, rows: number, cols: number, ld: number): Part {
  const row = (r: number): Float32Array => f32.subarray(at + r * ld, at + r * ld + cols);
  return {
    read: () => {
      const out = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) out.set(row(r), r * cols);
      return out;
    },
    write: (values) => {
      const v = values instanceof Float32Array ? values : Float32Array.from(values);
      for (let r = 0; r < rows; r++) row(r).set(v.subarray(r * cols, (r + 1) * cols));
    },
    fill: (value) => {
      for (let r = 0; r < rows; r++) row(r).fill(value);
    },
  };
}

/** A data set in engine memory. */
interface DataSet {
  x: number;
  y: number;
  rows: number;
}

/** Where each block of the engine's memory starts (byte offsets). */
interface Blocks {
  params: [number, number];
  grads: number;
  slots: [number, number][];
  acts: number[];
  delta: [number, number];
  xb: number;
  yb: number;
  ones: number;
  scalars: number;
  data: DataSet[];
}

/**
 * Allocates the engine's blocks: two parameter blocks (current and previous, for rolling back
 * a step that diverged), the gradients, two blocks per optimizer slot, each layer's
 * activations, two delta buffers as wide as the widest layer, one batch of inputs and labels,
 * a column of ones, the scalars, and the data sets themselves.
 */
function layOut(arena: Arena, config: EngineConfig, slotCount: number): Blocks {
  const { floats } = parameterLayout(config.layers);
  const widest = Math.max(...config.layers.map((l) => Math.max(l.inputs, l.units)));
  const input = (config.layers[0] as EngineLayer).inputs;
  const outputs = (config.layers.at(-1) as EngineLayer).units;
  const labels = labelWidth(LOSSES[config.loss], outputs);
  const pair = (n: number): [number, number] => [arena.alloc(n), arena.alloc(n)];
  return {
    params: pair(floats),
    grads: arena.alloc(floats),
    slots: Array.from({ length: slotCount }, () => pair(floats)),
    acts: config.layers.map((l) => arena.alloc(config.maxBatch * l.units)),
    delta: pair(config.maxBatch * widest),
    xb: arena.alloc(config.maxBatch * input),
    yb: arena.alloc(config.maxBatch * labels),
    ones: arena.alloc(config.maxBatch),
    scalars: arena.alloc(16),
    data: config.rows.map((rows) => ({
      x: arena.alloc(rows * input),
      y: arena.alloc(rows * labels),
      rows,
    })),
  };
}

export class DenseEngine implements EngineDevice {
  readonly kind = 'wasm' as const;
  readonly threads: number;
  private readonly memory: WebAssembly.Memory;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly exports: WebAssembly.Exports;
  private rule: UpdateRule;
  private readonly layers: readonly EngineLayer[];
  private readonly inputWidth: number;
  private readonly outputs: number;
  private readonly loss: LossRule;
  private readonly labelWidth: number;
  private readonly at: LayerAt[];
  private readonly paramFloats: number;
  /** Two parameter blocks, the gradient block, and two blocks per slot. */
  private readonly params: [number, number];
  private readonly grads: number;
  private readonly slotBlocks: [number, number][];
  private readonly acts: number[];
  private readonly delta: [number, number];
  private readonly xb: number;
  private readonly yb: number;
  private readonly ones: number;
  private readonly scalars: number;
  private readonly data: DataSet[];
  private current = 0;
  private readonly plans = new Map<number, TileCall[][]>();
  private readonly lossInputs = new Map<number, LossInput>();
  /** The optimizer's running state (Adam's powers of beta; see UpdateRule.state). */
  state: number[];
  private previousState: number[] = [];
  /** The rule whose scalars are in memory (a stateless rule's do not change between steps). */
  private scalarsOf: UpdateRule | undefined;

  private constructor(
    private readonly config: EngineConfig,
    compiled: { memory: WebAssembly.Memory; exports: WebAssembly.Exports },
    arena: Blocks,
    private readonly pool: ThreadPool | undefined,
  ) {
    this.memory = compiled.memory;
    this.exports = compiled.exports;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.layers = config.layers;
    this.inputWidth = (config.layers[0] as EngineLayer).inputs;
    this.outputs = (config.layers.at(-1) as EngineLayer).units;
    this.loss = LOSSES[config.loss];
    this.labelWidth = labelWidth(this.loss, this.outputs);
    const layout = parameterLayout(config.layers);
    this.at = layout.at;
    this.paramFloats = layout.floats;
    this.rule = updateRule(config.optimizer);
    this.state = [...this.rule.state];
    this.params = arena.params;
    this.grads = arena.grads;
    this.slotBlocks = arena.slots;
    this.acts = arena.acts;
    this.delta = arena.delta;
    this.xb = arena.xb;
    this.yb = arena.yb;
    this.ones = arena.ones;
    this.scalars = arena.scalars;
    this.data = arena.data;
    this.threads = 1 + (pool?.size ?? 0);
    this.f32.fill(1, this.ones / 4, this.ones / 4 + config.maxBatch);
  }

  /**
   * Builds an engine: lays out and allocates its memory, compiles its module and starts
   * `threads - 1` workers (fewer when workers cannot start: the reason is in `threadNote`).
   */
  static async create(config: EngineConfig): Promise<{ engine: DenseEngine; threadNote?: string }> {
    const arena = new Arena();
    const rule = updateRule(config.optimizer);
    const blocks = layOut(arena, config, rule.slots.length);
    const commands = arena.alloc(Math.max(0, config.threads - 1) * COMMAND_WORDS);
    const pages = Math.ceil(arena.bytes / 65536);
    let threads = config.threads;
    let threadNote: string | undefined;
    if (threads > 1 && typeof SharedArrayBuffer === 'undefined') {
      threads = 1;
      threadNote = 'SharedArrayBuffer is not available here (a page must be cross-origin isolated)';
    }
    const memory = new WebAssembly.Memory({
      initial: pages,
      maximum: pages,
      ...(threads > 1 ? { shared: true } : {}),
    });
    const fns = [
      ...gemmFunctions(config.fma),
      elementwiseFunction({ name: UPDATE, program: rule.program, scalarsInMemory: true }),
    ];
    const module = new WebAssembly.Module(encodeModule(fns, threads > 1));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    let pool: ThreadPool | undefined;
    if (threads > 1) {
      const names = fns.map((f) => f.name);
      try {
        pool = await ThreadPool.start(threads - 1, module, memory, commands, names);
      } catch (err) {
        threadNote = `worker threads could not start (${(err as Error).message})`;
      }
    }
    const engine = new DenseEngine({ ...config, threads }, { memory, exports }, blocks, pool);
    return threadNote === undefined ? { engine } : { engine, threadNote };
  }

  /** Stops the workers; the engine cannot be used afterwards. */
  dispose(): void {
    this.pool?.dispose();
  }

  // ---------------------------------------------------------------------------- parameters

  /** Layer l's kernel (`[inputs, units]`) and bias in the current (or previous) parameters. */
  weights(l: number, which: 'current' | 'previous' = 'current'): { kernel: Part; bias: Part } {
    return this.parts(this.params, l, which);
  }

  /** Slot `s` of layer l (kernel and bias parts). */
  slot(
    s: number,
    l: number,
    which: 'current' | 'previous' = 'current',
  ): { kernel: Part; bias: Part } {
    return this.parts(this.slotBlocks[s] as [number, number], l, which);
  }

  private parts(
    pair: readonly [number, number],
    l: number,
    which: 'current' | 'previous',
  ): { kernel: Part; bias: Part } {
    const base = (pair[which === 'current' ? this.current : 1 - this.current] as number) / 4;
    const { inputs, units } = this.layers[l] as EngineLayer;
    const at = this.at[l] as LayerAt;
    return {
      kernel: part(this.f32, base + at.w, inputs, units, at.ld),
      bias: part(this.f32, base + at.b, 1, units, units),
    };
  }

  /** The optimizer's slots (tfjs' suffixes, such as `rms` and `momentum`, and start values). */
  get slots(): UpdateRule['slots'] {
    return this.rule.slots;
  }

  /**
   * Changes the optimizer's hyperparameters (a callback may have changed the learning rate);
   * its update program must stay the same.
   */
  setOptimizer(optimizer: OptimizerSpec): void {
    this.rule = sameProgram(this.rule, optimizer);
  }

  /** Makes the previous parameters, slots and state current again (undoes the last update). */
  restorePrevious(): void {
    this.current = 1 - this.current;
    this.state = this.previousState;
  }

  // ---------------------------------------------------------------------------------- data

  /** Copies rows of inputs and labels into data set `d` (labels float32, or int32 for sparse). */
  setData(d: number, x: Float32Array, y: Float32Array | Int32Array): void {
    const set = this.data[d] as DataSet;
    this.f32.set(x, set.x / 4);
    if (y instanceof Int32Array) this.i32.set(y, set.y / 4);
    else this.f32.set(y, set.y / 4);
  }

  /** Copies rows `rows[0..count)` of data set `d` into the batch buffers. */
  private gather(d: number, rows: ArrayLike<number>, start: number, count: number): void {
    const set = this.data[d] as DataSet;
    const width = this.inputWidth;
    const labelWidth = this.labelWidth;
    const f32 = this.f32;
    for (let b = 0; b < count; b++) {
      const r = rows[start + b] as number;
      f32.copyWithin(this.xb / 4 + b * width, set.x / 4 + r * width, set.x / 4 + (r + 1) * width);
      f32.copyWithin(
        this.yb / 4 + b * labelWidth,
        set.y / 4 + r * labelWidth,
        set.y / 4 + (r + 1) * labelWidth,
      );
    }
  }

  // -------------------------------------------------------------------------------- running

  /**
   * One training step on rows `rows[start .. start + count)` of data set `d`: forward, loss,
   * and (when the loss is finite) backward and the update. The loss is the batch mean.
   */
  step(d: number, rows: ArrayLike<number>, start: number, count: number): StepResult {
    this.gather(d, rows, start, count);
    this.forward(count);
    const result = this.lossAndGradient(count, true);
    if (!Number.isFinite(result.loss)) return result;
    this.backward(count);
    this.update();
    return result;
  }

  /**
   * `step`, timed phase by phase with `now` (milliseconds): where a step's time goes, for the
   * benchmark's profile.
   */
  profiledStep(
    d: number,
    rows: ArrayLike<number>,
    start: number,
    count: number,
    now: () => number,
  ): Record<'gather' | 'forward' | 'loss' | 'backward' | 'update', number> {
    const t0 = now();
    this.gather(d, rows, start, count);
    const t1 = now();
    this.forward(count);
    const t2 = now();
    this.lossAndGradient(count, true);
    const t3 = now();
    this.backward(count);
    const t4 = now();
    this.update();
    const t5 = now();
    return { gather: t1 - t0, forward: t2 - t1, loss: t3 - t2, backward: t4 - t3, update: t5 - t4 };
  }

  /** Steps run at once here: nothing is ever left to collect. */
  collect(): Promise<StepResult[]> {
    return Promise.resolve([]);
  }

  /** Sums of loss and right predictions over all rows of data set `d`, in batches. */
  evaluate(d: number): Promise<{ lossSum: number; correct: number }> {
    return Promise.resolve(this.evaluateNow(d));
  }

  private evaluateNow(d: number): { lossSum: number; correct: number } {
    const set = this.data[d] as DataSet;
    const batch = this.config.maxBatch;
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < set.rows; start += batch) {
      const count = Math.min(batch, set.rows - start);
      this.gatherRange(d, start, count);
      this.forward(count);
      const r = this.lossAndGradient(count, false);
      lossSum += r.loss * count;
      correct += r.accuracy * count;
    }
    return { lossSum, correct };
  }

  /**
   * A forward pass over `rows` rows of `x` (row-major, read where it lies: nothing is copied
   * but one batch at a time), in batches of maxBatch. With `out` (`rows x units`), the
   * activated outputs go there (softmax probabilities where a cross-entropy output leaves
   * logits); with `labels`, the sums of loss and right predictions come back.
   */
  infer(
    x: Float32Array,
    rows: number,
    out?: Float32Array,
    labels?: Float32Array | Int32Array,
  ): { lossSum: number; correct: number } {
    const { inputWidth: width, labelWidth, outputs: units } = this;
    const last = this.layers.at(-1) as EngineLayer;
    const at = (this.acts.at(-1) as number) / 4;
    const sums = { lossSum: 0, correct: 0 };
    for (let start = 0; start < rows; start += this.config.maxBatch) {
      const count = Math.min(this.config.maxBatch, rows - start);
      this.f32.set(x.subarray(start * width, (start + count) * width), this.xb / 4);
      this.forward(count);
      if (out !== undefined) {
        const o = out.subarray(start * units, (start + count) * units);
        o.set(this.f32.subarray(at, at + count * units));
        if (!this.loss.activatesOutput) applyActivation(last.activation, o, units);
      }
      if (labels === undefined) continue;
      const target = labels instanceof Int32Array ? this.i32 : this.f32;
      target.set(labels.subarray(start * labelWidth, (start + count) * labelWidth), this.yb / 4);
      const r = this.lossAndGradient(count, false);
      sums.lossSum += r.loss * count;
      sums.correct += r.accuracy * count;
    }
    return sums;
  }

  private gatherRange(d: number, start: number, count: number): void {
    const set = this.data[d] as DataSet;
    const width = this.inputWidth;
    const labelWidth = this.labelWidth;
    this.f32.copyWithin(
      this.xb / 4,
      set.x / 4 + start * width,
      set.x / 4 + (start + count) * width,
    );
    this.f32.copyWithin(
      this.yb / 4,
      set.y / 4 + start * labelWidth,
      set.y / 4 + (start + count) * labelWidth,
    );
  }

  /**
   * The call lists of a product or update, made once: they depend only on the batch size and
   * which parameter block is current. Callers write `this.plans.get(key) ?? this.remember(key,
   * make(...))`, so a step allocates nothing: no closure, and no scope object for one to
   * capture (V8 would make one per loop iteration for variables a closure captures).
   */
  private remember(key: number, calls: TileCall[][]): TileCall[][] {
    this.plans.set(key, calls);
    return calls;
  }

  /** Runs per-thread call lists: the caller's share here, the rest on the workers. */
  private parallel(perThread: TileCall[][]): void {
    if (this.pool === undefined || perThread.length === 1) {
      for (let t = 0; t < perThread.length; t++) runCalls(this.exports, perThread[t] as TileCall[]);
      return;
    }
    this.pool.run(perThread, this.runOwn);
  }

  /** Runs the caller's share of a parallel product. */
  private readonly runOwn = (calls: readonly TileCall[]): void => runCalls(this.exports, calls);

  /** [start, end) ranges splitting `size` into `parts`, each a multiple of `align` but the last. */
  private ranges(size: number, parts: number, align: number): [number, number][] {
    const out: [number, number][] = [];
    let start = 0;
    for (let t = 0; t < parts; t++) {
      const end =
        t === parts - 1
          ? size
          : Math.min(size, Math.round((size * (t + 1)) / parts / align) * align);
      out.push([start, Math.max(start, end)]);
      start = Math.max(start, end);
    }
    return out;
  }

  /** How many threads a product of this many multiply-adds is worth. */
  private threadsFor(macs: number): number {
    return macs < 200_000 ? 1 : this.threads;
  }

  private forward(count: number): void {
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l] as EngineLayer;
      const out = this.acts[l] as number;
      this.parallel(
        this.plans.get(planKey(0, l, count, this.current)) ??
          this.remember(planKey(0, l, count, this.current), this.forwardCalls(l, count)),
      );
      const last = l === this.layers.length - 1;
      if (layer.activation !== 'relu' && !(last && !this.loss.activatesOutput)) {
        applyActivation(
          layer.activation,
          this.f32.subarray(out / 4, out / 4 + count * layer.units),
          layer.units,
        );
      }
    }
  }

  /** Layer l's forward product (bias and ReLU fused), split by columns across threads. */
  private forwardCalls(l: number, count: number): TileCall[][] {
    const layer = this.layers[l] as EngineLayer;
    const at = this.at[l] as LayerAt;
    const p = this.params[this.current] as number;
    const args: NnArgs = {
      a: l === 0 ? this.xb : (this.acts[l - 1] as number),
      b: p + 4 * at.w,
      c: this.acts[l] as number,
      bias: layer.bias ? p + 4 * at.b : 0,
      k: layer.inputs,
      lda: layer.inputs,
      ldak: 1,
      ldb: at.ld,
      ldc: layer.units,
    };
    const threads = this.threadsFor(count * layer.inputs * layer.units);
    const relu = layer.activation === 'relu';
    if (narrow(layer.units, threads)) {
      return this.ranges(count, threads, NN_ROWS).map(([r0, r1]) =>
        nnCalls(args, { r0, r1, c0: 0, c1: layer.units }, relu),
      );
    }
    return this.ranges(layer.units, threads, 8).map(([c0, c1]) =>
      nnCalls(args, { r0: 0, r1: count, c0, c1 }, relu),
    );
  }

  /**
   * The batch's mean loss and accuracy from the last layer's output (see the loss table in
   * src/rules/losses.ts); when `training`, the gradient of the mean loss with respect to the
   * last layer's pre-activation goes into delta[0].
   */
  private lossAndGradient(count: number, training: boolean): StepResult {
    const input = this.lossInputs.get(count) ?? this.lossInput(count);
    input.training = training;
    return this.loss.compute(input);
  }

  /** The loss's views of a batch of `count` rows, made once per batch size. */
  private lossInput(count: number): LossInput {
    const units = this.outputs;
    const last = this.acts.at(-1)! / 4;
    const labels = this.loss.labels === 'index' ? this.i32 : this.f32;
    const input: LossInput = {
      out: this.f32.subarray(last, last + count * units),
      labels: labels.subarray(this.yb / 4, this.yb / 4 + count * this.labelWidth),
      grad: this.f32.subarray(this.delta[0] / 4, this.delta[0] / 4 + count * units),
      count,
      units,
      training: false,
      activation: (this.layers.at(-1) as EngineLayer).activation,
      result: { loss: 0, accuracy: 0 },
    };
    this.lossInputs.set(count, input);
    return input;
  }

  private backward(count: number): void {
    let dz = 0; // index into delta: delta[dz] holds the current layer's gradient
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const dZ = this.delta[dz] as number;
      const dPrev = this.delta[1 - dz] as number;
      this.parallel(
        this.plans.get(planKey(1 + dz, l, count, this.current)) ??
          this.remember(
            planKey(1 + dz, l, count, this.current),
            this.layerGradientCalls(l, count, dZ, dPrev),
          ),
      );
      const below = l === 0 ? undefined : (this.layers[l - 1] as EngineLayer);
      if (below !== undefined && below.activation !== 'relu' && below.activation !== 'linear') {
        const n = count * below.units;
        const input = this.acts[l - 1] as number;
        applyDerivative(
          below.activation,
          this.f32.subarray(dPrev / 4, dPrev / 4 + n),
          this.f32.subarray(input / 4, input / 4 + n),
          below.units,
        );
      }
      dz = 1 - dz;
    }
  }

  /**
   * Layer l's backward products, split by thread: its kernel's and bias' gradients by bands
   * of the kernel's columns (or of its rows, for a layer too narrow to split by columns), and
   * the gradient below it (dZ Wᵀ, masked by the ReLU below) by its columns.
   */
  private layerGradientCalls(l: number, count: number, dZ: number, dPrev: number): TileCall[][] {
    const layer = this.layers[l] as EngineLayer;
    const at = this.at[l] as LayerAt;
    const input = l === 0 ? this.xb : (this.acts[l - 1] as number);
    const below = l === 0 ? undefined : (this.layers[l - 1] as EngineLayer);
    const { inputs, units } = layer;
    const threads = this.threadsFor(count * inputs * units);
    const rows = this.ranges(inputs, threads, 4);
    const byRows = narrow(units, threads);
    const blocks = byRows
      ? this.ranges(inputs, threads, NN_ROWS).map(([r0, r1]) => ({ r0, r1, c0: 0, c1: units }))
      : this.ranges(units, threads, 8).map(([c0, c1]) => ({ r0: 0, r1: inputs, c0, c1 }));
    return blocks.map((block, t) => {
      // with bands of rows, thread 0 computes the whole bias gradient
      const calls = this.kernelGradientCalls(l, count, dZ, block, !byRows || t === 0);
      if (below !== undefined) {
        // dPrev = (dZ Wᵀ) masked by the ReLU below
        const [i0, i1] = rows[t] as [number, number];
        const dX = {
          a: dZ,
          b: (this.params[this.current] as number) + 4 * at.w,
          c: dPrev,
          mask: below.activation === 'relu' ? input : 0,
          k: units,
          lda: units,
          ldb: at.ld,
          ldc: inputs,
          ldm: inputs,
        };
        calls.push(...ntCalls(dX, { r0: 0, r1: count, c0: i0, c1: i1 }));
      }
      return calls;
    });
  }

  /** Layer l's kernel gradient (inputᵀ dZ) over `block`, and its bias' over the same columns. */
  private kernelGradientCalls(
    l: number,
    count: number,
    dZ: number,
    block: Block,
    withBias: boolean,
  ): TileCall[] {
    const { inputs, units, bias } = this.layers[l] as EngineLayer;
    const at = this.at[l] as LayerAt;
    // A is the input read down its columns (lda 1, ldak inputs)
    const dW = {
      a: l === 0 ? this.xb : (this.acts[l - 1] as number),
      b: dZ,
      c: this.grads + 4 * at.w,
      bias: 0,
      k: count,
      lda: 1,
      ldak: inputs,
      ldb: units,
      ldc: at.ld,
    };
    const calls = nnCalls(dW, block, false);
    if (bias && withBias) {
      // db = onesᵀ dZ
      const db = {
        a: this.ones,
        b: dZ,
        c: this.grads + 4 * at.b,
        bias: 0,
        k: count,
        lda: count,
        ldak: 1,
        ldb: units,
        ldc: units,
      };
      calls.push(...nnCalls(db, { r0: 0, r1: 1, c0: block.c0, c1: block.c1 }, false));
    }
    return calls;
  }

  private update(): void {
    // A rule without state (RMSprop, SGD, ...) has the same scalars every step: written once.
    const stateless = this.rule.state.length === 0;
    if (!stateless || this.scalarsOf !== this.rule) {
      this.f32.set(this.rule.scalars(this.state), this.scalars / 4);
      this.scalarsOf = this.rule;
    }
    const key = planKey(3, 0, 0, this.current);
    this.parallel(this.plans.get(key) ?? this.remember(key, this.updateCalls()));
    this.previousState = this.state;
    if (!stateless) this.state = this.rule.advance(this.state);
    this.current = 1 - this.current;
  }

  /** The update's calls: the parameters split across threads, read from one block, written to the other. */
  private updateCalls(): TileCall[][] {
    const [cur, next] = [this.current, 1 - this.current];
    return this.ranges(this.paramFloats, this.threads, 16).map(([s, e]) => {
      const off = 4 * s;
      const inputs = [
        at(this.params, cur) + off,
        this.grads + off,
        ...this.slotBlocks.map((pair) => at(pair, cur) + off),
      ];
      const outputs = [
        at(this.params, next) + off,
        ...this.slotBlocks.map((pair) => at(pair, next) + off),
      ];
      return e > s ? [{ fn: UPDATE, args: [...inputs, ...outputs, e - s, this.scalars] }] : [];
    });
  }
}

/**
 * A plan's key: the phase (0 forward, 1 and 2 backward from either delta buffer, 3 update),
 * the layer, the batch size and the current parameter block, as one number (no string to
 * allocate per step).
 */
function planKey(phase: number, layer: number, count: number, current: number): number {
  return ((count * 256 + layer) * 4 + phase) * 2 + current;
}

/**
 * Whether a product with this many output columns is split across threads by rows: a layer
 * narrower than 32 columns a thread (a classifier's 10 outputs) would leave a thread a sliver
 * of columns and the others idle.
 */
function narrow(units: number, threads: number): boolean {
  return threads > 1 && units < 32 * threads;
}

/** The export name of the optimizer's update. */
const UPDATE = 'update';

/** One of a pair of blocks. */
const at = (pair: readonly [number, number], i: number): number => pair[i] as number;
