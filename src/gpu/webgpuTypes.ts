/**
 * The parts of the WebGPU API the engine's device uses, declared here (the `@webgpu/types`
 * names, narrowed) so that the package's types do not depend on `@webgpu/types` or on the
 * DOM's WebGPU declarations, which differ between TypeScript versions. Internal.
 */

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export type GpuBindGroup = object;
export type GpuBindGroupLayout = object;

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}

export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(
    source: GpuBuffer,
    sourceOffset: number,
    destination: GpuBuffer,
    destinationOffset: number,
    size: number,
  ): void;
  finish(): object;
}

export interface GpuQueue {
  submit(buffers: object[]): void;
  writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView): void;
  onSubmittedWorkDone(): Promise<void>;
}

export interface GpuShaderModule {
  getCompilationInfo?(): Promise<{
    messages: readonly { type: string; message: string; lineNum: number }[];
  }>;
}

export interface GpuError {
  readonly message: string;
}

export interface GpuDevice {
  readonly limits: Readonly<Record<string, number>>;
  readonly queue: GpuQueue;
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): GpuShaderModule;
  createComputePipeline(descriptor: {
    layout: 'auto';
    compute: { module: GpuShaderModule; entryPoint: string };
    label?: string;
  }): GpuComputePipeline;
  createBindGroup(descriptor: {
    layout: GpuBindGroupLayout;
    entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[];
  }): GpuBindGroup;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuError | null>;
}

/** `GPUBufferUsage` flags (the WebGPU specification's values). */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  STORAGE: 0x0080,
} as const;

/** `GPUMapMode.READ`. */
export const MAP_READ = 0x0001;
