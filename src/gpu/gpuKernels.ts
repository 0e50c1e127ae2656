/**
 * The GPU engine's pipelines and bind groups, made once, and the recording of a step or an
 * evaluation batch into one command buffer. Internal.
 */
import type { EngineLayer } from '../engine/device';
import { LOSSES } from '../rules/losses';
import type { UpdateRule } from '../rules/optimizers';
import type { GpuBuffers, GpuEngineConfig, GpuLayerAt } from './gpuEngine';
import { STEP_SLOTS } from './shaders';
import { ENGINE_ACTIVATIONS, type EngineActivation } from '../rules/activations';
import {
  ARGS,
  GRID_ROW,
  lossShader,
  NONE,
  productShader,
  softmaxBackwardShader,
  softmaxRowsShader,
  TILE,
  UPDATE_GROUP,
  updateShader,
} from './shaders';
import { USAGE } from './webgpuTypes';
import type {
  GpuBindGroup,
  GpuBuffer,
  GpuComputePass,
  GpuComputePipeline,
  GpuDevice,
} from './webgpuTypes';

/** A pipeline with its bind group per data set (the same group for every set when it reads none). */
interface Pass {
  pipeline: GpuComputePipeline;
  /** By step slot, then data set. */
  groups: GpuBindGroup[][];
  /** Workgroups for a batch of `count` rows. */
  size(count: number): [number, number];
}

const ceil = (a: number, b: number): number => Math.ceil(a / b);

/** A product's arguments (see `ARGS`): what differs from the defaults. */
type ProductArgs = Partial<Record<Exclude<keyof typeof ARGS, 'words'>, number>>;

/** The code of an activation in the product shader (softmax runs as a row pass). */
const code = (kind: EngineActivation | undefined): number =>
  kind === undefined || kind === 'linear' || kind === 'softmax'
    ? NONE
    : ENGINE_ACTIVATIONS.indexOf(kind);

/**
 * Pipelines by device and WGSL: every engine on a device shares them (SwiftShader takes about
 * a second to compile the product shader; a hardware driver, some tens of milliseconds).
 */
const pipelines = new WeakMap<GpuDevice, Map<string, GpuComputePipeline>>();

/** Drops a device's pipelines (after it rejected one: the cache must not keep it). */
export function forgetPipelines(device: GpuDevice): void {
  pipelines.delete(device);
}

function pipelineFor(device: GpuDevice, code: string): GpuComputePipeline {
  let known = pipelines.get(device);
  if (known === undefined) pipelines.set(device, (known = new Map<string, GpuComputePipeline>()));
  let pipeline = known.get(code);
  if (pipeline === undefined) {
    const module = device.createShaderModule({ code });
    pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    known.set(code, pipeline);
  }
  return pipeline;
}

export class GpuKernels {
  private readonly forward: Pass[][] = [];
  private readonly loss: Pass;
  private readonly backward: Pass[][] = [];
  private readonly update: Pass;
  /** The products' argument buffers, freed with the engine. */
  private readonly args: GpuBuffer[] = [];

  constructor(
    private readonly device: GpuDevice,
    private readonly config: GpuEngineConfig,
    layout: { at: GpuLayerAt[]; floats: number },
    rule: UpdateRule,
    private readonly buffers: GpuBuffers,
    private readonly stepBytes: number,
  ) {
    const layers = config.layers;
    const last = layers.length - 1;
    const lossRule = LOSSES[config.loss];
    layers.forEach((layer, l) => {
      const at = layout.at[l] as GpuLayerAt;
      const passes = [this.forwardProduct(l, layer, at, l === last && !lossRule.activatesOutput)];
      const activated = l < last || lossRule.activatesOutput;
      if (layer.activation === 'softmax' && activated) {
        passes.push(this.rowPass(softmaxRowsShader(layer.units), [buffers.acts[l] as GpuBuffer]));
      }
      this.forward.push(passes);
      this.backward[l] = this.backwardPasses(l, layer, at, (last - l) % 2);
    });
    const outputs = layers[last] as EngineLayer;
    this.loss = this.pass(
      lossShader(lossRule, outputs.units, outputs.activation),
      (d) => [
        buffers.acts[last],
        buffers.data[d]?.y,
        buffers.delta[0],
        buffers.step,
        buffers.results,
      ],
      () => [1, 1],
    );
    const groups = ceil(layout.floats, UPDATE_GROUP);
    this.update = this.pass(
      updateShader(rule, layout.floats),
      () => [buffers.state, buffers.previous, buffers.grads, buffers.step, buffers.results],
      () => [Math.min(groups, GRID_ROW), ceil(groups, GRID_ROW)],
    );
  }

  /** A pipeline from WGSL and its bind groups, one per data set. */
  private pass(
    code: string,
    bindings: (d: number) => (GpuBuffer | undefined)[],
    size: (count: number) => [number, number],
  ): Pass {
    const pipeline = pipelineFor(this.device, code);
    const { step } = this.buffers;
    const groups = Array.from({ length: STEP_SLOTS }, (_, slot) =>
      this.buffers.data.map((_, d) =>
        this.device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: bindings(d).map((buffer, binding) => ({
            binding,
            resource:
              buffer === step
                ? { buffer, offset: slot * this.stepBytes, size: this.stepBytes }
                : { buffer: buffer as GpuBuffer },
          })),
        }),
      ),
    );
    return { pipeline, groups, size };
  }

  /** A pass over the batch's rows of `units` values (softmax forward or backward). */
  private rowPass(code: string, extra: GpuBuffer[], more: GpuBuffer[] = []): Pass {
    return this.pass(
      code,
      () => [...extra, this.buffers.step, ...more],
      (count) => [ceil(count, 64), 1],
    );
  }

  /** A product C = A B: the shared product shader, with its arguments in a buffer of its own. */
  private product(
    args: ProductArgs & { m: number; n: number },
    bindings: (d: number) => (GpuBuffer | undefined)[],
  ): Pass {
    const words = new Uint32Array(ARGS.words);
    words[ARGS.activation] = NONE;
    words[ARGS.derivative] = NONE;
    for (const [key, value] of Object.entries(args)) words[ARGS[key as keyof ProductArgs]] = value;
    const buffer = this.device.createBuffer({
      size: words.byteLength,
      usage: USAGE.STORAGE | USAGE.COPY_DST,
    });
    this.device.queue.writeBuffer(buffer, 0, words);
    this.args.push(buffer);
    const { step } = this.buffers;
    return this.pass(
      productShader(),
      (d) => {
        const [a, b, c, e] = bindings(d);
        return [a, b, c, step, e ?? step, buffer];
      },
      (count) => [ceil(args.n, TILE), ceil(args.m === 0 ? count : args.m, TILE)],
    );
  }

  /** Layer l's input as the left operand: the data set's rows through the step's indices, or the layer below's output. */
  private input(l: number, transposed: boolean): ProductArgs {
    const inputs = (this.config.layers[l] as EngineLayer).inputs;
    return { aLd: inputs, aGather: l === 0 ? 1 : 0, aTransposed: transposed ? 1 : 0 };
  }

  /** Layer l's forward product: input times kernel, plus bias, activated unless `logits`. */
  private forwardProduct(l: number, layer: EngineLayer, at: GpuLayerAt, logits: boolean): Pass {
    const { inputs, units } = layer;
    const b = this.buffers;
    return this.product(
      {
        m: 0,
        n: units,
        k: inputs,
        ...this.input(l, false),
        bBase: at.w,
        bRowStride: units,
        bColStride: 1,
        cLd: units,
        addBias: layer.bias ? 1 : 0,
        biasAt: at.b,
        activation: logits ? NONE : code(layer.activation),
      },
      (d) => [l === 0 ? b.data[d]?.x : b.acts[l - 1], b.state, b.acts[l]],
    );
  }

  /**
   * Layer l's backward passes from delta[dz]: the kernel's gradient (inputᵀ dZ, with the bias
   * gradient as one more row of ones), and below the first layer the gradient below
   * (dZ Wᵀ times the derivative of the activation below) into the other delta buffer.
   */
  private backwardPasses(l: number, layer: EngineLayer, at: GpuLayerAt, dz: number): Pass[] {
    const { inputs, units } = layer;
    const b = this.buffers;
    const dZ = b.delta[dz] as GpuBuffer;
    const dPrev = b.delta[1 - dz] as GpuBuffer;
    const passes = [
      this.product(
        {
          m: inputs + (layer.bias ? 1 : 0),
          n: units,
          k: 0,
          ...this.input(l, true),
          onesRow: layer.bias ? 1 : 0,
          bRowStride: units,
          bColStride: 1,
          cBase: at.w,
          cLd: units,
          cBias: at.b,
        },
        (d) => [l === 0 ? b.data[d]?.x : b.acts[l - 1], dZ, b.grads],
      ),
    ];
    if (l === 0) return passes;
    const below = (this.config.layers[l - 1] as EngineLayer).activation;
    passes.push(
      this.product(
        {
          m: 0,
          n: inputs,
          k: units,
          aLd: units,
          bBase: at.w,
          bRowStride: 1,
          bColStride: units,
          cLd: inputs,
          derivative: code(below),
        },
        () => [dZ, b.state, dPrev, b.acts[l - 1]],
      ),
    );
    if (below === 'softmax') {
      passes.push(
        this.rowPass(softmaxBackwardShader(inputs), [dPrev], [b.acts[l - 1] as GpuBuffer]),
      );
    }
    return passes;
  }

  /** Frees the products' argument buffers (the pipelines stay, shared by the device's engines). */
  dispose(): void {
    for (const buffer of this.args) buffer.destroy();
  }

  /**
   * Records a batch's passes (forward and loss; training: backward and update) reading step
   * slot `slot` of the step buffer.
   */
  record(pass: GpuComputePass, slot: number, d: number, count: number, training: boolean): void {
    const run = (p: Pass): void => this.dispatch(pass, p, slot, d, count);
    this.forward.forEach((passes) => passes.forEach(run));
    run(this.loss);
    if (training) {
      for (let l = this.backward.length - 1; l >= 0; l--) (this.backward[l] as Pass[]).forEach(run);
      run(this.update);
    }
  }

  private dispatch(pass: GpuComputePass, p: Pass, slot: number, d: number, count: number): void {
    const [x, y] = p.size(count);
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, (p.groups[slot] as GpuBindGroup[])[d] as GpuBindGroup);
    pass.dispatchWorkgroups(x, y);
  }
}
