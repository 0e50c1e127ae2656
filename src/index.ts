/**
 * denselab: the first steps of deep learning on TensorFlow.js, typed.
 *
 * @packageDocumentation
 */
export type { NdArray, TypedArray } from './core/types';
export { flattenImages, type FlattenImagesOptions } from './data/flattenImages';
export { normalize, type NormalizeOptions } from './data/normalize';
export { toCategorical } from './data/toCategorical';
export { readIdx, type IdxArray, type IdxTag } from './data/readIdx';
export { writeIdx, type WriteIdxOptions } from './data/writeIdx';
export { IdxFormatError, type IdxErrorCode } from './data/IdxFormatError';
export type { IdxDtype, IdxArrayTypes } from './data/idxFormat';
export {
  loadMnist,
  type LoadMnistOptions,
  type MnistData,
  type MnistSplit,
} from './data/loadMnist';
