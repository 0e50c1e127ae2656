/**
 * Worker threads for the dense engine: each worker instantiates the engine's module on the same
 * shared WebAssembly.Memory and runs the tile calls the main thread writes into its command
 * block, while the main thread runs its own share. Handover is one Atomics counter each way;
 * workers spin briefly before they sleep, since during training the next job comes within
 * microseconds. Internal.
 */
import { NoAnswer, withinBound } from '../core/bound';
import { currentPlatform } from '../platform';
import type { TileCall } from '../wasm/gemm';

/** Int32 words in each worker's command block. */
export const COMMAND_WORDS = 16_384;

// Command block words: the job number the main thread posts, the one the worker finished (-1
// on failure), the number of calls, then the calls: function index, argument count, arguments.
const SEQ = 0;
const DONE = 1;
const COUNT = 2;
const FIRST = 3;
const STOP = -1;

/**
 * The worker's program, as text (it runs from a string, so no bundler needs to find a file).
 * `host` is the preamble that defines `start(handler)` for Node or for browsers.
 */
function workerSource(host: string): string {
  return `${host}
start(function (data) {
  var exports = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports;
  var fns = data.names.map(function (n) { return exports[n]; });
  var ctrl = new Int32Array(data.memory.buffer, data.base, ${COMMAND_WORDS});
  var seen = 0;
  return function loop() {
    for (;;) {
      var s = Atomics.load(ctrl, ${SEQ});
      for (var spins = 0; s === seen; spins++) {
        if (spins < data.spin) s = Atomics.load(ctrl, ${SEQ});
        else { Atomics.wait(ctrl, ${SEQ}, seen, 1000); s = Atomics.load(ctrl, ${SEQ}); }
      }
      seen = s;
      if (s === ${STOP}) return;
      try {
        var count = ctrl[${COUNT}], p = ${FIRST};
        for (var c = 0; c < count; c++) {
          var n = ctrl[p + 1];
          fns[ctrl[p]].apply(null, ctrl.subarray(p + 2, p + 2 + n));
          p += 2 + n;
        }
        Atomics.store(ctrl, ${DONE}, seen);
      } catch (e) {
        var text = String((e && e.message) || e).slice(0, 2000);
        ctrl[${FIRST}] = text.length;
        for (var i = 0; i < text.length; i++) ctrl[${FIRST} + 1 + i] = text.charCodeAt(i);
        Atomics.store(ctrl, ${DONE}, -1);
      }
      Atomics.notify(ctrl, ${DONE});
    }
  };
});`;
}

/** A started worker, as the pool sees it. */
interface WorkerHandle {
  ctrl: Int32Array;
  stop(): void;
}

/** A worker being started: `ready` settles once it answers (or fails to start). */
interface Starting extends WorkerHandle {
  ready: Promise<void>;
}

/** No calls. */
const NONE: readonly TileCall[] = [];

/** How long a worker may take to start and answer, in milliseconds. */
export const WORKER_START_MS = 10_000;

/** The engine's worker threads. */
export class ThreadPool {
  private seq = 0;
  private constructor(
    private readonly workers: WorkerHandle[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly canWait: boolean,
  ) {}

  /** Worker threads besides the caller's. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Starts `count` workers on `memory` (shared) with the module's exports `names`; their
   * command blocks start at byte `base`, `COMMAND_WORDS` words each. Rejects with the reason
   * when workers cannot run here, or when one does not answer within `boundMs` (the workers
   * started so far are stopped). `host` replaces the worker's start-up code (tests only).
   */
  static async start(
    count: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    base: number,
    names: readonly string[],
    boundMs = WORKER_START_MS,
    host?: string,
  ): Promise<ThreadPool> {
    const platform = await currentPlatform();
    const source = workerSource(host ?? platform.workerHost);
    const spawn = (data: WorkerData): Starting => ({
      ctrl: new Int32Array(data.memory.buffer, data.base, COMMAND_WORDS),
      ...platform.startWorker(source, data),
    });
    const workers: WorkerHandle[] = [];
    try {
      for (let w = 0; w < count; w++) {
        const at = base + w * COMMAND_WORDS * 4;
        new Int32Array(memory.buffer, at, COMMAND_WORDS).fill(0);
        const worker = spawn({ module, memory, base: at, names, spin: 20_000 });
        workers.push(worker);
        await withinBound(worker.ready, boundMs, `worker thread ${w + 1} of ${count}`);
      }
    } catch (err) {
      for (const w of workers) w.stop();
      if (err instanceof NoAnswer) {
        throw new Error(
          `${err.message} (a page's Content-Security-Policy may block blob: workers, or the machine is overloaded)`,
        );
      }
      throw err;
    }
    return new ThreadPool(workers, new Map(names.map((n, i) => [n, i])), platform.mainThreadWaits);
  }

  /**
   * Runs `perThread[0]` here (with `own`) while worker w runs `perThread[w + 1]`, and returns
   * when all are done; a failure in a worker is thrown here with its message. Allocates
   * nothing.
   */
  run(
    perThread: readonly (readonly TileCall[])[],
    own: (calls: readonly TileCall[]) => void,
  ): void {
    this.seq++;
    for (let w = 0; w < this.workers.length; w++) {
      this.post(this.workers[w] as WorkerHandle, perThread[w + 1] ?? NONE);
    }
    own(perThread[0] ?? NONE);
    for (let w = 0; w < this.workers.length; w++) this.wait(this.workers[w] as WorkerHandle);
  }

  private post(w: WorkerHandle, calls: readonly TileCall[]): void {
    const { ctrl } = w;
    let p = FIRST;
    for (let c = 0; c < calls.length; c++) {
      const call = calls[c] as TileCall;
      const fn = this.index.get(call.fn);
      if (fn === undefined) throw new Error(`dense engine: no function ${call.fn}`);
      if (p + 2 + call.args.length > COMMAND_WORDS)
        throw new Error('dense engine: command block full');
      ctrl[p] = fn;
      ctrl[p + 1] = call.args.length;
      ctrl.set(call.args, p + 2);
      p += 2 + call.args.length;
    }
    ctrl[COUNT] = calls.length;
    Atomics.store(ctrl, SEQ, this.seq);
    Atomics.notify(ctrl, SEQ);
  }

  private wait(w: WorkerHandle): void {
    const { ctrl } = w;
    let started = 0; // read only once spinning is over (Date.now's number is an allocation)
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(ctrl, DONE);
      if (done === this.seq) return;
      if (done === -1) {
        const length = ctrl[FIRST] as number;
        const text = String.fromCharCode(...ctrl.subarray(FIRST + 1, FIRST + 1 + length));
        throw new Error(`dense engine: a worker thread failed: ${text}`);
      }
      if (spins > 20_000) {
        if (started === 0) started = Date.now();
        if (this.canWait) Atomics.wait(ctrl, DONE, done, 5);
        if (Date.now() - started > 60_000) {
          throw new Error('dense engine: a worker thread stopped answering');
        }
      }
    }
  }

  /** Stops the workers. */
  dispose(): void {
    for (const w of this.workers) {
      Atomics.store(w.ctrl, SEQ, STOP);
      Atomics.notify(w.ctrl, SEQ);
      w.stop();
    }
    this.workers.length = 0;
  }
}

interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  base: number;
  names: readonly string[];
  spin: number;
}
