/**
 * The WGSL of the engine's WebGPU device, generated from the same rule tables as the wasm
 * engine: the tiled matrix product with its prologue (rows gathered through the step's
 * indices, a bias row) and epilogue (bias, activation, the derivative of the activation below),
 * the loss pass from `LOSSES[].wgsl`, the row passes for softmax, and the optimizer's update
 * compiled from its lane program. Internal.
 */
import { ACTIVATION_WGSL, ENGINE_ACTIVATIONS, type EngineActivation } from '../rules/activations';
import type { LossRule } from '../rules/losses';
import type { Program } from '../rules/program';
import type { UpdateRule } from '../rules/optimizers';

/**
 * The step buffer, as u32 words: the batch's row count, the result slot this pass writes,
 * 1 when training (0 when evaluating), a spare word, the optimizer's 16 float32 scalars (as
 * bits), then the batch's row indices into the data set.
 */
export const STEP = { count: 0, result: 1, training: 2, scalars: 4, indices: 20 } as const;

/**
 * Steps recorded into one command buffer, each reading its own slot of the step buffer (a
 * slot is written again only after the submit that read it).
 */
export const STEP_SLOTS = 8;

/** Bytes of one step slot: its words, rounded up to WebGPU's storage offset alignment. */
export function stepSlotBytes(maxBatch: number): number {
  return Math.ceil(((STEP.indices + maxBatch) * 4) / 256) * 256;
}

/**
 * The results buffer, as f32: word 0 is the halt flag (1 once a training step's loss was not
 * finite: later updates do nothing until the host clears it); word 1 is 1 + the result slot of
 * the first step whose update left a parameter that is not finite (0: none; the next loss pass
 * halts); then (loss, accuracy) per pass.
 */
export const RESULTS = { halt: 0, weights: 1, first: 2 } as const;

/** A tile of the product: 64 x 64 outputs per workgroup of 16 x 16 threads, k in steps of 16. */
export const TILE = 64;

/** Helpers of the shaders that bind the step buffer `S` (NaN is made at run time: WGSL rejects a constant NaN). */
const COMMON = `fn finite(v: f32) -> bool { return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u; }
fn nan() -> f32 { return bitcast<f32>(0x7fc00000u | (S[0] & 0u)); }
`;

/**
 * The words of a product's argument buffer (u32): its shape (0 for the batch's row count),
 * how A, B and C are laid out, and its prologue and epilogue. One shader serves every product
 * of every engine on a device, so it is compiled once.
 */
export const ARGS = {
  m: 0,
  n: 1,
  k: 2,
  /** A(i, p) is A[aBase + row * aLd + col], (row, col) = (i, p), or (p, i) when aTransposed. */
  aBase: 3,
  aLd: 4,
  aTransposed: 5,
  /** 1: the row goes through the step's row indices (the data set's rows). */
  aGather: 6,
  /** 1: row M - 1 of the product is a row of ones times B (a bias gradient) stored at cBias. */
  onesRow: 7,
  bBase: 8,
  bRowStride: 9,
  bColStride: 10,
  cBase: 11,
  cLd: 12,
  cBias: 13,
  /** 1: add B[biasAt + j] before the activation. */
  addBias: 14,
  biasAt: 15,
  /** The activation applied to each output, and the derivative (at E, the layer below's output) it is multiplied by: an index into ENGINE_ACTIVATIONS, or NONE. */
  activation: 16,
  derivative: 17,
  words: 18,
} as const;

/** No activation or derivative. */
export const NONE = 255;

/** `switch` arms over the activations' codes (softmax is a row pass: the identity here). */
function activationSwitch(name: string, arm: (kind: EngineActivation) => string): string {
  const arms = ENGINE_ACTIVATIONS.map((kind, code) => `case ${code}u: { return ${arm(kind)}; }`);
  return `fn ${name}(code: u32, x: f32) -> f32 {
  switch code {
    ${arms.join('\n    ')}
    default: { return ${name === 'derivative' ? '1.0' : 'x'}; }
  }
}`;
}

/** The product shader's bindings and its accessors of A, B and C, steered by `P`. */
function productDeclarations(): string {
  const a = (word: keyof typeof ARGS): string => `P[${ARGS[word]}u]`;
  return `${COMMON}
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> S: array<u32>;
@group(0) @binding(4) var<storage, read> E: array<f32>;
@group(0) @binding(5) var<storage, read> P: array<u32>;
var<workgroup> tileA: array<f32, 1024>;
var<workgroup> tileB: array<vec4<f32>, 256>;
${activationSwitch('activate', (kind) => activationWgsl(kind, 'x'))}
${activationSwitch('derivative', (kind) => derivativeWgsl(kind, 'x'))}
fn dimension(word: u32) -> u32 { return select(P[word], S[${STEP.count}u], P[word] == 0u); }
fn aAt(i: u32, p: u32) -> f32 {
  if (${a('onesRow')} == 1u && i == dimension(${ARGS.m}u) - 1u) { return 1.0; }
  var row = select(i, p, ${a('aTransposed')} == 1u);
  let col = select(p, i, ${a('aTransposed')} == 1u);
  if (${a('aGather')} == 1u) { row = S[${STEP.indices}u + row]; }
  return A[${a('aBase')} + row * ${a('aLd')} + col];
}
fn bAt(p: u32, j: u32) -> f32 { return B[${a('bBase')} + p * ${a('bRowStride')} + j * ${a('bColStride')}]; }
fn store(i: u32, j: u32, v: f32, M: u32) {
  if (${a('onesRow')} == 1u && i == M - 1u) { C[${a('cBias')} + j] = v; return; }
  var z = v;
  if (${a('addBias')} == 1u) { z += B[${a('biasAt')} + j]; }
  z = activate(${a('activation')}, z);
  if (${a('derivative')} != ${NONE}u) { z *= derivative(${a('derivative')}, E[i * ${a('cLd')} + j]); }
  C[${a('cBase')} + i * ${a('cLd')} + j] = z;
}
`;
}

/**
 * The tiled product C = A B for every product of the engine, steered by its argument buffer
 * `P`: 64 x 64 outputs per workgroup of 16 x 16 threads, each 4 x 4 in registers, with tiles
 * of A and B 16 deep staged in workgroup memory.
 */
export function productShader(): string {
  const rows = [0, 1, 2, 3];
  return `${productDeclarations()}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = dimension(${ARGS.m}u);
  let N = P[${ARGS.n}u];
  let K = dimension(${ARGS.k}u);
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let t = lid.y * 16u + lid.x;
  ${rows.map((r) => `var acc${r} = vec4<f32>(0.0);`).join(' ')}
  for (var k0 = 0u; k0 < K; k0 += 16u) {
    for (var e = t; e < 1024u; e += 256u) {
      let ai = row0 + e / 16u;
      let ap = k0 + e % 16u;
      var av = 0.0;
      if (ai < M && ap < K) { av = aAt(ai, ap); }
      tileA[e] = av;
      let bp = k0 + e / 64u;
      let bj = col0 + e % 64u;
      var bv = 0.0;
      if (bp < K && bj < N) { bv = bAt(bp, bj); }
      tileB[e / 4u][e % 4u] = bv;
    }
    workgroupBarrier();
    for (var q = 0u; q < 16u; q++) {
      let b = tileB[q * 16u + lid.x];
      ${rows.map((r) => `acc${r} = fma(vec4<f32>(tileA[(lid.y * 4u + ${r}u) * 16u + q]), b, acc${r});`).join('\n      ')}
    }
    workgroupBarrier();
  }
  let j = col0 + lid.x * 4u;
  ${rows
    .map(
      (r) => `let i${r} = row0 + lid.y * 4u + ${r}u;
  if (i${r} < M) { for (var c = 0u; c < 4u; c++) { if (j + c < N) { store(i${r}, j + c, acc${r}[c], M); } } }`,
    )
    .join('\n  ')}
}
`;
}

/** An activation of `x` in WGSL (softmax is a row pass, so here it is the identity). */
export function activationWgsl(kind: EngineActivation, x: string): string {
  return kind === 'softmax' ? x : ACTIVATION_WGSL[kind].forward(`(${x})`);
}

/** The derivative of an activation at output `y` (softmax: a row pass; here 1). */
export function derivativeWgsl(kind: EngineActivation, y: string): string {
  return kind === 'softmax' ? '1.0' : ACTIVATION_WGSL[kind].derivative(`(${y})`);
}

/** The output activation's derivative applied to row b's gradient, for the loss pass. */
function outputDerivativeRow(kind: EngineActivation): string {
  if (kind === 'softmax') {
    return `fn outputDerivativeRow(b: u32) {
  var dot = 0.0;
  for (var c = 0u; c < UNITS; c++) { dot += outAt(b, c) * gradAt(b, c); }
  for (var c = 0u; c < UNITS; c++) { setGrad(b, c, outAt(b, c) * (gradAt(b, c) - dot)); }
}`;
  }
  return `fn outputDerivativeRow(b: u32) {
  for (var c = 0u; c < UNITS; c++) {
    setGrad(b, c, gradAt(b, c) * ${derivativeWgsl(kind, 'outAt(b, c)')});
  }
}`;
}

/**
 * The loss pass: one workgroup; each thread runs the loss's `lossRow` over a share of the
 * batch, the sums are reduced in workgroup memory and the mean written to the pass's result
 * slot; a training step whose loss is not finite sets the halt flag.
 */
export function lossShader(loss: LossRule, units: number, activation: EngineActivation): string {
  return `${COMMON}
@group(0) @binding(0) var<storage, read_write> O: array<f32>;
@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;
@group(0) @binding(3) var<storage, read> S: array<u32>;
@group(0) @binding(4) var<storage, read_write> R: array<f32>;
const UNITS = ${units}u;
var<private> count: u32;
var<private> training: bool;
var<workgroup> sums: array<vec2<f32>, 256>;
fn outAt(b: u32, c: u32) -> f32 { return O[b * UNITS + c]; }
fn setOut(b: u32, c: u32, v: f32) { O[b * UNITS + c] = v; }
fn row(b: u32) -> u32 { return S[${STEP.indices}u + b]; }
fn labelIndex(b: u32) -> u32 { return bitcast<u32>(Y[row(b)]); }
fn targetAt(b: u32, c: u32) -> f32 { return Y[row(b) * UNITS + c]; }
fn gradAt(b: u32, c: u32) -> f32 { return G[b * UNITS + c]; }
fn setGrad(b: u32, c: u32, v: f32) { G[b * UNITS + c] = v; }
${outputDerivativeRow(activation)}
${loss.wgsl}
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  count = S[${STEP.count}u];
  training = S[${STEP.training}u] == 1u;
  var total = vec2<f32>(0.0, 0.0);
  for (var b = t; b < count; b += 256u) { total += lossRow(b); }
  sums[t] = total;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half >>= 1u) {
    if (t < half) { sums[t] += sums[t + half]; }
    workgroupBarrier();
  }
  if (t == 0u) {
    let at = ${RESULTS.first}u + 2u * S[${STEP.result}u];
    let mean = sums[0] / f32(count);
    if (training && (R[${RESULTS.halt}u] != 0.0 || R[${RESULTS.weights}u] != 0.0)) {
      R[${RESULTS.halt}u] = 1.0;
      R[at] = nan();
      R[at + 1u] = nan();
    } else {
      R[at] = mean.x;
      R[at + 1u] = mean.y;
      if (training && !finite(mean.x)) { R[${RESULTS.halt}u] = 1.0; }
    }
  }
}
`;
}

/** Softmax of each of the batch's rows of `units` values of C, in place. */
export function softmaxRowsShader(units: number): string {
  return `@group(0) @binding(0) var<storage, read_write> C: array<f32>;
@group(0) @binding(1) var<storage, read> S: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let b = id.x;
  if (b >= S[${STEP.count}u]) { return; }
  let at = b * ${units}u;
  var top = C[at];
  for (var c = 1u; c < ${units}u; c++) { top = max(top, C[at + c]); }
  var sum = 0.0;
  for (var c = 0u; c < ${units}u; c++) { let e = exp(C[at + c] - top); C[at + c] = e; sum += e; }
  for (var c = 0u; c < ${units}u; c++) { C[at + c] = C[at + c] / sum; }
}
`;
}

/** The gradient C through a softmax whose outputs are E, row by row, in place. */
export function softmaxBackwardShader(units: number): string {
  return `@group(0) @binding(0) var<storage, read_write> C: array<f32>;
@group(0) @binding(1) var<storage, read> S: array<u32>;
@group(0) @binding(2) var<storage, read> E: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let b = id.x;
  if (b >= S[${STEP.count}u]) { return; }
  let at = b * ${units}u;
  var dot = 0.0;
  for (var c = 0u; c < ${units}u; c++) { dot += E[at + c] * C[at + c]; }
  for (var c = 0u; c < ${units}u; c++) { C[at + c] = E[at + c] * (C[at + c] - dot); }
}
`;
}

/** Workgroups of the update pass, and how many go in each row of the dispatch grid. */
export const UPDATE_GROUP = 256;
export const GRID_ROW = 32768;

/**
 * The optimizer's update over `floats` parameters: the rule's lane program compiled to WGSL.
 * P holds the parameters then each slot (`floats` apart), Q receives their values from before
 * the update (for rolling back), G the gradients; nothing changes once the halt flag is set.
 * A new parameter that is not finite is flagged with the step's result slot (a NaN can give a
 * finite loss: a GPU's max(NaN, 0) may be 0, so a ReLU hides it).
 */
export function updateShader(rule: UpdateRule, floats: number): string {
  const slots = rule.slots.length;
  const reads = [
    'P[i]',
    'G[i]',
    ...Array.from({ length: slots }, (_, s) => `P[${(1 + s) * floats}u + i]`),
  ];
  const writes = [
    'P[i]',
    ...Array.from({ length: slots }, (_, s) => `P[${(1 + s) * floats}u + i]`),
  ];
  const keep = reads
    .map((r, k) => (k === 1 ? '' : `Q[${k === 0 ? 'i' : `${(k - 1) * floats}u + i`}] = in${k};`))
    .join(' ');
  return `${COMMON}
@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read_write> Q: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read> S: array<u32>;
@group(0) @binding(4) var<storage, read_write> R: array<f32>;
@compute @workgroup_size(${UPDATE_GROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * ${GRID_ROW * UPDATE_GROUP}u + id.x;
  if (i >= ${floats}u || R[${RESULTS.halt}u] != 0.0) { return; }
  ${reads.map((r, k) => `let in${k} = ${r};`).join('\n  ')}
  ${keep}
  ${compileProgram(rule.program, (k) => writes[k - reads.length] as string)}
  if (!finite(P[i])) { R[${RESULTS.weights}u] = f32(S[${STEP.result}u] + 1u); }
}
`;
}

/**
 * A lane program as WGSL statements: every value a `let`, every temporary a `var`; loads come
 * from `in0`, `in1`, ... (read before any store), stores go where `target` says.
 */
export function compileProgram(program: Program, target: (pointer: number) => string): string {
  const stack: string[] = [];
  const lines: string[] = [];
  const temps = new Set<number>();
  let n = 0;
  const pop = (): string => stack.pop() as string;
  const value = (expr: string): void => {
    lines.push(`let v${n} = ${expr};`);
    stack.push(`v${n++}`);
  };
  const binary: Record<string, (a: string, b: string) => string> = {
    add: (a, b) => `${a} + ${b}`,
    sub: (a, b) => `${a} - ${b}`,
    mul: (a, b) => `${a} * ${b}`,
    div: (a, b) => `${a} / ${b}`,
    max: (a, b) => `max(${a}, ${b})`,
  };
  for (const [kind, k] of program) {
    if (kind === 'load') stack.push(`in${k}`);
    else if (kind === 'scalar') value(`bitcast<f32>(S[${STEP.scalars + k}u])`);
    else if (kind === 'store') lines.push(`${target(k)} = ${pop()};`);
    else if (kind === 'set') {
      lines.push(`${temps.has(k) ? '' : 'var '}t${k} = ${pop()};`);
      temps.add(k);
    } else if (kind === 'get') value(`t${k}`);
    else if (kind === 'sqrt' || kind === 'abs') value(`${kind}(${pop()})`);
    else {
      const b = pop();
      value((binary[kind] as (a: string, b: string) => string)(pop(), b));
    }
  }
  return lines.join('\n  ');
}
