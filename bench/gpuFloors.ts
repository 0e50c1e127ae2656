/**
 * What a WebGPU device costs before any training code runs, measured through Dawn on whatever
 * adapter is given: the CPU-and-driver cost of a dispatch (trivial shaders recorded into one
 * command buffer, one submit per step or one per ten steps), and a plain tiled WGSL matrix
 * product at the notes' shapes. These are floors for the engine's planned WebGPU device
 * (issue 25): a step of D dispatches cannot cost less than D times the first figure.
 *
 * Used by bench/gpu.ts; the product is checked against a float64 CPU product before it is
 * timed, and every timing waits for the queue (onSubmittedWorkDone), so nothing is counted
 * before the GPU finished it.
 */

/** The few WebGPU names used here, typed locally (the `@webgpu/types` shapes). */
export interface Gpu {
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): {
    getBindGroupLayout(i: number): unknown;
  };
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer } }[];
  }): unknown;
  createCommandEncoder(): {
    beginComputePass(): {
      setPipeline(p: unknown): void;
      setBindGroup(i: number, g: unknown): void;
      dispatchWorkgroups(x: number, y?: number, z?: number): void;
      end(): void;
    };
    copyBufferToBuffer(a: GpuBuffer, ao: number, b: GpuBuffer, bo: number, n: number): void;
    finish(): unknown;
  };
  queue: {
    submit(c: unknown[]): void;
    writeBuffer(b: GpuBuffer, o: number, data: ArrayBufferView): void;
    onSubmittedWorkDone(): Promise<void>;
  };
}
export interface GpuBuffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

const STORAGE = 0x80;
const COPY_DST = 0x08;
const COPY_SRC = 0x04;
const UNIFORM = 0x40;
const MAP_READ = 0x01;

const TRIVIAL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) { out[id.x] = out[id.x] * 0.5 + 1.0; }`;

/** C[M,N] = A[M,K] B[K,N], row-major; 64x64 tiles of C per workgroup, 4x4 per invocation. */
const GEMM = /* wgsl */ `
struct Dims { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> d: Dims;
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;
@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u) {
  let row0 = w.y * 64u;
  let col0 = w.x * 64u;
  let t = l.y * 16u + l.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < d.K; k0 += 16u) {
    for (var i = 0u; i < 4u; i++) {
      let e = t + i * 256u;
      let m = e / 16u; let k = e % 16u;
      let ar = row0 + m; let ak = k0 + k;
      As[k * 64u + m] = select(0.0, A[min(ar * d.K + ak, arrayLength(&A) - 1u)], ar < d.M && ak < d.K);
      let bk = k0 + e / 64u; let bc = col0 + e % 64u;
      Bs[e] = select(0.0, B[min(bk * d.N + bc, arrayLength(&B) - 1u)], bk < d.K && bc < d.N);
    }
    workgroupBarrier();
    for (var k = 0u; k < 16u; k++) {
      let a = vec4f(As[k * 64u + l.y * 4u], As[k * 64u + l.y * 4u + 1u], As[k * 64u + l.y * 4u + 2u], As[k * 64u + l.y * 4u + 3u]);
      let b = vec4f(Bs[k * 64u + l.x * 4u], Bs[k * 64u + l.x * 4u + 1u], Bs[k * 64u + l.x * 4u + 2u], Bs[k * 64u + l.x * 4u + 3u]);
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] = fma(a[i], b[j], acc[i * 4u + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let r = row0 + l.y * 4u + i; let c = col0 + l.x * 4u + j;
      if (r < d.M && c < d.N) { C[r * d.N + c] = acc[i * 4u + j]; }
    }
  }
}`;

function buffer(gpu: Gpu, data: Float32Array | Uint32Array, usage: number): GpuBuffer {
  const b = gpu.createBuffer({ size: Math.max(16, data.byteLength), usage: usage | COPY_DST });
  gpu.queue.writeBuffer(b, 0, data);
  return b;
}

async function readBack(gpu: Gpu, src: GpuBuffer, bytes: number): Promise<Float32Array> {
  const dst = gpu.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
  const enc = gpu.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, dst, 0, bytes);
  gpu.queue.submit([enc.finish()]);
  await dst.mapAsync(MAP_READ);
  const out = new Float32Array(dst.getMappedRange().slice(0));
  dst.unmap();
  dst.destroy();
  return out;
}

/** Median ms per step of `steps` steps of `dispatches` trivial dispatches, `perSubmit` a submit. */
export async function dispatchCost(
  gpu: Gpu,
  dispatches: number,
  perSubmit: number,
  steps = 300,
): Promise<number> {
  const module = gpu.createShaderModule({ code: TRIVIAL });
  const pipeline = gpu.createComputePipeline({
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  // One buffer and bind group per dispatch, as a step's distinct layers would have.
  const buffers = Array.from({ length: dispatches }, () =>
    buffer(gpu, new Float32Array(64 * 8), STORAGE),
  );
  const groups = buffers.map((b) =>
    gpu.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: b } }],
    }),
  );
  const run = async (n: number): Promise<number> => {
    const t = performance.now();
    for (let s = 0; s < n; s += perSubmit) {
      const enc = gpu.createCommandEncoder();
      for (let k = 0; k < perSubmit; k++) {
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        for (const g of groups) {
          pass.setBindGroup(0, g);
          pass.dispatchWorkgroups(8);
        }
        pass.end();
      }
      gpu.queue.submit([enc.finish()]);
    }
    await gpu.queue.onSubmittedWorkDone();
    return (performance.now() - t) / n;
  };
  await run(30);
  const ms = [await run(steps), await run(steps), await run(steps)].sort((a, b) => a - b);
  for (const b of buffers) b.destroy();
  return ms[1] as number;
}

/** The GEMM's largest relative error against float64, and its ms and GFLOP/s (median of 3). */
export async function gemmFloor(
  gpu: Gpu,
  m: number,
  n: number,
  k: number,
  reps = 50,
): Promise<{ ms: number; gflops: number; maxRelError: number }> {
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11) * 0.5);
  const A = buffer(gpu, a, STORAGE);
  const B = buffer(gpu, b, STORAGE);
  const C = buffer(gpu, new Float32Array(m * n).fill(Number.NaN), STORAGE | COPY_SRC);
  const D = buffer(gpu, Uint32Array.of(m, n, k, 0), UNIFORM);
  const module = gpu.createShaderModule({ code: GEMM });
  const pipeline = gpu.createComputePipeline({
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  const group = gpu.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [A, B, C, D].map((buf, binding) => ({ binding, resource: { buffer: buf } })),
  });
  const submit = (times: number): void => {
    const enc = gpu.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let r = 0; r < times; r++) pass.dispatchWorkgroups(Math.ceil(n / 64), Math.ceil(m / 64));
    pass.end();
    gpu.queue.submit([enc.finish()]);
  };
  submit(1);
  const c = await readBack(gpu, C, m * n * 4);
  let maxRelError = 0;
  for (let i = 0; i < m; i += Math.max(1, Math.floor(m / 16))) {
    for (let j = 0; j < n; j += Math.max(1, Math.floor(n / 16))) {
      let exact = 0;
      let scale = 0;
      for (let q = 0; q < k; q++) {
        exact += (a[i * k + q] as number) * (b[q * n + j] as number);
        scale += Math.abs((a[i * k + q] as number) * (b[q * n + j] as number));
      }
      const err = Math.abs((c[i * n + j] as number) - exact) / Math.max(scale, 1e-30);
      maxRelError = Number.isNaN(err) ? Infinity : Math.max(maxRelError, err);
    }
  }
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    submit(reps);
    await gpu.queue.onSubmittedWorkDone();
    times.push((performance.now() - t) / reps);
  }
  for (const buf of [A, B, C, D]) buf.destroy();
  const ms = times.sort((x, y) => x - y)[1] as number;
  return { ms, gflops: (2 * m * n * k) / ms / 1e6, maxRelError };
}
