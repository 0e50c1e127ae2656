import type * as FsPromises from 'node:fs/promises';
import type * as NodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from './ModelFileError';

/** Shards of at most 4 MiB, as the TF.js converter writes them (browsers cache them well). */
export const SHARD_BYTES = 4 * 1024 * 1024;

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  float16: 2,
  complex64: 8,
};

type WeightsManifestEntry = tf.io.WeightsManifestEntry;

/** The bytes a weight spec takes in the weights files. */
function specBytes(spec: WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size = BYTES_PER_ELEMENT[dtype];
  if (size === undefined || spec.dtype === 'string') return NaN;
  return count * size;
}

async function node(): Promise<{
  fs: typeof FsPromises;
  path: typeof NodePath;
}> {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

/**
 * An IOHandler that writes model.json and 4 MiB weight shards into a new folder `dir`, through
 * a temporary sibling folder renamed into place, so a crash mid-save never leaves a folder that
 * loads as another model.
 */
export function folderSaveHandler(
  dir: string,
  overwrite: boolean,
  files: string[],
): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const { fs, path } = await node();
      const target = path.resolve(dir);
      const exists = await fs
        .stat(target)
        .then(() => true)
        .catch(() => false);
      if (exists && !overwrite) {
        throw new ModelFileError(
          'saveModel',
          'exists',
          target,
          'already exists; pass { overwrite: true } to replace it',
        );
      }
      const parent = path.dirname(target);
      await fs.mkdir(parent, { recursive: true });
      const data = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData ?? []));
      const tmp = await fs.mkdtemp(path.join(parent, `.${path.basename(target)}.saving-`));
      try {
        const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
        const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
        for (let i = 0; i < count; i++) {
          const shard = data.subarray(
            i * SHARD_BYTES,
            Math.min(data.byteLength, (i + 1) * SHARD_BYTES),
          );
          await writeSynced(fs, path.join(tmp, paths[i] as string), shard);
        }
        const modelJson: tf.io.ModelJSON = {
          modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
          ...(artifacts.userDefinedMetadata
            ? { userDefinedMetadata: artifacts.userDefinedMetadata }
            : {}),
        };
        await writeSynced(
          fs,
          path.join(tmp, 'model.json'),
          new TextEncoder().encode(JSON.stringify(modelJson)),
        );
        if (exists) {
          const old = `${tmp}-old`;
          await fs.rename(target, old);
          await fs.rename(tmp, target);
          await fs.rm(old, { recursive: true, force: true });
        } else {
          await fs.rename(tmp, target);
        }
        files.push(...['model.json', ...paths].map((f) => path.join(target, f)));
      } catch (err) {
        await fs.rm(tmp, { recursive: true, force: true });
        throw err;
      }
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: data.byteLength,
        },
      };
    },
  };
}

async function writeSynced(fs: typeof FsPromises, file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * An IOHandler that reads a folder (or a model.json path) written by {@link folderSaveHandler}
 * or by the TF.js converter / tfjs-node, checking every weights file against the manifest
 * before any tensor is made.
 */
export function folderLoadHandler(source: string): tf.io.IOHandler {
  return {
    load: async () => {
      const { fs, path } = await node();
      const resolved = path.resolve(source);
      const isJson = resolved.endsWith('.json');
      const jsonPath = isJson ? resolved : path.join(resolved, 'model.json');
      const dir = path.dirname(jsonPath);
      const text = await fs.readFile(jsonPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
          throw new ModelFileError('loadModel', 'missing', jsonPath, 'no such file');
        }
        throw err;
      });
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (err) {
        throw new ModelFileError(
          'loadModel',
          'invalid',
          jsonPath,
          `not JSON (${(err as Error).message})`,
        );
      }
      if (typeof json !== 'object' || json === null || json.modelTopology == null) {
        throw new ModelFileError(
          'loadModel',
          'invalid',
          jsonPath,
          'has no modelTopology; expected a TF.js layers model.json',
        );
      }
      if (!Array.isArray(json.weightsManifest)) {
        throw new ModelFileError('loadModel', 'invalid', jsonPath, 'has no weightsManifest');
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: WeightsManifestEntry[] = [];
        const buffers: Uint8Array[] = [];
        for (const group of manifest) {
          let expected = 0;
          for (const spec of group.weights) {
            const bytes = specBytes(spec);
            if (!Number.isFinite(bytes)) {
              throw new ModelFileError(
                'loadModel',
                'invalid',
                jsonPath,
                `weight ${spec.name} has an unsupported dtype ${spec.dtype}`,
              );
            }
            expected += bytes;
          }
          let actual = 0;
          const groupBuffers: Uint8Array[] = [];
          for (const p of group.paths) {
            const file = path.join(dir, p);
            const buf = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
              if (err.code === 'ENOENT') {
                throw new ModelFileError(
                  'loadModel',
                  'missing',
                  file,
                  `weights shard listed in ${path.basename(jsonPath)} is missing`,
                );
              }
              throw err;
            });
            actual += buf.byteLength;
            groupBuffers.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
          }
          if (actual !== expected) {
            const names = group.paths.join(', ');
            const file = path.join(dir, group.paths[group.paths.length - 1] ?? '');
            throw new ModelFileError(
              'loadModel',
              actual < expected ? 'truncated' : 'oversized',
              group.paths.length === 1 ? file : dir,
              `${names} hold ${actual} bytes but ${path.basename(jsonPath)} describes ${expected} bytes of weights`,
            );
          }
          specs.push(...group.weights);
          buffers.push(...groupBuffers);
        }
        // One copy of every shard, into the single buffer tfjs decodes.
        const total = buffers.reduce((n, b) => n + b.byteLength, 0);
        const weightData = new Uint8Array(total);
        let offset = 0;
        for (const b of buffers) {
          weightData.set(b, offset);
          offset += b.byteLength;
        }
        return [specs, weightData.buffer];
      });
    },
  };
}
