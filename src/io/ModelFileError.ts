/**
 * What was wrong with a saved model: `missing` (a file is not there), `truncated` (a weights
 * file is shorter than model.json says), `oversized` (longer), `invalid` (model.json is not a
 * TF.js layers model, or its topology does not fit its weights), `exists` (the target folder
 * exists and `overwrite` was not given).
 *
 * @example
 * ```ts
 * import type { ModelFileErrorCode } from 'denselab';
 *
 * const code: ModelFileErrorCode = 'missing';
 * console.log(code); // missing
 * ```
 */
export type ModelFileErrorCode = 'missing' | 'truncated' | 'oversized' | 'invalid' | 'exists';

/**
 * The error {@link saveModel} and {@link loadModel} throw for files they cannot use. `file`
 * names the file, `code` says what was wrong with it.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { loadModel, ModelFileError } from 'denselab';
 *
 * try {
 *   await loadModel('/no/such/folder');
 * } catch (err) {
 *   if (err instanceof ModelFileError) console.log(err.code, err.file); // missing /no/such/folder/model.json
 * }
 * ```
 */
export class ModelFileError extends Error {
  /** What was wrong. */
  readonly code: ModelFileErrorCode;
  /** The file or folder concerned. */
  readonly file: string;

  /**
   * @param fn - the function that failed
   * @param code - what was wrong
   * @param file - the file or folder concerned
   * @param message - the details
   */
  constructor(fn: string, code: ModelFileErrorCode, file: string, message: string) {
    super(`${fn}: ${file}: ${message}`);
    this.name = 'ModelFileError';
    this.code = code;
    this.file = file;
  }
}
