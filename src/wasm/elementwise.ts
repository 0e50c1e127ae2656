/**
 * The compiler of lane programs (src/rules/program.ts) to WebAssembly: a function that runs
 * the program four lanes at a time with SIMD and then one lane at a time for the last n % 4
 * elements, with the same float32 operation per step as the JavaScript reference. Internal.
 */
import type { LaneOp, Program } from '../rules/program';
import { shapeOf } from '../rules/program';
import { F32, I32, instantiateOn, op, V128, type WasmFunction } from './encoder';

type Code = (number[] | readonly number[])[];

/** What to compile: a program and the exported function's name. */
export interface ElementwiseSpec {
  name: string;
  program: Program;
  /**
   * Read the scalars from memory (an i32 byte pointer after the element count, to consecutive
   * float32) instead of taking them as float32 parameters; a command list of integers can
   * then call the function (the engine's worker threads do).
   */
  scalarsInMemory?: boolean;
}

const VECTOR_OPS: Record<LaneOp, readonly number[]> = {
  add: op.f32x4Add,
  sub: op.f32x4Sub,
  mul: op.f32x4Mul,
  div: op.f32x4Div,
  sqrt: op.f32x4Sqrt,
  max: op.f32x4Max,
  abs: op.f32x4Abs,
};

const SCALAR_OPS: Record<LaneOp, readonly number[]> = {
  add: op.f32Add,
  sub: op.f32Sub,
  mul: op.f32Mul,
  div: op.f32Div,
  sqrt: op.f32Sqrt,
  max: op.f32Max,
  abs: op.f32Abs,
};

/** Local numbers of the compiled function. */
interface Slots {
  i: number;
  scalar(k: number, vector: boolean): number;
  temp(t: number, vector: boolean): number;
  /** The value being stored, held while its address is computed. */
  out(vector: boolean): number;
}

/** The program's steps as code for one lane (f32) or four (v128) at byte offset `i`. */
function laneCode(program: Program, at: Slots, vector: boolean): Code {
  const address = (k: number): Code => [op.get(k), op.get(at.i), op.i32Add];
  return program.flatMap(([kind, k]): Code => {
    switch (kind) {
      case 'load':
        return [...address(k), vector ? op.v128Load : op.f32Load];
      case 'store':
        // prettier-ignore
        return [op.set(at.out(vector)), ...address(k), op.get(at.out(vector)), vector ? op.v128Store : op.f32Store];
      case 'scalar':
        return [op.get(at.scalar(k, vector))];
      case 'set':
        return [op.set(at.temp(k, vector))];
      case 'get':
        return [op.get(at.temp(k, vector))];
      default:
        return [(vector ? VECTOR_OPS : SCALAR_OPS)[kind]];
    }
  });
}

/**
 * The function (pointers..., n, scalars...) running the program for i in [0, n): lanes of four
 * while they fit, then single lanes.
 */
export function elementwiseFunction(spec: ElementwiseSpec): WasmFunction {
  const shape = shapeOf(spec.program);
  const n = shape.pointers;
  const inMemory = spec.scalarsInMemory === true;
  let next = inMemory ? n + 2 : n + 1 + shape.scalars;
  const many = (count: number): number[] => Array.from({ length: count }, () => next++);
  const loaded = inMemory ? many(shape.scalars) : [];
  const scalarLocal = (k: number): number => (inMemory ? (loaded[k] as number) : n + 1 + k);
  const [i, vend, end] = many(3) as [number, number, number];
  const splats = many(shape.scalars);
  const vecTemps = many(shape.temps + 1);
  const f32Temps = many(shape.temps + 1);
  const at: Slots = {
    i,
    scalar: (k, vector) => (vector ? (splats[k] as number) : scalarLocal(k)),
    temp: (t, vector) => (vector ? vecTemps : f32Temps)[t] as number,
    out: (vector) => (vector ? vecTemps : f32Temps)[shape.temps] as number,
  };
  return {
    name: spec.name,
    params: inMemory
      ? new Array<number>(n + 2).fill(I32)
      : [...new Array<number>(n + 1).fill(I32), ...new Array<number>(shape.scalars).fill(F32)],
    locals: [
      ...new Array<number>(loaded.length).fill(F32),
      I32,
      I32,
      I32,
      ...new Array<number>(shape.scalars + shape.temps + 1).fill(V128),
      ...new Array<number>(shape.temps + 1).fill(F32),
    ],
    // prettier-ignore
    body: [
      ...loaded.flatMap((l, k) => [op.get(n + 1), op.i32(4 * k), op.i32Add, op.f32Load, op.set(l)]),
      ...splats.flatMap((s, k) => [op.get(scalarLocal(k)), op.f32x4Splat, op.set(s)]),
      // vend = (n & ~3) * 4, end = n * 4: byte offsets
      op.get(n), op.i32(-4), op.i32And, op.i32(4), op.i32Mul, op.set(vend),
      op.get(n), op.i32(4), op.i32Mul, op.set(end),
      op.i32(0), op.set(i),
      ...byteLoop(i, vend, 16, laneCode(spec.program, at, true)),
      ...byteLoop(i, end, 4, laneCode(spec.program, at, false)),
    ],
  };
}

/** `body` for the byte offset in local `i` from its value up to local `limit`, by `step`. */
function byteLoop(i: number, limit: number, step: number, body: Code): Code {
  // prettier-ignore
  return [
    op.block, op.loop,
    op.get(i), op.get(limit), op.i32GeU, op.brIf(1),
    ...body,
    op.get(i), op.i32(step), op.i32Add, op.set(i),
    op.br(0),
    op.end, op.end,
  ];
}

type Fn = (...args: number[]) => void;
const compiled = new WeakMap<WebAssembly.Memory, Map<string, Fn>>();

/** `fn` compiled against `memory`, once per memory and function name. */
export function runnable(fn: WasmFunction, memory: WebAssembly.Memory): Fn {
  let byName = compiled.get(memory);
  if (byName === undefined) compiled.set(memory, (byName = new Map<string, Fn>()));
  let run = byName.get(fn.name);
  if (run === undefined) {
    run = instantiateOn([fn], memory)[fn.name] as Fn;
    byName.set(fn.name, run);
  }
  return run;
}
