/**
 * Just enough of a WebAssembly encoder to write denselab's small SIMD kernels as readable
 * instruction lists instead of opaque bytes. Internal: not exported from the package.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const memarg = (alignLog2: number): number[] => [alignLog2, 0];

/** The instructions the kernels use. */
export const op = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  select: [0x1b],
  f32Load: [0x2a, ...memarg(2)],
  f32Store: [0x38, ...memarg(2)],
  /** f32.load / f32.store at a constant byte offset from the address on the stack. */
  f32LoadAt: (offset: number): number[] => [0x2a, 2, ...uleb(offset)],
  f32StoreAt: (offset: number): number[] => [0x38, 2, ...uleb(offset)],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  f32Max: [0x97],
  f32Abs: [0x8b],
  f32Gt: [0x5e],
  v128Load: [...simd(0x00), ...memarg(0)],
  v128Store: [...simd(0x0b), ...memarg(0)],
  /** v128.load / v128.store at a constant byte offset from the address on the stack. */
  v128LoadAt: (offset: number): number[] => [...simd(0x00), 0, ...uleb(offset)],
  v128StoreAt: (offset: number): number[] => [...simd(0x0b), 0, ...uleb(offset)],
  /** Loads one f32 into all four lanes. */
  v128Load32Splat: [...simd(0x09), ...memarg(2)],
  /** Loads one f32 (or two) into the low lane(s), zeroing the others. */
  v128Load32Zero: [...simd(0x5c), ...memarg(2)],
  v128Load64Zero: [...simd(0x5d), ...memarg(3)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f32Zero: [0x43, 0, 0, 0, 0],
  f32x4Splat: simd(0x13),
  f32x4Abs: simd(0xe0),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Max: simd(0xe9),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  f32x4ExtractLane: (lane: number): number[] => [...simd(0x1f), lane],
  f32x4ReplaceLane: (lane: number): number[] => [...simd(0x20), lane],
  /** i8x16.shuffle of two vectors, by f32 lanes (0-3 the first vector, 4-7 the second). */
  f32x4Shuffle: (lanes: readonly number[]): number[] => [
    ...simd(0x0d),
    ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ],
  /** Relaxed SIMD's fused multiply-add a * b + c (one rounding where the hardware has FMA). */
  f32x4RelaxedMadd: simd(0x105),
  if: [0x04, 0x40],
  else: [0x05],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  end: [0x0b],
} as const;

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** One exported function of a module. */
export interface WasmFunction {
  name: string;
  params: number[];
  /** Extra locals, numbered after the parameters. */
  locals: number[];
  body: (number[] | readonly number[])[];
}

/**
 * A module whose functions work on an imported memory `env.memory` (shared or not, as the
 * memory it will be given).
 */
export function encodeModule(
  functions: WasmFunction[],
  sharedMemory: boolean,
): Uint8Array<ArrayBuffer> {
  const types = functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const limits = sharedMemory ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  const imports = [...uleb(1), ...name('env'), ...name('memory'), 0x02, ...limits];
  const funcs = [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))];
  const exports = [
    ...uleb(functions.length),
    ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  const bodies = functions.map((f) => {
    const locals = [...uleb(f.locals.length), ...f.locals.flatMap((t) => [1, t])];
    const code = [...locals, ...f.body.flat(), 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...uleb(functions.length), ...types]),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, [...uleb(bodies.length), ...bodies.flat()]),
  ]);
}

/**
 * The module of `functions` instantiated on `memory` (declared shared when it is), for the
 * exports by name.
 */
export function instantiateOn(
  functions: WasmFunction[],
  memory: WebAssembly.Memory,
): WebAssembly.Exports {
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(encodeModule(functions, shared));
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}

let simdSupport: boolean | undefined;
let relaxedSupport: boolean | undefined;

/**
 * Whether this engine validates relaxed SIMD's fused multiply-add (Node 22 and later, Chrome
 * 114 and later; Node 20 only behind --experimental-wasm-relaxed-simd).
 */
export function hasRelaxedSimd(): boolean {
  relaxedSupport ??=
    hasWasmSimd() &&
    WebAssembly.validate(
      encodeModule(
        [
          {
            name: 'madd',
            params: [],
            locals: [V128],
            body: [op.get(0), op.get(0), op.get(0), op.f32x4RelaxedMadd, op.set(0)],
          },
        ],
        false,
      ),
    );
  return relaxedSupport;
}

/** Whether this JavaScript engine runs WebAssembly SIMD (it validates a one-splat module). */
export function hasWasmSimd(): boolean {
  simdSupport ??=
    typeof WebAssembly === 'object' &&
    WebAssembly.validate(
      encodeModule(
        [
          {
            name: 'splat',
            params: [F32],
            locals: [V128],
            body: [op.get(0), op.f32x4Splat, op.set(1)],
          },
        ],
        false,
      ),
    );
  return simdSupport;
}
