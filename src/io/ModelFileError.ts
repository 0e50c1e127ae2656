/**
 * What was wrong with a saved model or its folder: `missing` (a file is not there),
 * `truncated` (a weights file is shorter than model.json says), `oversized` (longer),
 * `invalid` (model.json is not a TF.js layers model, its topology does not fit its weights,
 * its optimizer cannot be restored, or it lists a weights file outside its folder or one that
 * is not a regular file), `exists` (the folder holds a model and `overwrite` was not given),
 * `foreign` (the folder holds files that are not a model's: nothing was written), `busy`
 * (another save is writing the folder), `io` (the file system failed: no permission,
 * read-only, full, a file where a folder should be; the message names the cause), `network`
 * (an HTTP server answered with an error status other than 404, refused the connection, or
 * did not answer within the timeout; a 404 is `missing`), `unsupported` (a URL scheme this
 * runtime has no storage for, such as `indexeddb://` in Node).
 *
 * @category Errors
 */
export type ModelFileErrorCode =
  | 'missing'
  | 'truncated'
  | 'oversized'
  | 'invalid'
  | 'exists'
  | 'foreign'
  | 'busy'
  | 'io'
  | 'network'
  | 'unsupported';

/**
 * The error {@link saveModel} and {@link loadModel} throw for files they cannot use. `file`
 * names the file, `code` says what was wrong with it.
 *
 * @category Errors
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
   * @param options - the underlying error, as `cause`
   */
  constructor(
    fn: string,
    code: ModelFileErrorCode,
    file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${fn}: ${file}: ${message}`, options);
    this.name = 'ModelFileError';
    this.code = code;
    this.file = file;
  }
}
