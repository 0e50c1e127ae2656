/**
 * The largest sizes denselab accepts, checked before anything is allocated, so that a typo
 * (`toCategorical([1e9])`, `hiddenUnits: [4, 2 ** 31]`) is a clear RangeError at once rather
 * than gigabytes reserved and a raw engine error later.
 *
 * @category Errors
 * @example
 * ```ts
 * import { LIMITS } from 'denselab';
 *
 * console.log(LIMITS.maxClasses, LIMITS.maxPolyfitDegree); // 65536 64
 * ```
 */
export const LIMITS = {
  /** Classes of `toCategorical` and `buildDenseClassifier` (ImageNet-21k has 21,841). */
  maxClasses: 65_536,
  /** Units of one Dense layer, and features per sample. */
  maxUnits: 65_536,
  /** Weights of a model `buildDenseClassifier` makes (float32: 1 GiB). */
  maxParameters: 2 ** 28,
  /** Values of one tensor a denselab function creates (float32: 1 GiB). */
  maxTensorElements: 2 ** 28,
  /**
   * Degree of `polyfitBaseline`. Its cost grows with the cube of the degree, and far below
   * this the scaled Vandermonde matrix of any real data is already rank deficient in float64.
   */
  maxPolyfitDegree: 64,
  /** Bytes of one IDX file's data after inflating (2 GiB). */
  maxIdxBytes: 2 ** 31,
} as const;
