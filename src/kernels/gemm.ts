/**
 * C = A B for row-major float32 matrices in a WebAssembly memory, with SIMD and without
 * packing either operand. Each element is the plain dot product in order, a[i,0] b[0,j] +
 * a[i,1] b[1,j] + ..., each product and sum rounded to float32 (no fused multiply-add), so
 * every tile gives the same bits as the naive loop. Internal: used by the BatchMatMul kernels.
 */
import { F32, I32, instantiateOn, op, V128, type WasmFunction } from './wasmCode';

type Code = (number[] | readonly number[])[];

// Every tile function takes (a, b, c, k, n, rowStart, rowEnd, colStart, colEnd): pointers in
// bytes, sizes in elements, and the rows and columns of C it fills.
const p = { a: 0, b: 1, c: 2, k: 3, n: 4, r0: 5, r1: 6, c0: 7, c1: 8 } as const;
const PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32];
const l = { i: 9, j: 10, kk: 11, pa: 12, pb: 13, k4: 14, n4: 15, first: 16 } as const;

/** The loop skeleton shared by every tile: rows by `rows`, columns by `cols` elements. */
function tiles(rows: number, cols: number, inner: Code, store: Code, zero: Code): Code {
  // prettier-ignore
  return [
    op.get(p.k), op.i32(4), op.i32Mul, op.set(l.k4),
    op.get(p.n), op.i32(4), op.i32Mul, op.set(l.n4),
    op.get(p.r0), op.set(l.i),
    op.block, op.loop,
    op.get(l.i), op.get(p.r1), op.i32GeU, op.brIf(1),
    op.get(p.c0), op.set(l.j),
    op.block, op.loop,
    op.get(l.j), op.get(p.c1), op.i32GeU, op.brIf(1),
    ...zero,
    // pa = a + i * k * 4, pb = b + j * 4
    op.get(p.a), op.get(l.i), op.get(l.k4), op.i32Mul, op.i32Add, op.set(l.pa),
    op.get(p.b), op.get(l.j), op.i32(4), op.i32Mul, op.i32Add, op.set(l.pb),
    op.i32(0), op.set(l.kk),
    op.block, op.loop,
    op.get(l.kk), op.get(p.k), op.i32GeU, op.brIf(1),
    ...inner,
    op.get(l.pa), op.i32(4), op.i32Add, op.set(l.pa),
    op.get(l.pb), op.get(l.n4), op.i32Add, op.set(l.pb),
    op.get(l.kk), op.i32(1), op.i32Add, op.set(l.kk),
    op.br(0), op.end, op.end,
    ...store,
    op.get(l.j), op.i32(cols), op.i32Add, op.set(l.j),
    op.br(0), op.end, op.end,
    op.get(l.i), op.i32(rows), op.i32Add, op.set(l.i),
    op.br(0), op.end, op.end,
  ];
}

/** Address of row `l.i + r` of A at the current k: pa + r * k * 4. */
const aAt = (r: number): Code =>
  r === 0 ? [op.get(l.pa)] : [op.get(l.pa), op.get(l.k4), op.i32(r), op.i32Mul, op.i32Add];

/** Address of C[l.i + r, l.j]. */
const cAt = (r: number): Code => [
  op.get(p.c),
  op.get(l.i),
  op.i32(r),
  op.i32Add,
  op.get(l.n4),
  op.i32Mul,
  op.i32Add,
  op.get(l.j),
  op.i32(4),
  op.i32Mul,
  op.i32Add,
];

/** A tile of `rows` rows by `vectors` x 4 columns, accumulated in SIMD registers. */
function vectorTile(rows: number, vectors: number): WasmFunction {
  const bv = (v: number): number => l.first + v;
  const acc = (r: number, v: number): number => l.first + vectors + r * vectors + v;
  const splat = l.first + vectors + rows * vectors;
  const inner: Code = [];
  for (let v = 0; v < vectors; v++) inner.push(op.get(l.pb), op.v128LoadAt(v * 16), op.set(bv(v)));
  for (let r = 0; r < rows; r++) {
    inner.push(...aAt(r), op.v128Load32Splat, op.set(splat));
    for (let v = 0; v < vectors; v++) {
      // prettier-ignore
      inner.push(op.get(acc(r, v)), op.get(splat), op.get(bv(v)), op.f32x4Mul, op.f32x4Add, op.set(acc(r, v)));
    }
  }
  const zero: Code = [];
  const store: Code = [];
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      zero.push(op.v128Zero, op.set(acc(r, v)));
      store.push(...cAt(r), op.get(acc(r, v)), op.v128StoreAt(v * 16));
    }
  }
  return {
    name: `tile${rows}x${vectors * 4}`,
    params: PARAMS,
    locals: [
      I32,
      I32,
      I32,
      I32,
      I32,
      I32,
      I32,
      ...new Array<number>(vectors + rows * vectors + 1).fill(V128),
    ],
    body: tiles(rows, vectors * 4, inner, store, zero),
  };
}

/** One element at a time, for the last n % 4 columns. */
function scalarTile(): WasmFunction {
  const acc = l.first;
  return {
    name: 'tile1x1',
    params: PARAMS,
    locals: [I32, I32, I32, I32, I32, I32, I32, F32],
    body: tiles(
      1,
      1,
      // prettier-ignore
      [op.get(acc), op.get(l.pa), op.f32Load, op.get(l.pb), op.f32Load, op.f32Mul, op.f32Add, op.set(acc)],
      [...cAt(0), op.get(acc), op.f32Store],
      [op.f32Zero, op.set(acc)],
    ),
  };
}

/** The main tile: 2 rows by 16 columns kept best in x64's 16 SIMD registers in trials. */
const MAIN_ROWS = 2;
const MAIN_VECTORS = 4;
const FUNCTIONS = [
  vectorTile(MAIN_ROWS, MAIN_VECTORS),
  vectorTile(1, MAIN_VECTORS),
  vectorTile(MAIN_ROWS, 1),
  vectorTile(1, 1),
  scalarTile(),
];

type Tile = (
  a: number,
  b: number,
  c: number,
  k: number,
  n: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
) => void;

/** C (m x n) = A (m x k) B (k x n), all row-major float32 at byte offsets in the memory. */
export type Gemm = (a: number, b: number, c: number, m: number, k: number, n: number) => void;

const compiled = new WeakMap<WebAssembly.Memory, Gemm>();

/** The product function for `memory`, compiled once per memory. */
export function gemmOn(memory: WebAssembly.Memory): Gemm {
  let gemm = compiled.get(memory);
  if (gemm !== undefined) return gemm;
  const exports = instantiateOn(FUNCTIONS, memory);
  const [main, mainRowTail, mainColTail, cornerTail, scalar] = FUNCTIONS.map(
    (f) => exports[f.name] as Tile,
  ) as [Tile, Tile, Tile, Tile, Tile];
  gemm = (a, b, c, m, k, n) => {
    const rows = m - (m % MAIN_ROWS);
    const wide = n - (n % (MAIN_VECTORS * 4));
    const fours = n - (n % 4);
    main(a, b, c, k, n, 0, rows, 0, wide);
    mainColTail(a, b, c, k, n, 0, rows, wide, fours);
    mainRowTail(a, b, c, k, n, rows, m, 0, wide);
    cornerTail(a, b, c, k, n, rows, m, wide, fours);
    scalar(a, b, c, k, n, 0, m, fours, n);
  };
  compiled.set(memory, gemm);
  return gemm;
}
