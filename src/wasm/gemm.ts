/**
 * Matrix products for row-major float32 matrices in a WebAssembly memory, written with SIMD
 * and compiled on the fly (no packing of either operand):
 *
 * - `nn`: C = act(A B + bias) for a block of rows and columns of C. A is read through two
 *   strides (row and k), so the same code computes Aᵀ B (the weight gradient of a Dense layer)
 *   without a transpose. `bias` (a row vector) and a ReLU on the result are optional.
 * - `nt`: C = (A Bᵀ) ⊙ [M > 0], dot products of rows of A with rows of B (the gradient that
 *   flows back through a Dense layer), optionally masked by M > 0 (the ReLU derivative of
 *   the layer below).
 *
 * Without `fma` every product and sum is rounded to float32 in order, so each element of `nn`
 * is bit for bit the naive loop (a[i,0] b[0,j] + a[i,1] b[1,j] + ...); with `fma`, relaxed
 * SIMD's fused multiply-add rounds once per step. Internal.
 */
import { I32, instantiateOn, op, V128, type WasmFunction } from './encoder';

type Code = (number[] | readonly number[])[];

/** Eight local indices, destructured by name. */
type Eight = [number, number, number, number, number, number, number, number];

/** acc + x * y on the stack, fused or not. */
function madd(fma: boolean, acc: number, x: Code, y: Code): Code {
  return fma
    ? [...x, ...y, op.get(acc), op.f32x4RelaxedMadd, op.set(acc)]
    : [op.get(acc), ...x, ...y, op.f32x4Mul, op.f32x4Add, op.set(acc)];
}

/** A counted loop: `index` from its current value while below `limit`, by `step`. */
function loop(index: number, limit: number, step: number | Code, body: Code): Code {
  const inc = typeof step === 'number' ? [op.i32(step)] : step;
  // prettier-ignore
  return [
    op.block, op.loop,
    op.get(index), op.get(limit), op.i32GeU, op.brIf(1),
    ...body,
    op.get(index), ...inc, op.i32Add, op.set(index),
    op.br(0), op.end, op.end,
  ];
}

/** Local numbering for a function: parameters first, then named locals in order. */
class Locals {
  readonly types: number[] = [];
  constructor(private readonly first: number) {}
  /** `count` locals of one type, each numbered. */
  many(type: number, count: number): number[] {
    return Array.from({ length: count }, () => this.add(type));
  }
  add(type: number, count = 1): number {
    const at = this.first + this.types.length;
    for (let i = 0; i < count; i++) this.types.push(type);
    return at;
  }
}

// nn's parameters: pointers in bytes, sizes and strides in elements.
const N = {
  a: 0,
  b: 1,
  c: 2,
  bias: 3,
  k: 4,
  lda: 5,
  ldak: 6,
  ldb: 7,
  ldc: 8,
  r0: 9,
  r1: 10,
  c0: 11,
  c1: 12,
  relu: 13,
  /** 1: the sums start from C's values (a later block of k), not from the bias or zero. */
  more: 14,
} as const;
const NN_PARAMS = new Array<number>(15).fill(I32);

/** `local = param * 4`: an element count or stride in bytes. */
function times4(param: number, local: number): Code {
  return [op.get(param), op.i32(4), op.i32Mul, op.set(local)];
}

/** The address of row `i + r` of a matrix at `base` with a row stride of `stride4` bytes. */
function rowAddress(base: number, i: number, r: number, stride4: number): Code {
  return [op.get(base), op.get(i), op.i32(r), op.i32Add, op.get(stride4), op.i32Mul, op.i32Add];
}

/** Adds column `j`'s byte offset to the address on the stack. */
function plusColumn(j: number): Code {
  return [op.get(j), op.i32(4), op.i32Mul, op.i32Add];
}

/** The tiles over C: columns c0..c1 by `width`, and within each, rows r0..r1 by `rows`. */
function overTiles(
  P: { r0: number; r1: number; c0: number; c1: number },
  at: { i: number; j: number },
  rows: number,
  width: number,
  tile: Code,
): Code {
  return [
    op.get(P.c0),
    op.set(at.j),
    ...loop(at.j, P.c1, width, [op.get(P.r0), op.set(at.i), ...loop(at.i, P.r1, rows, tile)]),
  ];
}

/** The locals of an nn tile and what its code pieces share. */
interface NnTile {
  rows: number;
  /** Vectors of four columns across the tile. */
  lanes: number;
  /** 1-3: the tile is one vector of which only this many columns are read and written. */
  partial: number;
  fma: boolean;
  i: number;
  j: number;
  pb: number;
  lda4: number;
  ldak4: number;
  ldb4: number;
  ldc4: number;
  pa: number;
  bv: number;
  splat: number;
  /** A scratch address (partial loads and stores). */
  addr: number;
  accAt(r: number, v: number): number;
}

/**
 * An nn tile of `rows` rows by `cols` columns: 8 or 4 (two or one vectors), or 1-3 (one vector
 * of which only the first `cols` lanes are loaded and stored, so nothing past column c1 of B,
 * C or the bias is touched; each lane's arithmetic is the same as in a full tile).
 */
function nnTile(rows: number, cols: number, fma: boolean): WasmFunction {
  const partial = cols < 4 ? cols : 0;
  const lanes = partial > 0 ? 1 : cols / 4;
  const L = new Locals(NN_PARAMS.length);
  const [i, j, kk, pb, lda4, ldak4, ldb4, ldc4] = L.many(I32, 8) as Eight;
  const pa = L.add(I32, rows);
  const addr = L.add(I32);
  const bv = L.add(V128, lanes);
  const acc = L.add(V128, rows * lanes);
  const splat = L.add(V128);
  const accAt = (r: number, v: number): number => acc + r * lanes + v;
  const x: NnTile = {
    rows,
    lanes,
    partial,
    fma,
    i,
    j,
    pb,
    lda4,
    ldak4,
    ldb4,
    ldc4,
    pa,
    bv,
    splat,
    addr,
    accAt,
  };
  // prettier-ignore
  const tile: Code = [
    ...nnInit(x),
    op.get(N.b), ...plusColumn(j), op.set(pb),
    op.i32(0), op.set(kk),
    ...loop(kk, N.k, 1, nnInner(x)),
    op.get(N.relu), op.if, ...nnStore(x, true), op.else, ...nnStore(x, false), op.end,
  ];
  const code: Code = [
    ...times4(N.lda, lda4),
    ...times4(N.ldak, ldak4),
    ...times4(N.ldb, ldb4),
    ...times4(N.ldc, ldc4),
    op.get(N.r0),
    op.set(i),
    ...overTiles(N, { i, j }, rows, partial > 0 ? partial : cols, tile),
  ];
  return { name: `nn${rows}x${cols}`, params: NN_PARAMS, locals: L.types, body: code };
}

/** Loads vector `v` of a tile's row from the address on the stack (its first lanes if partial). */
function loadRow(x: NnTile, v: number): Code {
  switch (x.partial) {
    case 1:
      return [op.v128Load32Zero];
    case 2:
      return [op.v128Load64Zero];
    case 3:
      // prettier-ignore
      return [op.tee(x.addr), op.v128Load64Zero, op.get(x.addr), op.f32LoadAt(8), op.f32x4ReplaceLane(2)];
    default:
      return [op.v128LoadAt(v * 16)];
  }
}

/** The accumulators start at the bias (or zero); each row's pointer into A. */
function nnInit(x: NnTile): Code {
  const init: Code = [];
  for (let r = 0; r < x.rows; r++) {
    for (let v = 0; v < x.lanes; v++) {
      // C[i + r, j + 4v] (a later block of k), else bias[j + 4v], else zero
      // prettier-ignore
      init.push(
        op.get(N.more), op.if,
        ...rowAddress(N.c, x.i, r, x.ldc4), ...plusColumn(x.j), ...loadRow(x, v), op.set(x.accAt(r, v)),
        op.else,
        op.get(N.bias), op.if,
        op.get(N.bias), ...plusColumn(x.j), ...loadRow(x, v), op.set(x.accAt(r, v)),
        op.else,
        op.v128Zero, op.set(x.accAt(r, v)),
        op.end,
        op.end,
      );
    }
  }
  // pa_r = a + (i + r) * lda4
  for (let r = 0; r < x.rows; r++) init.push(...rowAddress(N.a, x.i, r, x.lda4), op.set(x.pa + r));
  return init;
}

/** One step of k: B's row of the tile, each row's a[k] splat, multiply-add; advance. */
function nnInner(x: NnTile): Code {
  const inner: Code = [];
  for (let v = 0; v < x.lanes; v++) inner.push(op.get(x.pb), ...loadRow(x, v), op.set(x.bv + v));
  for (let r = 0; r < x.rows; r++) {
    inner.push(op.get(x.pa + r), op.v128Load32Splat, op.set(x.splat));
    for (let v = 0; v < x.lanes; v++) {
      inner.push(...madd(x.fma, x.accAt(r, v), [op.get(x.splat)], [op.get(x.bv + v)]));
    }
  }
  for (let r = 0; r < x.rows; r++)
    inner.push(op.get(x.pa + r), op.get(x.ldak4), op.i32Add, op.set(x.pa + r));
  inner.push(op.get(x.pb), op.get(x.ldb4), op.i32Add, op.set(x.pb));
  return inner;
}

/** The accumulators into C, through a ReLU or not (a partial tile stores its lanes one by one). */
function nnStore(x: NnTile, relu: boolean): Code {
  const out: Code = [];
  const value = (r: number, v: number): Code => [
    op.get(x.accAt(r, v)),
    ...(relu ? [op.v128Zero, op.f32x4Max] : []),
  ];
  for (let r = 0; r < x.rows; r++) {
    const address = [...rowAddress(N.c, x.i, r, x.ldc4), ...plusColumn(x.j)];
    if (x.partial > 0) {
      out.push(...address, op.set(x.addr), ...value(r, 0), op.set(x.splat));
      for (let l = 0; l < x.partial; l++) {
        // prettier-ignore
        out.push(op.get(x.addr), op.get(x.splat), op.f32x4ExtractLane(l), op.f32StoreAt(4 * l));
      }
      continue;
    }
    for (let v = 0; v < x.lanes; v++) out.push(...address, ...value(r, v), op.v128StoreAt(v * 16));
  }
  return out;
}

// nt's parameters.
const T = {
  a: 0,
  b: 1,
  c: 2,
  mask: 3,
  k: 4,
  lda: 5,
  ldb: 6,
  ldc: 7,
  ldm: 8,
  r0: 9,
  r1: 10,
  c0: 11,
  c1: 12,
} as const;
const NT_PARAMS = new Array<number>(13).fill(I32);

/** The locals of an nt tile and what its code pieces share. */
interface NtTile {
  rows: number;
  cols: 4 | 1;
  fma: boolean;
  i: number;
  j: number;
  lda4: number;
  ldb4: number;
  ldc4: number;
  ldm4: number;
  pa: number;
  pb: number;
  av: number;
  bv: number;
  res: number;
  tmp: number;
  accAt(r: number, c: number): number;
}

/**
 * An nt tile of `rows` rows of A against `cols` rows of B (4 or 1): vector dot products over k
 * in fours, reduced across lanes, then the k % 4 remainder, then the mask.
 */
function ntTile(rows: number, cols: 4 | 1, fma: boolean): WasmFunction {
  const L = new Locals(NT_PARAMS.length);
  const [i, j, kk, k4, lda4, ldb4, ldc4, ldm4] = L.many(I32, 8) as Eight;
  const pa = L.add(I32, rows);
  const pb = L.add(I32, cols);
  const acc = L.add(V128, rows * cols);
  const av = L.add(V128, rows);
  const bv = L.add(V128);
  const res = L.add(V128, rows); // cols 4: the row's 4 results; cols 1: lane 0
  const tmp = L.add(V128, 2);
  const accAt = (r: number, c: number): number => acc + r * cols + c;
  const x: NtTile = {
    rows,
    cols,
    fma,
    i,
    j,
    lda4,
    ldb4,
    ldc4,
    ldm4,
    pa,
    pb,
    av,
    bv,
    res,
    tmp,
    accAt,
  };
  const tile: Code = [
    ...ntSetup(x),
    op.i32(0),
    op.set(kk),
    ...loop(kk, k4, 4, ntInner(x)),
    ...ntReduce(x),
    ...loop(kk, T.k, 1, ntTail(x)),
    ...ntFinish(x),
  ];
  const code: Code = [
    ...times4(T.lda, lda4),
    ...times4(T.ldb, ldb4),
    ...times4(T.ldc, ldc4),
    ...times4(T.ldm, ldm4),
    op.get(T.k),
    op.i32(-4),
    op.i32And,
    op.set(k4),
    op.get(T.r0),
    op.set(i),
    ...overTiles(T, { i, j }, rows, cols, tile),
  ];
  return { name: `nt${rows}x${cols}`, params: NT_PARAMS, locals: L.types, body: code };
}

/** Each row's pointer into A and B, and zero accumulators. */
function ntSetup(x: NtTile): Code {
  const setup: Code = [];
  for (let r = 0; r < x.rows; r++) setup.push(...rowAddress(T.a, x.i, r, x.lda4), op.set(x.pa + r));
  for (let c = 0; c < x.cols; c++) setup.push(...rowAddress(T.b, x.j, c, x.ldb4), op.set(x.pb + c));
  for (let q = 0; q < x.rows * x.cols; q++) setup.push(op.v128Zero, op.set(x.accAt(0, 0) + q));
  return setup;
}

/** Four steps of k: each row of A and of B as a vector, multiply-add; advance. */
function ntInner(x: NtTile): Code {
  const inner: Code = [];
  for (let r = 0; r < x.rows; r++) inner.push(op.get(x.pa + r), op.v128Load, op.set(x.av + r));
  for (let c = 0; c < x.cols; c++) {
    inner.push(op.get(x.pb + c), op.v128Load, op.set(x.bv));
    for (let r = 0; r < x.rows; r++)
      inner.push(...madd(x.fma, x.accAt(r, c), [op.get(x.av + r)], [op.get(x.bv)]));
  }
  for (let r = 0; r < x.rows; r++)
    inner.push(op.get(x.pa + r), op.i32(16), op.i32Add, op.set(x.pa + r));
  for (let c = 0; c < x.cols; c++)
    inner.push(op.get(x.pb + c), op.i32(16), op.i32Add, op.set(x.pb + c));
  return inner;
}

/** Each accumulator's four lanes summed: a row's results as one vector (or lane 0). */
function ntReduce(x: NtTile): Code {
  const { tmp } = x;
  const reduce: Code = [];
  for (let r = 0; r < x.rows; r++) {
    if (x.cols === 4) {
      const [a0, a1, a2, a3] = [0, 1, 2, 3].map((c) => x.accAt(r, c)) as [
        number,
        number,
        number,
        number,
      ];
      // [a0 b0 a1 b1] + [a2 b2 a3 b3], the same for c and d, then the halves: [sa sb sc sd]
      // prettier-ignore
      reduce.push(
        op.get(a0), op.get(a1), op.f32x4Shuffle([0, 4, 1, 5]), op.get(a0), op.get(a1), op.f32x4Shuffle([2, 6, 3, 7]), op.f32x4Add, op.set(tmp),
        op.get(a2), op.get(a3), op.f32x4Shuffle([0, 4, 1, 5]), op.get(a2), op.get(a3), op.f32x4Shuffle([2, 6, 3, 7]), op.f32x4Add, op.set(tmp + 1),
        op.get(tmp), op.get(tmp + 1), op.f32x4Shuffle([0, 1, 4, 5]), op.get(tmp), op.get(tmp + 1), op.f32x4Shuffle([2, 3, 6, 7]), op.f32x4Add, op.set(x.res + r),
      );
    } else {
      const a0 = x.accAt(r, 0);
      // prettier-ignore
      reduce.push(
        op.get(a0), op.get(a0), op.get(a0), op.f32x4Shuffle([2, 3, 0, 1]), op.f32x4Add, op.set(tmp),
        op.get(tmp), op.get(tmp), op.get(tmp), op.f32x4Shuffle([1, 0, 3, 2]), op.f32x4Add, op.set(x.res + r),
      );
    }
  }
  return reduce;
}

/** The k % 4 remainder: B's k-th column of the tile as a vector, times each row's a[k]. */
function ntTail(x: NtTile): Code {
  const { pb, bv } = x;
  const tail: Code = [];
  if (x.cols === 4) {
    // prettier-ignore
    tail.push(op.get(pb), op.v128Load32Splat, ...[1, 2, 3].flatMap((c) => [op.get(pb + c), op.f32Load, op.f32x4ReplaceLane(c)]), op.set(bv));
  } else {
    tail.push(op.get(pb), op.v128Load32Splat, op.set(bv));
  }
  for (let r = 0; r < x.rows; r++) {
    // prettier-ignore
    tail.push(op.get(x.res + r), op.get(x.pa + r), op.v128Load32Splat, op.get(bv), op.f32x4Mul, op.f32x4Add, op.set(x.res + r));
    tail.push(op.get(x.pa + r), op.i32(4), op.i32Add, op.set(x.pa + r));
  }
  for (let c = 0; c < x.cols; c++) tail.push(op.get(pb + c), op.i32(4), op.i32Add, op.set(pb + c));
  return tail;
}

/** Each row's results masked by M > 0 (when there is a mask), into C. */
function ntFinish(x: NtTile): Code {
  const finish: Code = [];
  for (let r = 0; r < x.rows; r++) {
    const res = x.res + r;
    const maskAddr = [...rowAddress(T.mask, x.i, r, x.ldm4), ...plusColumn(x.j)];
    const outAddr = [...rowAddress(T.c, x.i, r, x.ldc4), ...plusColumn(x.j)];
    // prettier-ignore
    finish.push(
      op.get(T.mask), op.if,
      op.get(res), ...maskAddr, x.cols === 4 ? op.v128Load : op.v128Load32Splat, op.v128Zero, op.f32x4Gt, op.v128And, op.set(res),
      op.end,
      ...outAddr, op.get(res), ...(x.cols === 4 ? [op.v128Store] : [op.f32x4ExtractLane(0), op.f32Store]),
    );
  }
  return finish;
}

/** The shapes of the main tiles (chosen by benchmark on x64, see docs/benchmarks.md): 6x8 keeps
 * 12 accumulators, 2 rows of B and a splat in 15 of x64's 16 vector registers. */
export const NN_ROWS = 6;
export const NN_VECTORS = 2;
export const NT_ROWS = 2;
/** nn tiles' heights (the main tile's, then the tails') and widths (8, 4, then 1-3 columns). */
const NN_HEIGHTS = [NN_ROWS, 4, 2, 1] as const;
const NN_WIDTHS = [NN_VECTORS * 4, 4, 3, 2, 1] as const;

function functions(fma: boolean): WasmFunction[] {
  return [
    ...NN_HEIGHTS.flatMap((rows) => NN_WIDTHS.map((cols) => nnTile(rows, cols, fma))),
    ntTile(NT_ROWS, 4, fma),
    ntTile(1, 4, fma),
    ntTile(NT_ROWS, 1, fma),
    ntTile(1, 1, fma),
  ];
}

/** The block of C a call computes: rows [r0, r1), columns [c0, c1). */
export interface Block {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** One call of an exported tile function. */
export interface TileCall {
  fn: string;
  args: number[];
}

/** The exported tile functions of a product module. */
export function gemmFunctions(fma: boolean): WasmFunction[] {
  return functions(fma);
}

// The tiles' export names (as nnTile and ntTile name them).
const NT_MAIN = `nt${NT_ROWS}x4`;
const NT_ROW_TAIL = 'nt1x4';
const NT_COL_TAIL = `nt${NT_ROWS}x1`;
const NT_CORNER = 'nt1x1';

/** The parts of a block: the main tile's rows and columns, then the narrower tails. */
function split(start: number, end: number, step: number): number {
  return end - ((end - start) % step);
}

/** An `nn` product's operands: byte pointers; sizes and strides in elements. */
export interface NnArgs {
  /** A, read at `a[r*lda + k*ldak]`. */
  a: number;
  /** B, read at `b[k*ldb + c]`. */
  b: number;
  /** C, written at `c[r*ldc + c]`. */
  c: number;
  /** A row vector added to every row of C, or 0 for none. */
  bias: number;
  /** The length of the sums. */
  k: number;
  lda: number;
  ldak: number;
  ldb: number;
  ldc: number;
}

/** An `nt` product's operands: byte pointers; sizes and strides in elements. */
export interface NtArgs {
  /** A, read at `a[r*lda + k]`. */
  a: number;
  /** B, read at `b[c*ldb + k]`. */
  b: number;
  /** C, written at `c[r*ldc + c]`. */
  c: number;
  /** M: C is zeroed where `mask[r*ldm + c]` <= 0 or NaN; 0 for no mask. */
  mask: number;
  k: number;
  lda: number;
  ldb: number;
  ldc: number;
  ldm: number;
}

/**
 * Floats of A a block of rows may span: about 128 KB, which stays in a core's L2 cache while
 * the tiles sweep every column of B, so A is read from memory once per block instead of once
 * per column panel.
 */
const BLOCK_FLOATS = 32 * 1024;

/**
 * The longest sum one call computes: B's panel of K_BLOCK rows by a tile's 8 columns (8 KB)
 * stays in a core's L1 cache while the tiles of a block of rows use it; longer sums go on in
 * the next call, from the values in C (the same float32 additions in the same order).
 */
const K_BLOCK = 256;

/** Sums longer than this are split into blocks of K_BLOCK. */
const K_LONG = 1024;

/** The block's rows split into blocks of whole tiles holding at most BLOCK_FLOATS of A. */
function rowBlocks(block: Block, k: number, tileRows: number): Block[] {
  const size = Math.max(tileRows, Math.floor(BLOCK_FLOATS / Math.max(1, k) / tileRows) * tileRows);
  const out: Block[] = [];
  for (let r = block.r0; r < block.r1; r += size) {
    out.push({ ...block, r0: r, r1: Math.min(block.r1, r + size) });
  }
  return out;
}

/** An object's values in the order of a parameter table (the tile functions' parameters). */
function inOrder<T extends object>(args: T, table: Record<string, number>): number[] {
  const out: number[] = [];
  for (const [name, at] of Object.entries(table)) {
    const v = (args as Record<string, number | undefined>)[name];
    if (v !== undefined) out[at] = v;
  }
  return out;
}

/**
 * The tile calls that compute C[r, c] = act(sum_k A[r*lda + k*ldak] B[k*ldb + c] + bias[c])
 * over the block (`relu` to apply max(., 0)).
 */
export function nnCalls(args: NnArgs, block: Block, relu: boolean): TileCall[] {
  const calls: TileCall[] = [];
  // Sums up to K_LONG run whole (measured faster); at least one block, so that k = 0 writes C.
  const kBlock = args.k > K_LONG ? K_BLOCK : Math.max(1, args.k);
  for (let k0 = 0; k0 === 0 || k0 < args.k; k0 += kBlock) {
    const k1 = Math.min(args.k, k0 + kBlock);
    const part = {
      ...args,
      a: args.a + 4 * k0 * args.ldak,
      b: args.b + 4 * k0 * args.ldb,
      bias: k0 === 0 ? args.bias : 0,
      k: k1 - k0,
    };
    const flags = { relu: relu && k1 === args.k, more: k0 > 0 };
    for (const b of rowBlocks(block, part.k, NN_ROWS)) calls.push(...nnBlockCalls(part, b, flags));
  }
  return calls;
}

/** nnCalls for one block of rows and of k. */
function nnBlockCalls(
  args: NnArgs,
  { r0, r1, c0, c1 }: Block,
  flags: { relu: boolean; more: boolean },
): TileCall[] {
  const wide = split(c0, c1, NN_VECTORS * 4);
  const fours = split(c0, c1, 4);
  const head = inOrder(args, N);
  const tail = [flags.relu ? 1 : 0, flags.more ? 1 : 0];
  const calls: TileCall[] = [];
  const add = (fn: string, rr0: number, rr1: number, cc0: number, cc1: number): void => {
    if (rr1 > rr0 && cc1 > cc0) calls.push({ fn, args: [...head, rr0, rr1, cc0, cc1, ...tail] });
  };
  // Rows in tiles of NN_ROWS, then of 4, 2 and 1; columns in tiles of 8, then 4, then the last
  // 1-3 columns in one partial tile. Two rows left over go with the last six as two tiles of
  // four (8 accumulators each, enough to keep the multiply-adds busy; a 2-row tile has 4).
  const sixes = Math.floor((r1 - r0) / NN_ROWS);
  const lastSix = (r1 - r0) % NN_ROWS === 2 && sixes > 0 ? sixes - 1 : sixes;
  let start = r0;
  for (const height of NN_HEIGHTS) {
    const end = height === NN_ROWS ? r0 + lastSix * NN_ROWS : split(start, r1, height);
    add(`nn${height}x${NN_VECTORS * 4}`, start, end, c0, wide);
    add(`nn${height}x4`, start, end, wide, fours);
    add(`nn${height}x${c1 - fours}`, start, end, fours, c1);
    start = end;
  }
  return calls;
}

/**
 * The tile calls that compute C[r, c] = sum_k A[r*lda + k] B[c*ldb + k], zeroed where the mask
 * (if any) is not positive, over the block.
 */
export function ntCalls(args: NtArgs, block: Block): TileCall[] {
  return rowBlocks(block, args.k, NT_ROWS).flatMap((b) => ntBlockCalls(args, b));
}

/** ntCalls for one block of rows. */
function ntBlockCalls(args: NtArgs, { r0, r1, c0, c1 }: Block): TileCall[] {
  const rows = split(r0, r1, NT_ROWS);
  const fours = split(c0, c1, 4);
  const head = inOrder(args, T);
  const calls: TileCall[] = [];
  const add = (fn: string, rr0: number, rr1: number, cc0: number, cc1: number): void => {
    if (rr1 > rr0 && cc1 > cc0) calls.push({ fn, args: [...head, rr0, rr1, cc0, cc1] });
  };
  add(NT_MAIN, r0, rows, c0, fours);
  add(NT_ROW_TAIL, rows, r1, c0, fours);
  add(NT_COL_TAIL, r0, rows, fours, c1);
  add(NT_CORNER, rows, r1, fours, c1);
  return calls;
}

/** Runs tile calls against a module's exports. */
export function runCalls(exports: WebAssembly.Exports, calls: readonly TileCall[]): void {
  // Indexed, not for-of: no iterator objects in a tier that does not optimize them away.
  for (let c = 0; c < calls.length; c++) {
    const { fn, args } = calls[c] as TileCall;
    (exports[fn] as (...a: number[]) => void)(...args);
  }
}

/** C (m x n) = A (m x k) B (k x n), all row-major float32 at byte offsets in the memory. */
export type Gemm = (a: number, b: number, c: number, m: number, k: number, n: number) => void;

const plain = new WeakMap<WebAssembly.Memory, Gemm>();

/**
 * The plain product for tfjs' BatchMatMul kernels: no fused multiply-add, so every element is
 * bit for bit the naive float32 loop.
 */
export function gemmOn(memory: WebAssembly.Memory): Gemm {
  let gemm = plain.get(memory);
  if (gemm === undefined) {
    const exports = instantiateOn(functions(false), memory);
    gemm = (a, b, c, m, k, n) =>
      runCalls(
        exports,
        nnCalls(
          { a, b, c, bias: 0, k, lda: k, ldak: 1, ldb: n, ldc: n },
          { r0: 0, r1: m, c0: 0, c1: n },
          false,
        ),
      );
    plain.set(memory, gemm);
  }
  return gemm;
}
