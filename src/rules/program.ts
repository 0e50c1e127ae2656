/**
 * Lane programs: the arithmetic of one element of an elementwise update (an optimizer's step),
 * written once as a short stack program over float32 values. The same program is compiled to
 * WebAssembly SIMD for the engine and tfjs' kernels (src/wasm/elementwise.ts) and run here, in
 * JavaScript, for a handful of parameters; each operation rounds to float32, so every
 * translation computes the same numbers. Internal.
 */

/** The operations that pop one or two values and push one. */
export type LaneOp = 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'max' | 'abs';

/**
 * One instruction: push element i of input pointer k (`load`), pop into element i of output
 * pointer k (`store`), push scalar parameter k, pop into temporary t (`set`), push it (`get`),
 * or an operation.
 */
export type Step =
  readonly ['load' | 'store' | 'scalar' | 'set' | 'get', number] | readonly [LaneOp];

/** A program: its steps, in order. */
export type Program = readonly Step[];

/** Builders that read like the formulas they encode (`[...L.load(G), ...L.get(0), ...L.mul]`). */
export const L = {
  load: (k: number): Step[] => [['load', k]],
  store: (k: number, value: readonly Step[]): Step[] => [...value, ['store', k]],
  scalar: (k: number): Step[] => [['scalar', k]],
  set: (t: number): Step[] => [['set', t]],
  get: (t: number): Step[] => [['get', t]],
  add: [['add']] as Step[],
  sub: [['sub']] as Step[],
  mul: [['mul']] as Step[],
  div: [['div']] as Step[],
  sqrt: [['sqrt']] as Step[],
  max: [['max']] as Step[],
  abs: [['abs']] as Step[],
} as const;

/** What a program uses: pointers (inputs and outputs), scalars and temporaries, each counted. */
export interface ProgramShape {
  pointers: number;
  scalars: number;
  temps: number;
}

/** The pointers, scalars and temporaries a program refers to (one more than the highest). */
export function shapeOf(program: Program): ProgramShape {
  const shape = { pointers: 0, scalars: 0, temps: 0 };
  for (const [kind, index] of program) {
    if (index === undefined) continue;
    const key =
      kind === 'scalar' ? 'scalars' : kind === 'set' || kind === 'get' ? 'temps' : 'pointers';
    shape[key] = Math.max(shape[key], index + 1);
  }
  return shape;
}

const f = Math.fround;

/** Each operation on float32 values, rounded to float32 as WebAssembly's f32 instructions. */
const OPS: Record<LaneOp, (a: number, b: number) => number> = {
  add: (a, b) => f(a + b),
  sub: (a, b) => f(a - b),
  mul: (a, b) => f(a * b),
  div: (a, b) => f(a / b),
  sqrt: (_a, b) => f(Math.sqrt(b)),
  max: (a, b) => Math.max(a, b),
  abs: (_a, b) => Math.abs(b),
};

const UNARY: ReadonlySet<LaneOp> = new Set(['sqrt', 'abs']);

/**
 * Runs `program` for elements [0, n) of the arrays, in JavaScript: the reference the
 * WebAssembly translation is tested against, and the optimizers' path for a few scalars.
 */
export function runProgram(
  program: Program,
  arrays: readonly Float32Array[],
  n: number,
  scalars: readonly number[],
): void {
  const stack: number[] = [];
  const temps: number[] = [];
  const s = scalars.map(f);
  for (let i = 0; i < n; i++) {
    for (const [kind, k] of program) {
      switch (kind) {
        case 'load':
          stack.push((arrays[k] as Float32Array)[i] as number);
          break;
        case 'store':
          (arrays[k] as Float32Array)[i] = stack.pop() as number;
          break;
        case 'scalar':
          stack.push(s[k] as number);
          break;
        case 'set':
          temps[k] = stack.pop() as number;
          break;
        case 'get':
          stack.push(temps[k] as number);
          break;
        default: {
          const b = stack.pop() as number;
          const a = UNARY.has(kind) ? 0 : (stack.pop() as number);
          stack.push(OPS[kind](a, b));
        }
      }
    }
  }
}
