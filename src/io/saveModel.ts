import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isNode } from '../core/env';
import { show, typeError } from '../core/errors';
import { folderSaveHandler } from './nodeFolder';
import { hasScheme } from './scheme';

/**
 * Options of {@link saveModel}.
 *
 * @example
 * ```ts
 * import type { SaveModelOptions } from 'denselab';
 *
 * const resumable: SaveModelOptions = { includeOptimizer: true, overwrite: true };
 * console.log(resumable.includeOptimizer); // true
 * ```
 */
export interface SaveModelOptions {
  /** Save the optimizer's state too, so that training can resume after loading. Default false. */
  includeOptimizer?: boolean;
  /** Replace an existing folder (Node). Default false: an existing folder is an error. */
  overwrite?: boolean;
}

/**
 * What {@link saveModel} returns.
 *
 * @example
 * ```ts
 * import type { SavedModel } from 'denselab';
 *
 * const saved: SavedModel = { files: ['out/model/model.json', 'out/model/group1-shard1of1.bin'], weightBytes: 2678824 };
 * console.log(saved.files.length); // 2
 * ```
 */
export interface SavedModel {
  /** The files written (Node folders); empty for browser targets. */
  readonly files: readonly string[];
  /** Bytes of weight data (optimizer state included when asked for). */
  readonly weightBytes: number;
}

/**
 * Saves a trained model in the standard TF.js layers format (`model.json` plus binary weight
 * shards), like Keras' `model.save`.
 *
 * - **Node**: `target` is a folder path (or `file:` URL). It is written with Node's own file
 *   APIs (plain TF.js needs tfjs-node for that) into a temporary folder, then renamed into
 *   place, so a crash never leaves a folder that loads as another model. An existing folder is
 *   replaced only with `overwrite: true`. Weights go in 4 MiB shards, as the TF.js converter
 *   writes them, so the folder can be served to browsers as it is.
 * - **Browsers** (and `http(s)://` in Node): any target `model.save` takes passes straight
 *   through: `'indexeddb://name'`, `'localstorage://name'`, `'downloads://name'`, an
 *   `http(s)://` URL, or an IOHandler.
 *
 * @param model - the model to save
 * @param target - a folder (Node), a TF.js URL scheme, or an IOHandler
 * @param options - `includeOptimizer` to resume training later, `overwrite`
 * @returns the files written and the weight bytes
 * @throws {@link ModelFileError} `exists` for an existing folder without `overwrite`; TypeError
 *   for a target of another kind
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { buildDenseClassifier, loadModel, saveModel } from 'denselab';
 *
 * const model = buildDenseClassifier({ inputSize: 4, hiddenUnits: [3], numClasses: 2, seed: 1 });
 * const dir = join(mkdtempSync(join(tmpdir(), 'denselab-')), 'model');
 * const saved = await saveModel(model, dir);
 * console.log(saved.files.map((f) => f.slice(dir.length + 1))); // ["model.json","group1-shard1of1.bin"]
 * const loaded = await loadModel(dir);
 * console.log(loaded.countParams() === model.countParams()); // true
 * model.dispose();
 * loaded.dispose();
 * ```
 */
export async function saveModel(
  model: tfl.LayersModel,
  target: string | URL | tf.io.IOHandler,
  options: SaveModelOptions = {},
): Promise<SavedModel> {
  const fn = 'saveModel';
  if (typeof model !== 'object' || model === null || typeof model.save !== 'function') {
    throw typeError(fn, `model is ${show(model)}; expected a tfjs-layers model`);
  }
  for (const key of ['includeOptimizer', 'overwrite'] as const) {
    const v: unknown = options[key];
    if (v !== undefined && typeof v !== 'boolean') {
      throw typeError(fn, `${key} is ${show(v)}; expected true or false`);
    }
  }
  const includeOptimizer = options.includeOptimizer ?? false;
  const files: string[] = [];
  let handler: string | tf.io.IOHandler;
  if (typeof target === 'object' && target !== null && !(target instanceof URL)) {
    if (typeof target.save !== 'function') {
      throw typeError(fn, 'target is an IOHandler without save()');
    }
    handler = target;
  } else if (typeof target === 'string' || target instanceof URL) {
    const href = target instanceof URL ? target.href : target;
    if (href.startsWith('file://')) {
      const { fileURLToPath } = await import('node:url');
      handler = folderSaveHandler(fileURLToPath(href), options.overwrite ?? false, files);
    } else if (hasScheme(href)) {
      handler = href;
    } else if (isNode()) {
      handler = folderSaveHandler(href, options.overwrite ?? false, files);
    } else {
      throw typeError(
        fn,
        `target ${show(href)} has no scheme; in a browser use 'indexeddb://', 'localstorage://', 'downloads://' or an http(s) URL`,
      );
    }
  } else {
    throw typeError(fn, `target is ${show(target)}; expected a folder path, a URL or an IOHandler`);
  }
  const result = await withIterationsReleased(model, () =>
    model.save(handler, { includeOptimizer }),
  );
  return { files, weightBytes: result.modelArtifactsInfo.weightDataBytes ?? 0 };
}

/**
 * tfjs 4.22's `model.save(..., { includeOptimizer: true })` asks the optimizer for its weights,
 * whose first entry is a new `iter` scalar that nothing disposes: one tensor leaks per save.
 * This watches that call for the duration of `run` and disposes the scalar afterwards.
 */
async function withIterationsReleased<T>(
  model: tfl.LayersModel,
  run: () => Promise<T>,
): Promise<T> {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (optimizer == null) return run();
  const created: Awaited<ReturnType<tf.Optimizer['getWeights']>> = [];
  const original = optimizer.getWeights.bind(optimizer);
  optimizer.getWeights = async () => {
    const weights = await original();
    created.push(...weights.filter((w) => w.name === 'iter'));
    return weights;
  };
  try {
    return await run();
  } finally {
    delete (optimizer as { getWeights?: unknown }).getWeights;
    for (const w of created) w.tensor.dispose();
  }
}
