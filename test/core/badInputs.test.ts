/**
 * The bad-input catalogue: for every public function, the mistakes users make (wrong types,
 * values out of range, misspelled options, NaN in the data, disposed tensors and models,
 * files that are not ours). Each call must fail with the error the one rule gives (a wrong
 * type is a TypeError, a bad value a RangeError, a bad file the domain's error), with a message
 * that starts with the public function called, and change nothing: no tensor left, no backend
 * switched, no file written. The test titles give the number of cases per function.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildDenseClassifier,
  compareOptimizers,
  createOptimizer,
  evaluateClassifier,
  fitClassifier,
  fitLinear,
  flattenImages,
  IdxFormatError,
  loadMnist,
  loadModel,
  ModelFileError,
  mse,
  normalize,
  polyfitBaseline,
  predictClasses,
  ProgressLogger,
  readIdx,
  saveModel,
  selectBackend,
  toArray,
  toCategorical,
  useFastKernels,
  writeIdx,
} from 'denselab';

type Expected =
  typeof TypeError | typeof RangeError | typeof IdxFormatError | typeof ModelFileError;
/** A bad call: what it does, the call, the error class, and a part the message must hold. */
type Case = [what: string, call: () => unknown, error: Expected, says?: RegExp];

const root = mkdtempSync(join(tmpdir(), 'denselab-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [3], numClasses: 2, seed: 1 });
const rowsOf = (values: number[][]) => tf.tensor2d(values, undefined, 'float32');
const X = rowsOf([
  [0.1, 0.2, 0.3, 0.4],
  [0.5, 0.6, 0.7, 0.8],
  [0.2, 0.1, 0.0, 0.9],
  [0.3, 0.3, 0.3, 0.3],
]);
const Y = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [4, 2]);
const withBad = (v: number, row = 2) =>
  rowsOf([0, 1, 2, 3].map((r) => (r === row ? [0.1, v, 0.2, 0.3] : [0.1, 0.2, 0.3, 0.4])));
/** The tensors the bad calls take, made before any call is counted. */
const A = {
  ones4: tf.ones([4]),
  int44: tf.ones([4, 4], 'int32'),
  ones45: tf.ones([4, 5]),
  ones32: tf.ones([3, 2]),
  ones43: tf.ones([4, 3]),
  ones42: tf.ones([4, 2]),
  zeros42: tf.zeros([4, 2]),
  ones224: tf.ones([2, 2, 4]),
  ones222: tf.ones([2, 2, 2]),
  ones52: tf.ones([5, 2]),
  ones5: tf.ones([5]),
  nan2: withBad(NaN),
  inf3: withBad(Infinity, 3),
  nan1: withBad(NaN, 1),
  nan0: withBad(NaN, 0),
  negInf0: withBad(-Infinity, 0),
};
const disposed = () => {
  const t = tf.tensor2d([[0.1, 0.2, 0.3, 0.4]]);
  t.dispose();
  return t;
};
const disposedModel = () => {
  const m = buildDenseClassifier({ inputSize: 4, hiddenUnits: [3], numClasses: 2, seed: 1 });
  m.dispose();
  return m;
};
const T = TypeError;
const R = RangeError;

/** An IDX file of `n` unsigned bytes. */
const idx = (n: number) =>
  new Uint8Array([0, 0, 8, 1, 0, 0, 0, n, ...new Array<number>(n).fill(7)]);
const flipped = (bytes: Uint8Array, at: number) => {
  const out = bytes.slice();
  out[at] = (out[at] as number) ^ 0x10;
  return out;
};
const gz = gzipSync(idx(40));

/** The files and folders the cases' arguments made (relative to root): all a call may add. */
const fixtures = new Set<string>();

/** A folder that holds something other than a model. */
function foreignFolder(): string {
  const dir = mkdtempSync(join(root, 'data-'));
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  fixtures.add(relative(root, dir)).add(relative(root, join(dir, 'notes.txt')));
  return dir;
}
/** A model folder whose manifest points at a file outside it. */
function escapingFolder(): string {
  const dir = mkdtempSync(join(root, 'escape-'));
  writeFileSync(join(root, 'outside.bin'), new Uint8Array(64));
  const manifest = {
    modelTopology: model.toJSON(undefined, false),
    format: 'layers-model',
    weightsManifest: [{ paths: ['../outside.bin'], weights: [] }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  fixtures
    .add(relative(root, dir))
    .add(relative(root, join(dir, 'model.json')))
    .add('outside.bin');
  return dir;
}

const catalogue: Record<string, Case[]> = {
  fitClassifier: [
    ['model is not a model', () => fitClassifier({} as never, { x: X, y: Y }), T],
    ['model was disposed', () => fitClassifier(disposedModel(), { x: X, y: Y }), T, /disposed/],
    ['data is null', () => fitClassifier(model, null as never), T],
    ['data has no y', () => fitClassifier(model, { x: X } as never), T],
    ['data has an extra key', () => fitClassifier(model, { x: X, y: Y, w: X } as never), T],
    ['x is 1-D', () => fitClassifier(model, { x: A.ones4, y: Y }), R, /flattenImages/],
    ['x is int32', () => fitClassifier(model, { x: A.int44, y: Y }), T],
    ['x has 5 features', () => fitClassifier(model, { x: A.ones45, y: Y }), R],
    ['y has 3 rows', () => fitClassifier(model, { x: X, y: A.ones32 }), R],
    ['y has 3 columns', () => fitClassifier(model, { x: X, y: A.ones43 }), R],
    ['y is not one-hot', () => fitClassifier(model, { x: X, y: A.ones42 }), R, /row 0/],
    ['x has NaN in row 2', () => fitClassifier(model, { x: A.nan2, y: Y }), R, /row 2/],
    ['x has Infinity', () => fitClassifier(model, { x: A.inf3, y: Y }), R, /row 3/],
    ['x was disposed', () => fitClassifier(model, { x: disposed(), y: Y }), T, /disposed/],
    ['options is an array', () => fitClassifier(model, { x: X, y: Y }, [] as never), T],
    ['options is a number', () => fitClassifier(model, { x: X, y: Y }, 5 as never), T],
    [
      'epoch instead of epochs',
      () => fitClassifier(model, { x: X, y: Y }, { epoch: 3 } as never),
      T,
      /did you mean "epochs"/,
    ],
    ['epochs is 0', () => fitClassifier(model, { x: X, y: Y }, { epochs: 0 }), R],
    ['epochs is 1.5', () => fitClassifier(model, { x: X, y: Y }, { epochs: 1.5 }), R],
    ['epochs is a string', () => fitClassifier(model, { x: X, y: Y }, { epochs: '3' as never }), T],
    ['batchSize is 0', () => fitClassifier(model, { x: X, y: Y }, { batchSize: 0 }), R],
    [
      'verbose is 3',
      () => fitClassifier(model, { x: X, y: Y }, { verbose: 3 as never }),
      R,
      /verbose/,
    ],
    [
      'shuffle is "yes"',
      () => fitClassifier(model, { x: X, y: Y }, { shuffle: 'yes' as never }),
      T,
    ],
    [
      'engine is "fast"',
      () => fitClassifier(model, { x: X, y: Y }, { engine: 'fast' as never }),
      R,
    ],
    ['threads is 0', () => fitClassifier(model, { x: X, y: Y }, { threads: 0 }), R],
    [
      'callbacks is a number',
      () => fitClassifier(model, { x: X, y: Y }, { callbacks: 5 as never }),
      T,
    ],
    [
      'validationData has NaN',
      () => fitClassifier(model, { x: X, y: Y }, { validationData: { x: A.nan1, y: Y } }),
      R,
      /validationData\.x row 1/,
    ],
    ['initialEpoch is -1', () => fitClassifier(model, { x: X, y: Y }, { initialEpoch: -1 }), R],
  ],
  evaluateClassifier: [
    ['model is null', () => evaluateClassifier(null as never, { x: X, y: Y }), T],
    [
      'model was disposed',
      () => evaluateClassifier(disposedModel(), { x: X, y: Y }),
      T,
      /disposed/,
    ],
    ['x has NaN', () => evaluateClassifier(model, { x: A.nan0, y: Y }), R, /row 0/],
    ['y is not one-hot', () => evaluateClassifier(model, { x: X, y: A.zeros42 }), R],
    ['x was disposed', () => evaluateClassifier(model, { x: disposed(), y: Y }), T],
    ['batchSize is 0', () => evaluateClassifier(model, { x: X, y: Y }, { batchSize: 0 }), R],
    [
      'batch instead of batchSize',
      () => evaluateClassifier(model, { x: X, y: Y }, { batch: 2 } as never),
      T,
      /did you mean "batchSize"/,
    ],
  ],
  predictClasses: [
    ['model is a string', () => predictClasses('model' as never, X), T],
    ['model was disposed', () => predictClasses(disposedModel(), X), T, /disposed/],
    [
      'x is a flat array',
      () => predictClasses(model, [0.1, 0.2, 0.3, 0.4] as never),
      T,
      /with no shape/,
    ],
    ['x is 3-D', () => predictClasses(model, A.ones224), R],
    ['x has NaN in row 1', () => predictClasses(model, A.nan1), R, /row 1/],
    ['x has -Infinity', () => predictClasses(model, A.negInf0), R, /-Infinity/],
    ['x was disposed', () => predictClasses(model, disposed()), T, /disposed/],
    ['batchSize is -1', () => predictClasses(model, X, { batchSize: -1 }), R],
    [
      'batch instead of batchSize',
      () => predictClasses(model, X, { batch: 4 } as never),
      T,
      /did you mean/,
    ],
  ],
  flattenImages: [
    ['images is null', () => flattenImages(null as never), T],
    ['images is 1-D', () => flattenImages(A.ones4), R],
    [
      'NdArray shape does not match its data',
      () => flattenImages({ data: new Uint8Array(5), shape: [2, 2, 2] }),
      R,
    ],
    ['dtype is float64', () => flattenImages(A.ones222, { dtype: 'float64' as never }), R],
    [
      'dtpye instead of dtype',
      () => flattenImages(A.ones222, { dtpye: 'int32' } as never),
      T,
      /did you mean "dtype"/,
    ],
    ['images was disposed', () => flattenImages(disposed()), T, /disposed/],
  ],
  normalize: [
    ['x is a string', () => normalize('abc' as never), T],
    ['x has NaN', () => normalize([1, NaN, 3]), R, /NaN/],
    ['x is negative', () => normalize([1, -2, 3]), R],
    ['x is all zero', () => normalize([0, 0, 0]), R],
    ['max is 0', () => normalize([1, 2], { max: 0 }), R],
    ['max is NaN', () => normalize([1, 2], { max: NaN }), R],
    ['max below the data', () => normalize([1, 200], { max: 100 }), R],
    ['maximum instead of max', () => normalize([1, 2], { maximum: 255 } as never), T],
    ['x was disposed', () => normalize(disposed()), T, /disposed/],
  ],
  toCategorical: [
    ['labels is null', () => toCategorical(null as never), T],
    ['a label of 1e9 (limit before allocating)', () => toCategorical([1e9]), R, /65536/],
    ['numClasses is 2 ** 31', () => toCategorical([1], 2 ** 31), R],
    ['numClasses is 0', () => toCategorical([0], 0), R],
    ['a label is -1', () => toCategorical([0, -1]), R, /index 1/],
    ['a label is 1.5', () => toCategorical([1.5]), R],
    ['a label is NaN', () => toCategorical([NaN]), R],
    ['a label is >= numClasses', () => toCategorical([3], 3), R],
    ['labels are strings', () => toCategorical(['1'] as never), T],
  ],
  toArray: [
    ['x is null', () => toArray(null as never), T],
    ['x is a number', () => toArray(5 as never), T],
    ['NdArray of a plain array', () => toArray({ data: [1], shape: [1] } as never), T],
    [
      'NdArray shape does not match',
      () => toArray({ data: new Float32Array(3), shape: [2, 2] }),
      R,
    ],
  ],
  readIdx: [
    ['bytes is a string', () => readIdx('train.idx' as never), T],
    ['bytes is empty', () => readIdx(new Uint8Array(0)), IdxFormatError],
    ['bad magic', () => readIdx(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 1, 5])), IdxFormatError],
    ['truncated data', () => readIdx(idx(40).subarray(0, 30)), IdxFormatError],
    ['trailing bytes', () => readIdx(new Uint8Array([...idx(4), 9])), IdxFormatError],
    [
      'header claims 2^32 elements',
      () => readIdx(new Uint8Array([0, 0, 8, 2, 255, 255, 255, 255, 0, 0, 0, 2])),
      IdxFormatError,
    ],
    ['gzip, a flipped data byte', () => readIdx(flipped(gz, 15)), IdxFormatError],
    ['gzip, a flipped CRC', () => readIdx(flipped(gz, gz.length - 6)), IdxFormatError],
    ['gzip, truncated', () => readIdx(gz.subarray(0, gz.length - 9)), IdxFormatError],
    [
      'gzip, a second member',
      () => readIdx(new Uint8Array([...gz, ...gzipSync(idx(3))])),
      IdxFormatError,
    ],
    [
      'gzip, trailer size 4 GiB',
      () => readIdx(new Uint8Array([...gz.subarray(0, gz.length - 4), 255, 255, 255, 255])),
      IdxFormatError,
    ],
  ],
  writeIdx: [
    ['array is null', () => writeIdx(null as never), T],
    [
      'gzip is "yes"',
      () => writeIdx({ data: new Uint8Array(2), shape: [2] }, { gzip: 'yes' as never }),
      T,
    ],
    [
      'gz instead of gzip',
      () => writeIdx({ data: new Uint8Array(2), shape: [2] }, { gz: true } as never),
      T,
      /did you mean "gzip"/,
    ],
    ['BigInt64Array data', () => writeIdx({ data: new BigInt64Array(2) as never, shape: [2] }), T],
    ['shape is a number', () => writeIdx({ data: new Uint8Array(2), shape: 2 as never }), T],
    ['shape does not match data', () => writeIdx({ data: new Uint8Array(2), shape: [3] }), R],
  ],
  loadMnist: [
    [
      'dir instead of source',
      () => loadMnist({ dir: '/tmp' } as never),
      T,
      /did you mean|unknown option "dir"/,
    ],
    ['trainLimit is -1', () => loadMnist({ trainLimit: -1 }), R],
    ['trainLimit is 1.5', () => loadMnist({ trainLimit: 1.5 }), R],
    ['source is a number', () => loadMnist({ source: 5 as never }), T],
    ['fetch is a string', () => loadMnist({ fetch: 'x' as never }), T],
    ['options is a string', () => loadMnist('mnist' as never), T],
    ['source has no MNIST files', () => loadMnist({ source: root }), Error, /neither|not found/],
  ],
  createOptimizer: [
    ['an unknown name', () => createOptimizer('sgdd' as never), R, /sgd/],
    ['name is a number', () => createOptimizer(5 as never), T],
    ['learningRate is -1', () => createOptimizer('sgd', -1), R],
    ['learningRate is NaN', () => createOptimizer('adam', NaN), R],
    ['learningRate is a string', () => createOptimizer('adam', '0.1' as never), T],
  ],
  fitLinear: [
    ['x is a [5, 2] tensor', () => fitLinear(A.ones52, A.ones5), R],
    ['x and y lengths differ', () => fitLinear([1, 2, 3], [1, 2]), R],
    ['x has NaN', () => fitLinear([1, NaN, 3], [1, 2, 3]), R, /index 1|\[1\]/],
    ['y has Infinity', () => fitLinear([1, 2, 3], [1, 2, Infinity]), R],
    ['no points', () => fitLinear([], []), R],
    ['x is a string', () => fitLinear('1,2' as never, [1, 2]), T],
    [
      'epoch instead of epochs',
      () => fitLinear([1, 2], [1, 2], { epoch: 5 } as never),
      T,
      /did you mean "epochs"/,
    ],
    ['epochs is 0', () => fitLinear([1, 2], [1, 2], { epochs: 0 }), R],
    ['an unknown optimizer', () => fitLinear([1, 2], [1, 2], { optimizer: 'sgdd' as never }), R],
    ['learningRate is 0', () => fitLinear([1, 2], [1, 2], { learningRate: 0 }), R],
    ['initial.m is NaN', () => fitLinear([1, 2], [1, 2], { initial: { m: NaN } }), R],
    [
      'initial has an unknown key',
      () => fitLinear([1, 2], [1, 2], { initial: { q: 1 } as never }),
      T,
    ],
    [
      'initial.m and initialM both',
      () => fitLinear([1, 2], [1, 2], { initial: { m: 1 }, initialM: 1 }),
      T,
    ],
    ['x was disposed', () => fitLinear(disposed(), [1]), T, /disposed/],
    ['engine is "fast"', () => fitLinear([1, 2], [1, 2], { engine: 'fast' as never }), R],
  ],
  polyfitBaseline: [
    ['degree 65 (limit)', () => polyfitBaseline([1, 2], [1, 2], 65), R, /64/],
    ['degree -1', () => polyfitBaseline([1, 2], [1, 2], -1), R],
    ['degree 1.5', () => polyfitBaseline([1, 2], [1, 2], 1.5), R],
    ['degree is a string', () => polyfitBaseline([1, 2], [1, 2], '1' as never), T],
    ['x has NaN', () => polyfitBaseline([1, NaN], [1, 2]), R],
    ['x and y lengths differ', () => polyfitBaseline([1, 2, 3], [1, 2]), R],
    ['no points', () => polyfitBaseline([], []), R],
    ['rcond is -1', () => polyfitBaseline([1, 2], [1, 2], 1, { rcond: -1 }), R],
    [
      'onRankDeficient is "x"',
      () => polyfitBaseline([1, 2], [1, 2], 1, { onRankDeficient: 'x' as never }),
      R,
    ],
    [
      'rconde instead of rcond',
      () => polyfitBaseline([1, 2], [1, 2], 1, { rconde: 1 } as never),
      T,
      /did you mean "rcond"/,
    ],
  ],
  mse: [
    ['y has NaN', () => mse([1, NaN], [1, 2]), R],
    ['lengths differ', () => mse([1, 2, 3], [1, 2]), R],
    ['y is a string', () => mse('12' as never, [1, 2]), T],
    ['yHat is null', () => mse([1, 2], null as never), T],
    ['y was disposed', () => mse(disposed(), [1, 2, 3, 4]), T, /disposed/],
    ['no values', () => mse([], []), R],
  ],
  compareOptimizers: [
    [
      'an unknown optimizer',
      () => compareOptimizers([1, 2], [1, 2], { optimizers: ['sgdd' as never] }),
      R,
    ],
    ['no optimizers', () => compareOptimizers([1, 2], [1, 2], { optimizers: [] }), R],
    [
      'epochs is 0',
      () => compareOptimizers([1, 2], [1, 2], { epochs: 0 }),
      R,
      /^compareOptimizers/,
    ],
    [
      'learningRates has a misspelled optimizer',
      () => compareOptimizers([1, 2], [1, 2], { learningRates: { sgdd: 1 } as never }),
      T,
      /did you mean "sgd"/,
    ],
    [
      'optimizer instead of optimizers',
      () => compareOptimizers([1, 2], [1, 2], { optimizer: ['sgd'] } as never),
      T,
      /did you mean "optimizers"/,
    ],
    ['x has NaN', () => compareOptimizers([NaN, 2], [1, 2]), R],
  ],
  buildDenseClassifier: [
    [
      'hiddenUnits [4, 2 ** 31]',
      () => buildDenseClassifier({ hiddenUnits: [4, 2 ** 31] }),
      R,
      /hiddenUnits\[1\]/,
    ],
    ['hiddenUnits [0]', () => buildDenseClassifier({ hiddenUnits: [0] }), R],
    ['hiddenUnits is a number', () => buildDenseClassifier({ hiddenUnits: 512 as never }), T],
    [
      'too many parameters',
      () => buildDenseClassifier({ hiddenUnits: [60000, 60000] }),
      R,
      /parameters/,
    ],
    ['numClasses 2 ** 31', () => buildDenseClassifier({ numClasses: 2 ** 31 }), R],
    ['inputSize 0', () => buildDenseClassifier({ inputSize: 0 }), R],
    ['activation "relu7"', () => buildDenseClassifier({ activation: 'relu7' as never }), R],
    ['an unknown optimizer', () => buildDenseClassifier({ optimizer: 'sgdd' as never }), R],
    ['seed is a string', () => buildDenseClassifier({ seed: '1' as never }), T],
    [
      'hiddenUnit instead of hiddenUnits',
      () => buildDenseClassifier({ hiddenUnit: [4] } as never),
      T,
      /did you mean "hiddenUnits"/,
    ],
  ],
  ProgressLogger: [
    ['verbose is 3', () => new ProgressLogger({ verbose: 3 as never }), R],
    ['intervalMs is -1', () => new ProgressLogger({ intervalMs: -1 }), R],
    ['sink is a number', () => new ProgressLogger({ sink: 5 as never }), T],
    ['interval and intervalMs both', () => new ProgressLogger({ interval: 1, intervalMs: 1 }), T],
    [
      'verbos instead of verbose',
      () => new ProgressLogger({ verbos: 1 } as never),
      T,
      /did you mean "verbose"/,
    ],
    ['now is a string', () => new ProgressLogger({ now: 'x' as never }), T],
  ],
  saveModel: [
    ['model is null', () => saveModel(null as never, join(root, 'm1')), T],
    ['model was disposed', () => saveModel(disposedModel(), join(root, 'm2')), T, /disposed/],
    ['target is a number', () => saveModel(model, 5 as never), T],
    ['target is empty', () => saveModel(model, ''), R],
    [
      'overwrite is "yes"',
      () => saveModel(model, join(root, 'm3'), { overwrite: 'yes' as never }),
      T,
    ],
    [
      'overwite instead of overwrite',
      () => saveModel(model, join(root, 'm4'), { overwite: true } as never),
      T,
      /did you mean "overwrite"/,
    ],
    [
      'a folder with other files, overwrite',
      () => saveModel(model, foreignFolder(), { overwrite: true }),
      ModelFileError,
      /notes\.txt/,
    ],
    ['a folder with other files', () => saveModel(model, foreignFolder()), ModelFileError],
    [
      'the parent is a file',
      () => saveModel(model, join(root, 'file.txt', 'model')),
      ModelFileError,
    ],
  ],
  loadModel: [
    ['source is a number', () => loadModel(5 as never), T],
    ['source is empty', () => loadModel(''), R],
    ['the folder does not exist', () => loadModel(join(root, 'nothing')), ModelFileError],
    ['a folder that holds no model', () => loadModel(foreignFolder()), ModelFileError],
    [
      'a weights path that leaves the folder',
      () => loadModel(escapingFolder()),
      ModelFileError,
      /outside/,
    ],
  ],
  selectBackend: [
    ['prefer has "tpu"', () => selectBackend({ prefer: ['tpu' as never] }), R],
    ['prefer is a string', () => selectBackend({ prefer: 'wasm' as never }), T],
    [
      'fastKernel instead of fastKernels',
      () => selectBackend({ fastKernel: true } as never),
      T,
      /did you mean "fastKernels"/,
    ],
    ['envVar is a number', () => selectBackend({ envVar: 5 as never }), T],
    ['wasmPaths is a number', () => selectBackend({ wasmPaths: 5 as never }), T],
    ['fastKernels is "yes"', () => selectBackend({ fastKernels: 'yes' as never }), T],
  ],
  useFastKernels: [['enabled is "yes"', () => useFastKernels('yes' as never), T]],
};

writeFileSync(join(root, 'file.txt'), 'a file');
mkdirSync(join(root, 'keep'));

/** Everything under root, for "no file written". */
function listing(dir = root): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('bad input catalogue', () => {
  for (const [fn, cases] of Object.entries(catalogue)) {
    it(`${fn}: ${cases.length} bad calls, each a clear error that changes nothing`, async () => {
      for (const [what, call, type, says] of cases) {
        const before = { tensors: tf.memory().numTensors, backend: tf.getBackend() };
        const files = listing();
        const err = await outcome(call);
        const label = `${fn}, ${what}`;
        expect(err, `${label}: no error`).toBeInstanceOf(type);
        const message = (err as Error).message;
        expect(message.startsWith(`${fn}: `), `${label}: ${message}`).toBe(true);
        if (says !== undefined) expect(message, label).toMatch(says);
        expect(tf.getBackend(), `${label}: backend`).toBe(before.backend);
        const made = listing().filter((f) => !files.includes(f) && !fixtures.has(f));
        expect(made, `${label}: files written`).toEqual([]);
        expect(tf.memory().numTensors, `${label}: tensors left`).toBe(before.tensors);
      }
    });
  }
});
