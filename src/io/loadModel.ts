import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isNode } from '../core/env';
import { show, typeError } from '../core/errors';
import { ModelFileError } from './ModelFileError';
import { ownOptimizer } from '../internals/tfjsInternals';
import { toFusedOptimizer } from '../optim/toFusedOptimizer';
import { folderLoadHandler } from './nodeFolder';
import { hasScheme } from './scheme';

/**
 * Loads a model saved in the TF.js layers format, by {@link saveModel}, tfjs-node, the TF.js
 * converter or a browser.
 *
 * - **Node**: `source` is a folder holding `model.json` (or the path of a `model.json`, or a
 *   `file:` URL). Every weights file is checked against the manifest first: a missing,
 *   truncated or oversized file is a {@link ModelFileError} naming it, never a model with
 *   garbage weights.
 * - **Browsers** (and `http(s)://` in Node): anything `tf.loadLayersModel` takes passes
 *   through: a URL of `model.json`, `'indexeddb://name'`, `'localstorage://name'`, an
 *   IOHandler such as `tf.io.browserFiles`.
 *
 * A model saved with `includeOptimizer` comes back compiled, with its optimizer state, ready to
 * resume training; the loaded model predicts exactly what the saved one did.
 *
 * @param source - a folder or model.json (Node), a URL, or an IOHandler
 * @returns the model
 * @throws {@link ModelFileError} `missing`, `truncated`, `oversized` or `invalid` (the file
 *   named); TypeError for a source of another kind
 *
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
  let handler: string | tf.io.IOHandler;
  let jsonName = 'the model';
  if (typeof source === 'object' && source !== null && !(source instanceof URL)) {
    if (typeof source.load !== 'function')
      throw typeError(fn, 'source is an IOHandler without load()');
    handler = source;
  } else if (typeof source === 'string' || source instanceof URL) {
    const href = source instanceof URL ? source.href : source;
    if (href.startsWith('file://')) {
      const { fileURLToPath } = await import('node:url');
      jsonName = fileURLToPath(href);
      handler = folderLoadHandler(jsonName);
    } else if (hasScheme(href) || !isNode()) {
      handler = href;
      jsonName = href;
    } else {
      jsonName = href;
      handler = folderLoadHandler(href);
    }
  } else {
    throw typeError(fn, `source is ${show(source)}; expected a folder path, a URL or an IOHandler`);
  }
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(handler);
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    // The files were complete, but tfjs could not build the model from them: a topology that
    // does not fit its weights (an edited shape), or not a layers model at all.
    throw new ModelFileError(
      fn,
      'invalid',
      jsonName,
      `could not be loaded as a layers model: ${(err as Error).message}`,
    );
  } // An optimizer restored from the training config belongs to this model alone.
  if (model.optimizer != null) {
    // tfjs restores RMSprop and Adam as its own classes: resume with the fused ones.
    model.optimizer = await toFusedOptimizer(model.optimizer);
    ownOptimizer(model);
  }
  return model;
}
