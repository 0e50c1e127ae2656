import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { show, typeError } from '../core/errors';
import { boolean, checkOptions, integer } from '../core/validate';
import { isModelDisposed } from '../internals/tfjsInternals';
import { resolveTarget } from './target';
import { currentPlatform } from '../platform';

/**
 * Options of {@link saveModel}.
 *
 * @category IO
 */
export interface SaveModelOptions {
  /** Save the optimizer's state too, so that training can resume after loading. Default false. */
  includeOptimizer?: boolean;
  /**
   * Replace the model in an existing folder (Node). Default false: a folder that holds a model
   * is an error. Only a folder that holds a TF.js model is replaced, and only the files its
   * model.json lists are removed; a folder with other files in it is never written to.
   */
  overwrite?: boolean;
  /**
   * For an `http(s)://` target: how long to wait for the server, in milliseconds. Default
   * 60,000; past it the save fails with a {@link ModelFileError} `network`.
   */
  timeout?: number;
}

/**
 * What {@link saveModel} returns.
 *
 * @category IO
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
 * - **Node**: `target` is a folder path (or `file:` URL), written with Node's own file APIs
 *   (plain TF.js needs tfjs-node for that). A folder never loses data: a new or empty folder is
 *   written into; a folder that holds a model only with `overwrite: true`, and then only that
 *   model's files are replaced; a folder with anything else in it is never written to.
 *   Weights go in 4 MiB shards named by their content, and model.json is replaced last by one
 *   atomic rename, so at every instant the folder loads as a whole model, old or new, even
 *   while other processes read it; a crash leaves the old model, and the next save removes
 *   what the crashed one left. Two saves to one folder at once: one wins, the other gets a
 *   `busy` {@link ModelFileError}. Files and folders follow the umask.
 * - **Browsers** (and `http(s)://` in Node): any target `model.save` takes passes straight
 *   through: `'indexeddb://name'`, `'localstorage://name'`, `'downloads://name'`, an
 *   `http(s)://` URL, or an IOHandler.
 *
 * @param model - the model to save
 * @param target - a folder (Node), a TF.js URL scheme, or an IOHandler
 * @param options - `includeOptimizer` to resume training later, `overwrite`
 * @returns the files written and the weight bytes
 * @throws {@link ModelFileError} `exists` for a folder holding a model without `overwrite`,
 *   `foreign` for a folder holding other files, `busy` while another save writes the folder,
 *   `io` when the file system fails (the path and the cause named; nothing is changed);
 *   TypeError for a target of another kind or unknown options
 *
 * @category IO
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
 * console.log(saved.files.map((f) => f.slice(dir.length + 1).replace(/-\w{16}\.bin$/, '-<hash>.bin'))); // ["model.json","group1-shard1of1-<hash>.bin"]
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
  if (
    (typeof model === 'string' || model instanceof URL) &&
    typeof (target as { save?: unknown } | null)?.save === 'function' &&
    Array.isArray((target as { layers?: unknown }).layers)
  ) {
    throw typeError(
      fn,
      `model is ${show(model)} and target is ${show(target)}: the arguments are swapped; call saveModel(model, ${show(String(model))})`,
    );
  }
  if (typeof model !== 'object' || model === null || typeof model.save !== 'function') {
    throw typeError(fn, `model is ${show(model)}; expected a tfjs-layers model`);
  }
  if (isModelDisposed(model))
    throw typeError(fn, `model ${show(model.name)} was disposed; expected a live model`);
  const o = checkOptions(
    fn,
    options,
    { includeOptimizer: boolean, overwrite: boolean, timeout: integer({ min: 1 }) },
    'options',
    { saveFormat: 'saveModel always writes the TF.js layers format (model.json and weights)' },
  );
  const resolved = await resolveTarget(fn, 'target', target, 'save', o.timeout);
  const includeOptimizer = o.includeOptimizer ?? false;
  if (resolved.kind === 'handler') {
    const result = await withIterationsReleased(model, () =>
      model.save(resolved.handler, { includeOptimizer }),
    );
    return { files: [], weightBytes: result.modelArtifactsInfo.weightDataBytes ?? 0 };
  }
  // Folders: tfjs hands over the artifacts; denselab writes them (see modelFolder.ts).
  let captured: tf.io.ModelArtifacts | undefined;
  await withIterationsReleased(model, () =>
    model.save(
      {
        save: (artifacts) => {
          captured = artifacts;
          return Promise.resolve({
            modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
          });
        },
      },
      { includeOptimizer },
    ),
  );
  const artifacts = captured as tf.io.ModelArtifacts;
  const [{ saveFolder }, platform] = await Promise.all([
    import('./modelFolder'),
    currentPlatform(),
  ]);
  const files = await saveFolder(platform.folderEnv(), resolved.path, artifacts, {
    overwrite: o.overwrite ?? false,
  });
  return { files, weightBytes: weightBytes(artifacts.weightData) };
}

function weightBytes(data: tf.io.WeightData | undefined): number {
  if (data === undefined) return 0;
  return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
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
