import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runsWith } from '../helpers';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const hasSwiftShader =
  existsSync(SWIFTSHADER) && existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1');

interface Evaluation {
  lossSum: number;
  correct: number;
}
interface Compared {
  name: string;
  steps: number;
  lossGap: number;
  weightsGap: number;
  evaluation: [Evaluation, Evaluation];
}
interface Run {
  losses: (number | null)[];
  flagged: boolean[];
  state: number[];
}
interface Rollback {
  wasm: Run;
  gpu: Run;
  weightsGap: number;
  gapToWasmCurrent: number;
  weightsFinite: boolean;
}
interface Report {
  cases: Compared[];
  counts: { steps: number; finite: number; dispatches: number; submits: number; readBacks: number };
  rerun: boolean;
  rollback: Record<'infinite target' | 'infinite input', Rollback>;
  rejected: string;
  tooLarge: string;
  afterRefusal: number;
}

/** A fixture in its own process, on SwiftShader (Dawn's adapter search is per process). */
function runFixture<T>(name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fixture(name)],
      {
        env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER },
        timeout: 400_000,
        killSignal: 'SIGKILL',
        maxBuffer: 1 << 22,
      },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`fixture failed (${err.message}); stderr: ${stderr.slice(-3000)}`));
        else resolve(JSON.parse(stdout) as T);
      },
    );
  });
}

const withSwiftShader = runsWith(
  "the WebGPU device's tests",
  "libvulkan1 and Debian's chromium (SwiftShader)",
  hasSwiftShader,
);

describe.runIf(withSwiftShader)("the dense engine's WebGPU device, beside its wasm engine", () => {
  let report: Report;
  beforeAll(async () => {
    report = await runFixture<Report>('compare');
  }, 420_000);

  // 9 optimizers, 8 hidden and 8 output activations, 3 losses (see the fixture's cases)
  it('matches the wasm engine step by step for every optimizer, activation and loss', () => {
    expect(report.cases).toHaveLength(14);
    for (const c of report.cases) {
      expect.soft(c.steps, c.name).toBe(50);
      // losses within 1e-4 relative over 50 steps of 32; weights after an epoch more
      expect.soft(c.lossGap, c.name).toBeLessThan(1e-4);
      expect.soft(c.weightsGap, c.name).toBeLessThan(1e-4);
      const [wasm, gpu] = c.evaluation;
      expect.soft(Math.abs(gpu.lossSum - wasm.lossSum) / wasm.lossSum, c.name).toBeLessThan(1e-4);
      expect.soft(Math.abs(gpu.correct - wasm.correct), c.name).toBeLessThanOrEqual(1);
    }
  });

  it("runs the notes' network at batch 32 in 10 dispatches a step, sharing submits, with no read-back between collects", () => {
    const { steps, finite, dispatches, submits, readBacks } = report.counts;
    expect(finite).toBe(steps);
    // 3 products forward, the loss, 5 products backward, the update
    expect(dispatches).toBe(10);
    expect(dispatches).toBeLessThanOrEqual(16);
    expect(submits).toBeLessThanOrEqual(1);
    // one read-back: the collect after the 10 steps
    expect(readBacks * steps).toBe(1);
  });

  it('fails loudly when the device rejects its work, instead of reporting the zeros nothing wrote', () => {
    expect(report.rejected).toMatch(/^the WebGPU device rejected the engine's work: .*destroyed/i);
  });

  it('refuses a data set larger than the device allows before making anything, and goes on working', () => {
    expect(report.tooLarge).toMatch(
      /^a data set of 20000000 rows of 20 floats \(1526 MiB\) is larger than this WebGPU device's largest buffer \(\d+ MiB\)$/,
    );
    expect(report.afterRefusal).toBeLessThan(1e-4);
  });

  it('gives the same bits when a seeded run is repeated on the same device', () => {
    expect(report.rerun).toBe(true);
  });

  it('stops at a step whose loss is infinite and rolls back to the weights and state before it, as the wasm engine does', () => {
    const r = report.rollback['infinite target'];
    expect(r.wasm.losses.slice(0, 3).every((l) => l !== null)).toBe(true);
    expect(r.wasm.losses[3]).toBeNull(); // JSON's Infinity
    // the GPU's steps after the 4th did nothing and report NaN
    expect(r.gpu.losses.slice(3)).toEqual([null, null, null]);
    expect(r.gpu.state).toEqual(r.wasm.state);
    expect(r.weightsGap).toBeLessThan(1e-5);
  });

  it('flags an update that leaves NaN weights under a finite loss, and undoes that update', () => {
    const r = report.rollback['infinite input'];
    expect(r.weightsFinite).toBe(true);
    const at = r.gpu.losses.findIndex((l) => l === null);
    expect(at).toBe(3);
    if (r.gpu.flagged[3] === true) {
      // the loss was finite (max(NaN, 0) gave 0) but the weights were not: the weights after
      // the 3 good updates and this one undone are the wasm engine's before its own rollback
      expect(r.gapToWasmCurrent).toBeLessThan(1e-5);
    } else {
      // the loss itself was NaN, as on the wasm engine
      expect(r.weightsGap).toBeLessThan(1e-5);
    }
  });
});

interface Training {
  path: { engine: string; device: string; reason: string; threads: number };
  history: Record<'loss' | 'accuracy' | 'val_loss' | 'val_accuracy', number[]>;
  weights: number[][];
  iterations: number;
}
interface FitReport {
  gpuFastest: Training;
  wasmFastest: Training;
  forcedGpu: Training;
  forcedWasm: Training;
  measured: Training;
  diverged: { error: string; message: string; finite: boolean };
  numTensors: number;
}

describe.runIf(withSwiftShader)("fitClassifier on tfjs' webgpu backend (SwiftShader)", () => {
  let r: FitReport;
  beforeAll(async () => {
    r = await runFixture<FitReport>('fit');
  }, 420_000);

  const figures = (engine: string, webgpu: string, tfjs: string): string =>
    `timed 8 steps of batch 16 before training: the dense engine ${engine} ms a step, the engine's WebGPU device ${webgpu} ms, tfjs' webgpu backend ${tfjs} ms, so `;

  it('times the engine, its WebGPU device and tfjs, and trains on the fastest, naming all three figures', () => {
    expect(r.gpuFastest.path).toMatchObject({ engine: 'dense', device: 'webgpu', threads: 1 });
    expect(
      r.gpuFastest.path.reason.startsWith(
        `${figures('5.00', '1.00', '9.00')}the engine's WebGPU device trains (a stack of 3 Dense layers`,
      ),
    ).toBe(true);
    expect(r.wasmFastest.path.device).toBe('wasm');
    expect(
      r.wasmFastest.path.reason.startsWith(`${figures('1.00', '5.00', '9.00')}the engine trains`),
    ).toBe(true);
    expect(r.measured.path.reason).toMatch(
      /^timed 8 steps of batch 16 before training: the dense engine \d+\.\d\d ms a step, the engine's WebGPU device \d+\.\d\d ms, tfjs' webgpu backend \d+\.\d\d ms, so /,
    );
  });

  it('trains on the WebGPU device as on the wasm engine (losses and weights within 1e-4), and the timing leaves no trace', () => {
    expect(r.forcedGpu.path.reason).toMatch(/^engine: 'webgpu' was asked for; /);
    expect(r.forcedWasm.path.reason).toMatch(/^engine: 'wasm' was asked for; /);
    for (const run of [r.gpuFastest, r.forcedGpu]) {
      for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
        run.history[key].forEach((v, i) => {
          const w = r.forcedWasm.history[key][i] as number;
          expect(Math.abs(v - w)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(w)));
        });
      }
      run.weights.forEach((tensor, t) =>
        tensor.forEach((v, i) =>
          expect(Math.abs(v - (r.forcedWasm.weights[t]?.[i] as number))).toBeLessThan(1e-4),
        ),
      );
      expect(run.iterations).toBe(10);
    }
    // the timed runs equal the untimed ones: the timing steps were undone
    expect(r.gpuFastest.history).toEqual(r.forcedGpu.history);
    expect(r.wasmFastest.history).toEqual(r.forcedWasm.history);
    expect(r.numTensors).toBe(0);
  });

  it('stops with NonFiniteLossError when an update leaves weights that are not finite, the model keeping finite ones', () => {
    expect(r.diverged.error).toBe('NonFiniteLossError');
    expect(r.diverged.message).toMatch(/strictly, the weights stopped being finite/);
    expect(r.diverged.finite).toBe(true);
  });
});
