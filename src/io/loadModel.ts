import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { requireBackend } from '../core/input';
import { modelFromArtifacts } from './modelFromArtifacts';
import { resolveTarget } from './target';

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
 * @returns the model
 * @throws {@link ModelFileError} `missing`, `truncated`, `oversized` or `invalid` (the file
 *   named); TypeError for a source of another kind
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
export async function loadModel(source: string | URL | tf.io.IOHandler): Promise<tfl.LayersModel> {
  const fn = 'loadModel';
  const resolved = await resolveTarget(fn, 'source', source, 'load');
  requireBackend(fn);
  let artifacts: tf.io.ModelArtifacts;
  let name: string;
  if (resolved.kind === 'folder') {
    const [{ loadFolder }, { folderEnv }] = await Promise.all([
      import('./modelFolder'),
      import('../platform/node'),
    ]);
    const env = folderEnv();
    artifacts = await loadFolder(env, resolved.path);
    name = env.path.resolve(resolved.path);
  } else {
    artifacts = await (resolved.handler.load as () => Promise<tf.io.ModelArtifacts>)();
    name = resolved.name;
  }
  return modelFromArtifacts(artifacts, name);
}
