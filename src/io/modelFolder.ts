/**
 * Model folders in Node: the TF.js layers format (model.json and weight shards) written so
 * that a user's files are never lost and a reader never sees half of a model.
 *
 * - Shards are named by their content (`group1-shard1of2-<sha256 prefix>.bin`) and written to a
 *   temporary name, synced and renamed: a shard name always means the same bytes.
 * - model.json is replaced last, by one atomic rename: at every instant model.json names a
 *   complete set of shards, old or new. Old shards are removed only after.
 * - A lock file in the folder lets one save run at a time; a second gets a `busy`
 *   ModelFileError. A lock whose process is gone, and temporary or orphaned shards left by a
 *   crashed save, are recognised and removed by the next save.
 * - With `overwrite`, only a folder that holds a TF.js model is replaced, and only the files
 *   its model.json lists are removed; anything else in the folder is an error and nothing is
 *   touched. An empty folder is written into without `overwrite`.
 * - Loading reads only regular files inside the folder, checks sizes (and content hashes where
 *   the names carry them) before reading, and retries when a concurrent save replaced the
 *   model between reading model.json and its shards.
 *
 * Every file system call goes through `Fs`, so tests can make any step fail. Internal.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from './ModelFileError';

export type { Fs, FolderEnv } from '../platform/types';
import type { FolderEnv } from '../platform/types';

/** Shards of at most 4 MiB, as the TF.js converter writes them (browsers cache them well). */
export const SHARD_BYTES = 4 * 1024 * 1024;
/** The largest model.json loadModel reads. */
export const MAX_MODEL_JSON_BYTES = 256 * 1024 * 1024;

const MODEL_JSON = 'model.json';
const LOCK = '.denselab-save.lock';
const HASHED_SHARD = /^group\d+-shard\d+of\d+-([0-9a-f]{16})\.bin$/;
const TEMPORARY =
  /^\.(model\.json|group\d+-shard\d+of\d+-[0-9a-f]{16}\.bin|denselab-save\.lock)\.(\d+)-[0-9a-z]+\.tmp$/;

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  complex64: 8,
};

/** A file system failure as a ModelFileError naming the path and the cause. */
function ioError(fn: string, file: string, err: unknown): ModelFileError {
  if (err instanceof ModelFileError) return err;
  const e = err as NodeJS.ErrnoException;
  const causes: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'a folder is where a file should be',
    EEXIST: 'a file is where a folder should be',
  };
  const cause = causes[e.code ?? ''] ?? e.message;
  return new ModelFileError(fn, 'io', file, `${cause}${e.code ? ` (${e.code})` : ''}`, {
    cause: err,
  });
}

/** The bytes a weight spec takes in the shards, or NaN for a dtype the format does not know. */
export function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const size = BYTES_PER_ELEMENT[spec.quantization?.dtype ?? spec.dtype];
  return size === undefined || spec.dtype === 'string' ? NaN : count * size;
}

// ---------------------------------------------------------------------------------- saving

/** Options of a folder save. */
export interface FolderSave {
  readonly overwrite: boolean;
}

/**
 * Writes `artifacts` into the folder `dir` (see the module comment for what is guaranteed);
 * returns the files of the saved model.
 */
export async function saveFolder(
  env: FolderEnv,
  dir: string,
  artifacts: tf.io.ModelArtifacts,
  { overwrite }: FolderSave,
): Promise<string[]> {
  const fn = 'saveModel';
  const { path } = env;
  const target = path.resolve(dir);
  const created = await makeFolder(env, target);
  let locked = false;
  const written: string[] = [];
  try {
    await lock(env, target);
    locked = true;
    const present = await inspect(env, target, overwrite);
    const data = new Uint8Array(concatenate(artifacts.weightData));
    const shards = shardNames(env, data);
    for (const [name, bytes] of shards) {
      if (present.files.has(name)) continue; // the same name holds the same bytes
      await writeAtomically(env, path.join(target, name), bytes, written);
    }
    const json = modelJson(
      artifacts,
      shards.map(([name]) => name),
    );
    await writeAtomically(env, path.join(target, MODEL_JSON), json, written);
    await syncFolder(env, target);
    // The new model is in place: what the old one listed, and leftovers, can go.
    const keep = new Set([MODEL_JSON, ...shards.map(([name]) => name)]);
    for (const name of [...present.listed, ...present.leftovers]) {
      if (!keep.has(name)) await env.fs.unlink(path.join(target, name)).catch(() => undefined);
    }
    return [...keep].map((name) => path.join(target, name));
  } catch (err) {
    // Nothing changed: remove what this save wrote, and the folder if it made it.
    const model = path.join(target, MODEL_JSON);
    for (const file of written) {
      if (file !== model) await env.fs.unlink(file).catch(() => undefined);
    }
    if (locked) await unlock(env, target);
    locked = false;
    if (created) await env.fs.rmdir(target).catch(() => undefined);
    throw ioError(fn, target, err);
  } finally {
    if (locked) await unlock(env, target);
  }
}

/** Makes the folder (and its parents); true when it did not exist. */
async function makeFolder(env: FolderEnv, target: string): Promise<boolean> {
  try {
    const made = await env.fs.mkdir(target, { recursive: true });
    if (made !== undefined) return true;
    const stat = await env.fs.stat(target);
    if (!stat.isDirectory()) {
      throw new ModelFileError('saveModel', 'io', target, 'is a file, not a folder');
    }
    return false;
  } catch (err) {
    throw ioError('saveModel', target, err);
  }
}

/** The folders this process is saving to now (a lock of ours outside these is stale). */
const saving = new Set<string>();

/** Takes the folder's save lock; a live holder means `busy`, a dead one's lock is removed. */
async function lock(env: FolderEnv, target: string): Promise<void> {
  if (saving.has(target)) {
    throw new ModelFileError(
      'saveModel',
      'busy',
      target,
      'another save of this process is writing this folder; try again when it is done',
    );
  }
  saving.add(target); // claimed in this process before any await
  try {
    await takeLock(env, target, env.path.join(target, LOCK));
  } catch (err) {
    saving.delete(target);
    throw err;
  }
}

/**
 * Creates the lock file, with its holder already in it: written under a temporary name, then
 * hard-linked to the lock's name (atomic, and refused when the lock exists), so no other save
 * ever reads a lock without its holder. A lock left by a process that is gone (or by this one)
 * is replaced.
 */
async function takeLock(env: FolderEnv, target: string, file: string): Promise<void> {
  const temporary = `${file}.${env.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  const handle = await env.fs.open(temporary, 'wx');
  try {
    await handle.writeFile(`${env.pid} ${env.hostname}\n`);
  } finally {
    await handle.close();
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await env.fs.link(temporary, file);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // A lock that is gone by now was released: try again, never remove what may already be
        // the next save's lock.
        const holder = await env.fs.readFile(file, 'utf8').catch(() => undefined);
        if (holder === undefined) continue;
        const [pid, host] = holder.trim().split(' ');
        const ours = Number(pid) === env.pid && host === env.hostname; // left by a failed unlock
        const live = host === env.hostname ? !ours && env.alive(Number(pid)) : holder !== '';
        if (live) {
          throw new ModelFileError(
            'saveModel',
            'busy',
            target,
            `another save (process ${pid ?? '?'} on ${host ?? '?'}) is writing this folder; try again when it is done`,
          );
        }
        await env.fs.unlink(file).catch(() => undefined); // a crashed save's lock
      }
    }
    throw new ModelFileError('saveModel', 'busy', target, 'could not take the save lock');
  } finally {
    await env.fs.unlink(temporary).catch(() => undefined);
  }
}

async function unlock(env: FolderEnv, target: string): Promise<void> {
  saving.delete(target);
  await env.fs.unlink(env.path.join(target, LOCK)).catch(() => undefined);
}

/** What a folder holds: the files its model.json lists, leftovers of crashed saves. */
interface Contents {
  files: Set<string>;
  listed: string[];
  leftovers: string[];
}

/**
 * Checks that the folder may be written: empty, or (with `overwrite`) a TF.js model and
 * nothing else but this library's own leftovers.
 */
async function inspect(env: FolderEnv, target: string, overwrite: boolean): Promise<Contents> {
  const names = (await env.fs.readdir(target)).filter((n) => n !== LOCK);
  const files = new Set(names);
  // A temporary file is a leftover when its process is gone (another process may be taking
  // the lock right now, through a temporary file of its own).
  const leftovers = names.filter((n) => {
    const pid = Number(TEMPORARY.exec(n)?.[2]);
    return Number.isInteger(pid) && (pid === env.pid || !env.alive(pid));
  });
  if (!files.has(MODEL_JSON)) {
    const other = names.find((n) => !TEMPORARY.test(n) && !HASHED_SHARD.test(n));
    if (other !== undefined) {
      throw new ModelFileError(
        'saveModel',
        'foreign',
        target,
        `holds ${JSON.stringify(other)} and no model.json: it is not a model folder, so nothing is written there; choose a new or empty folder`,
      );
    }
    return {
      files,
      listed: [],
      leftovers: [...leftovers, ...names.filter((n) => HASHED_SHARD.test(n))],
    };
  }
  if (!overwrite) {
    throw new ModelFileError(
      'saveModel',
      'exists',
      target,
      'already holds a model; pass { overwrite: true } to replace it',
    );
  }
  const listed = await listedFiles(env, target);
  const other = names.find(
    (n) => n !== MODEL_JSON && !listed.includes(n) && !TEMPORARY.test(n) && !HASHED_SHARD.test(n),
  );
  if (other !== undefined) {
    throw new ModelFileError(
      'saveModel',
      'foreign',
      target,
      `holds ${JSON.stringify(other)}, which its model.json does not list; overwrite replaces only a model's own files, so nothing was changed`,
    );
  }
  const orphans = names.filter((n) => HASHED_SHARD.test(n) && !listed.includes(n));
  return { files, listed, leftovers: [...leftovers, ...orphans] };
}

/** The shard files the folder's model.json lists (it must be a TF.js model's). */
async function listedFiles(env: FolderEnv, target: string): Promise<string[]> {
  const file = env.path.join(target, MODEL_JSON);
  let json: unknown;
  try {
    json = JSON.parse(await env.fs.readFile(file, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new ModelFileError(
        'saveModel',
        'foreign',
        file,
        'is not JSON, so it is not a model to overwrite',
      );
    }
    throw err;
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (typeof json !== 'object' || json === null || !Array.isArray(manifest)) {
    throw new ModelFileError(
      'saveModel',
      'foreign',
      file,
      'is not a TF.js model.json, so it is not a model to overwrite',
    );
  }
  return manifest.flatMap((g: { paths?: unknown }) =>
    Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : [],
  );
}

function concatenate(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** The shards of `data`, each named by its content. */
function shardNames(env: FolderEnv, data: Uint8Array): [string, Uint8Array][] {
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  return Array.from({ length: count }, (_, i) => {
    const bytes = data.subarray(i * SHARD_BYTES, Math.min(data.byteLength, (i + 1) * SHARD_BYTES));
    return [`group1-shard${i + 1}of${count}-${env.sha256(bytes).slice(0, 16)}.bin`, bytes];
  });
}

/**
 * model.json's text. `denselabSaveId` is new for every save, so a reader can tell that the
 * file was replaced even by an identical model (TF.js ignores keys it does not know).
 */
function modelJson(artifacts: tf.io.ModelArtifacts, paths: string[]): Uint8Array {
  const json: tf.io.ModelJSON & { denselabSaveId: string } = {
    denselabSaveId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`,
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
  return new TextEncoder().encode(JSON.stringify(json));
}

/** Writes a file under a temporary name, syncs it and renames it into place. */
async function writeAtomically(
  env: FolderEnv,
  file: string,
  bytes: Uint8Array,
  written: string[],
): Promise<void> {
  const { path } = env;
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${env.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`,
  );
  written.push(temporary);
  const handle = await env.fs.open(temporary, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await env.fs.rename(temporary, file);
  written.push(file);
}

/** Syncs the folder itself, so the renames survive a power cut (where the platform can). */
async function syncFolder(env: FolderEnv, target: string): Promise<void> {
  const handle = await env.fs.open(target, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

// --------------------------------------------------------------------------------- loading

/**
 * How long a load keeps trying while saves replace the model under it (each attempt starts
 * over from the new model.json; only a model replaced again and again for this long fails).
 */
const LOAD_PATIENCE_MS = 10_000;

/**
 * Reads the model in folder `source` (or the model.json file `source`), checking every weights
 * file against the manifest before reading it; retries when a save replaced the model while it
 * read.
 */
export async function loadFolder(env: FolderEnv, source: string): Promise<tf.io.ModelArtifacts> {
  const { path } = env;
  const resolved = path.resolve(source);
  const jsonPath = resolved.endsWith('.json') ? resolved : path.join(resolved, MODEL_JSON);
  const started = Date.now();
  for (;;) {
    const text = await readModelJson(env, jsonPath);
    try {
      return await readModel(env, jsonPath, text);
    } catch (err) {
      // A shard gone because a save replaced model.json meanwhile (every save writes a new
      // saveId, so the text differs): read the new one.
      const replaced =
        err instanceof ModelFileError &&
        err.code === 'missing' &&
        Date.now() - started < LOAD_PATIENCE_MS &&
        (await env.fs.readFile(jsonPath, 'utf8').catch(() => text)) !== text;
      if (!replaced) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
    }
  }
}

async function readModelJson(env: FolderEnv, jsonPath: string): Promise<string> {
  const fn = 'loadModel';
  const stat = await env.fs.stat(jsonPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      throw new ModelFileError(fn, 'missing', jsonPath, 'no such file');
    }
    throw ioError(fn, jsonPath, err);
  });
  if (!stat.isFile()) throw new ModelFileError(fn, 'invalid', jsonPath, 'is not a regular file');
  if (stat.size > MAX_MODEL_JSON_BYTES) {
    throw new ModelFileError(
      fn,
      'invalid',
      jsonPath,
      `is ${stat.size} bytes; a model.json is at most ${MAX_MODEL_JSON_BYTES}`,
    );
  }
  return env.fs.readFile(jsonPath, 'utf8').catch((err: unknown) => {
    throw ioError(fn, jsonPath, err);
  });
}

/** One shard to read: where it is, its size, and the hash its name promises. */
interface Shard {
  file: string;
  name: string;
  size: number;
}

async function readModel(
  env: FolderEnv,
  jsonPath: string,
  text: string,
): Promise<tf.io.ModelArtifacts> {
  const json = parseModelJson(jsonPath, text);
  const dir = env.path.dirname(jsonPath);
  const root = await env.fs.realpath(dir).catch((err: unknown) => {
    throw ioError('loadModel', dir, err);
  });
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: Shard[] = [];
  for (const group of json.weightsManifest) {
    const expected = groupBytes(jsonPath, group.weights);
    const files = await Promise.all(group.paths.map((p) => shardFile(env, jsonPath, root, p)));
    const actual = files.reduce((n, f) => n + f.size, 0);
    if (actual !== expected) {
      const last = files.at(-1);
      throw new ModelFileError(
        'loadModel',
        actual < expected ? 'truncated' : 'oversized',
        files.length === 1 && last !== undefined ? last.file : dir,
        `${group.paths.join(', ')} hold ${actual} bytes but ${env.path.basename(jsonPath)} describes ${expected} bytes of weights`,
      );
    }
    specs.push(...group.weights);
    shards.push(...files);
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs: specs,
    weightData: await readShards(env, shards),
    ...(json.trainingConfig != null ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata != null ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

/** model.json's fields, checked for the shapes this loader relies on. */
function parseModelJson(jsonPath: string, text: string): tf.io.ModelJSON {
  const bad = (why: string): ModelFileError =>
    new ModelFileError('loadModel', 'invalid', jsonPath, why);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  const j = json as Partial<tf.io.ModelJSON> | null;
  if (
    typeof j !== 'object' ||
    j === null ||
    typeof j.modelTopology !== 'object' ||
    j.modelTopology === null
  ) {
    throw bad('has no modelTopology; expected a TF.js layers model.json');
  }
  if (!Array.isArray(j.weightsManifest)) throw bad('has no weightsManifest');
  j.weightsManifest.forEach((g: unknown, i) => {
    const group = g as { paths?: unknown; weights?: unknown } | null;
    if (typeof group !== 'object' || group === null)
      throw bad(`weightsManifest[${i}] is not an object`);
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) {
      throw bad(`weightsManifest[${i}].paths is not a list of file names`);
    }
    if (!Array.isArray(group.weights)) throw bad(`weightsManifest[${i}].weights is not a list`);
    group.weights.forEach((w: unknown, k) => {
      const spec = w as Partial<tf.io.WeightsManifestEntry> | null;
      const shapeOk =
        Array.isArray(spec?.shape) && spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
      if (typeof spec?.name !== 'string' || !shapeOk || typeof spec.dtype !== 'string') {
        throw bad(
          `weightsManifest[${i}].weights[${k}] is not a weight entry { name, shape, dtype }`,
        );
      }
    });
  });
  return j as tf.io.ModelJSON;
}

function groupBytes(jsonPath: string, weights: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of weights) {
    const bytes = specBytes(spec);
    if (!Number.isFinite(bytes)) {
      throw new ModelFileError(
        'loadModel',
        'invalid',
        jsonPath,
        `weight ${spec.name} has an unsupported dtype ${spec.dtype}`,
      );
    }
    total += bytes;
  }
  return total;
}

/**
 * A shard path of the manifest as a file: a plain relative name that stays in the folder (no
 * `..`, absolute path, URL, or link leading out) and is a regular file (not a FIFO or a device).
 */
async function shardFile(
  env: FolderEnv,
  jsonPath: string,
  root: string,
  p: string,
): Promise<Shard> {
  const { path } = env;
  const outside = (why: string): ModelFileError =>
    new ModelFileError(
      'loadModel',
      'invalid',
      jsonPath,
      `lists the weights path ${JSON.stringify(p)}, ${why}; weights files must be in the model's folder`,
    );
  if (p === '' || p.includes('\0') || p.includes('\\')) throw outside('which is not a file name');
  if (/^[a-z][a-z0-9+.-]*:/i.test(p)) throw outside('which is a URL');
  if (path.isAbsolute(p)) throw outside('which is absolute');
  if (p.split('/').some((part) => part === '..')) throw outside('which leaves the folder');
  const file = path.join(path.dirname(jsonPath), p);
  const real = await env.fs.realpath(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') {
      throw new ModelFileError(
        'loadModel',
        'missing',
        file,
        `weights shard listed in ${path.basename(jsonPath)} is missing`,
      );
    }
    throw ioError('loadModel', file, err);
  });
  if (!real.startsWith(root + path.sep)) throw outside(`which leads out of it (to ${real})`);
  const stat = await env.fs.stat(real).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') {
      throw new ModelFileError('loadModel', 'missing', file, 'weights shard is missing');
    }
    throw ioError('loadModel', file, err);
  });
  if (!stat.isFile())
    throw new ModelFileError('loadModel', 'invalid', file, 'is not a regular file');
  return { file, name: path.basename(p), size: stat.size };
}

/** The shards' bytes in one buffer; a name that carries a content hash must match it. */
async function readShards(env: FolderEnv, shards: Shard[]): Promise<ArrayBuffer> {
  const out = new Uint8Array(shards.reduce((n, s) => n + s.size, 0));
  let at = 0;
  for (const shard of shards) {
    const bytes = await env.fs.readFile(shard.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        throw new ModelFileError('loadModel', 'missing', shard.file, 'weights shard is missing');
      }
      throw ioError('loadModel', shard.file, err);
    });
    if (bytes.byteLength !== shard.size) {
      throw new ModelFileError('loadModel', 'missing', shard.file, 'changed while it was read');
    }
    const hash = HASHED_SHARD.exec(shard.name)?.[1];
    if (hash !== undefined && env.sha256(bytes).slice(0, 16) !== hash) {
      throw new ModelFileError(
        'loadModel',
        'invalid',
        shard.file,
        'does not hold the bytes its name was given for (the file was changed)',
      );
    }
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  return out.buffer;
}
