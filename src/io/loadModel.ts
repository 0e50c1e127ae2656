import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { show, typeError } from '../core/errors';
import { requireBackend } from '../core/input';
import { checkOptions, integer } from '../core/validate';
import { modelFromArtifacts } from './modelFromArtifacts';
import { resolveTarget } from './target';
import { currentPlatform } from '../platform';

/**
 * Options of {@link loadModel}.
 *
 * @category IO
 */
export interface LoadModelOptions {
  /**
   * For an `http(s)://` source: how long to wait for the server, in milliseconds. Default
   * 60,000; past it loading fails with a {@link ModelFileError} `network`.
   */
  timeout?: number;
}

/**
 * Loads a model saved in the TF.js layers format, by {@link saveModel}, tfjs-node, the TF.js
 * converter or a browser.
 *
 * - **Node**: `source` is a folder holding `model.json` (or the path of a `model.json`, or a
 *   `file:` URL). Only regular files inside the folder are read (a weights path with `..`, an
 *   absolute path, a URL, a link leading out, a FIFO or a device is `invalid`), and every
 *   weights file is checked against the manifest before it is read: a missing, truncated or
 *   oversized file is a {@link ModelFileError} naming it, never a model with garbage weights.
 *   A save that replaces the model while it is read is waited out (the new model is read).
 * - **Browsers** (and `http(s)://` in Node): anything `tf.loadLayersModel` takes passes
 *   through: a URL of `model.json`, `'indexeddb://name'`, `'localstorage://name'`, an
 *   IOHandler such as `tf.io.browserFiles`.
 *
 * A model saved with `includeOptimizer` comes back compiled, with its optimizer state, ready to
 * resume training (the optimizer's saved config is checked first); the loaded model predicts
 * exactly what the saved one did. When loading fails, every tensor made is disposed.
 *
 * @param source - a folder or model.json (Node), a URL, or an IOHandler
 * @param options - the timeout for `http(s)://` sources
 * @returns the model
 * @throws {@link ModelFileError} `missing`, `truncated`, `oversized` or `invalid` (the file
 *   named); for URLs also `network` (an HTTP error status, a refused connection, no answer in
 *   time) and `unsupported` (a scheme this runtime has no storage for); TypeError for a
 *   source of another kind
 *
 * @category IO
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * import { loadModel } from 'denselab';
 *
 * // In a browser: const model = await loadModel('/models/mnist-dense/model.json');
 * await loadModel('/tmp/denselab-missing-model').catch((err: Error) => console.log(err.name)); // ModelFileError
 * ```
 */
export async function loadModel(
  source: string | URL | tf.io.IOHandler,
  options: LoadModelOptions = {},
): Promise<tfl.LayersModel> {
  const fn = 'loadModel';
  if (
    typeof (source as { save?: unknown } | null)?.save === 'function' &&
    'layers' in (source as object)
  ) {
    throw typeError(
      fn,
      `source is ${show(source)}; a model is saved with saveModel(model, target) and loaded from where it was saved: loadModel(target)`,
    );
  }
  const { timeout } = checkOptions(fn, options, { timeout: integer({ min: 1 }) }, 'options', {
    strict: 'loadModel always checks that the weights fit the model',
    onProgress: 'loadModel reports nothing while it loads',
  });
  const resolved = await resolveTarget(fn, 'source', source, 'load', timeout);
  requireBackend(fn);
  let artifacts: tf.io.ModelArtifacts;
  let name: string;
  if (resolved.kind === 'folder') {
    const [{ loadFolder }, platform] = await Promise.all([
      import('./modelFolder'),
      currentPlatform(),
    ]);
    const env = platform.folderEnv();
    artifacts = await loadFolder(env, resolved.path);
    name = env.path.resolve(resolved.path);
  } else {
    artifacts = await (resolved.handler.load as () => Promise<tf.io.ModelArtifacts>)();
    name = resolved.name;
  }
  return modelFromArtifacts(artifacts, name);
}
