/**
 * What was wrong with an IDX file:
 * - `bad-gzip`: the bytes start like gzip but do not inflate;
 * - `bad-magic`: the first two bytes are not zero;
 * - `unknown-type`: the type byte is none of 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E;
 * - `bad-shape`: the header declares no dimensions;
 * - `truncated`: the header or the payload is shorter than the header says;
 * - `oversized`: bytes follow the payload the header describes.
 *
 * @category Errors
 */
export type IdxErrorCode =
  'bad-gzip' | 'bad-magic' | 'unknown-type' | 'bad-shape' | 'truncated' | 'oversized';

/**
 * The error {@link readIdx} throws for bytes that are not a valid IDX file. `code` says which
 * rule was broken; the message says where and what was found.
 *
 * @category Errors
 * @example
 * ```ts
 * import { readIdx, IdxFormatError } from 'denselab';
 *
 * try {
 *   readIdx(new Uint8Array([1, 2, 3, 4]));
 * } catch (err) {
 *   if (err instanceof IdxFormatError) console.log(err.code); // 'bad-magic'
 * }
 * ```
 */
export class IdxFormatError extends Error {
  /** Which rule of the format the bytes broke. */
  readonly code: IdxErrorCode;

  /**
   * @param code - which rule of the format was broken
   * @param message - what was found, after the function's name
   */
  constructor(code: IdxErrorCode, message: string) {
    super(`readIdx: ${message}`);
    this.name = 'IdxFormatError';
    this.code = code;
  }
}
