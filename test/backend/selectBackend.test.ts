import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { runsWith } from '../helpers';
import { selectBackend, type BackendSelection } from '../../src';

const fixture = fileURLToPath(new URL('./fixtures/select.ts', import.meta.url));
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const hasSwiftShader =
  existsSync(SWIFTSHADER) && existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1');

interface ChildResult extends Pick<BackendSelection, 'backend' | 'attempts' | 'forcedBy'> {
  losses?: number[];
  engine?: string;
  reason?: string;
  cpuLosses?: number[];
}

/** Runs the fixture in a new Node process; rejects if it does not exit by itself in time. */
function runChild(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fixture, ...args],
      {
        env: { ...process.env, ...env },
        timeout: 120_000,
        killSignal: 'SIGKILL',
        maxBuffer: 1 << 20,
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`child failed (${err.message}); stderr: ${stderr.slice(-2000)}`));
        else resolve(JSON.parse(stdout) as ChildResult);
      },
    );
  });
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('selectBackend in this process', () => {
  it('starts what it is asked for, checking it, and reports each attempt', async () => {
    const s = await selectBackend({ prefer: ['webgl', 'cpu'], envVar: false });
    expect(s.platform).toBe('node');
    expect(s.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(s.attempts).toEqual([
      { backend: 'webgl', chosen: false, reason: 'WebGL needs a browser' },
      { backend: 'cpu', chosen: true, reason: 'plain JavaScript, the slowest' },
    ]);
    expect(s.summary).toBe(
      'webgl: skipped, WebGL needs a browser\ncpu: chosen, plain JavaScript, the slowest',
    );
  });

  it('rejects unknown names and a bad forcing variable', async () => {
    await expect(selectBackend({ prefer: ['tpu' as never], envVar: false })).rejects.toThrow(
      /^selectBackend: prefer\[0\] is "tpu"; expected one of 'webgpu', 'webgl', 'wasm' or 'cpu'/,
    );
    await expect(selectBackend({ prefer: [], envVar: false })).rejects.toThrow(
      /^selectBackend: prefer is \[\]/,
    );
    process.env.DENSELAB_TEST_BACKEND = 'gpu';
    await expect(selectBackend({ envVar: 'DENSELAB_TEST_BACKEND' })).rejects.toThrow(
      /^selectBackend: DENSELAB_TEST_BACKEND is "gpu"; expected one of webgpu, webgl, wasm, cpu/,
    );
    process.env.DENSELAB_TEST_BACKEND = 'webgl';
    await expect(selectBackend({ envVar: 'DENSELAB_TEST_BACKEND' })).rejects.toThrow(
      /^selectBackend: DENSELAB_TEST_BACKEND=webgl forced a backend that did not start:\nwebgl: skipped, WebGL needs a browser/,
    );
    delete process.env.DENSELAB_TEST_BACKEND;
  });

  it('rejects options of the wrong type before touching any backend or kernel', async () => {
    const backend = tf.getBackend();
    const kernel = tf.getKernel('BatchMatMul', 'cpu');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ fastKernels: 'yes' }, /^selectBackend: fastKernels is "yes"; expected true or false/],
      [
        { allowSoftwareAdapter: 1 },
        /^selectBackend: allowSoftwareAdapter is 1; expected true or false/,
      ],
      [{ envVar: 42 }, /^selectBackend: envVar is 42; expected a variable name or false/],
      [{ envVar: '' }, /^selectBackend: envVar is ""; expected a non-empty string/],
      [{ prefered: ['cpu'] }, /^selectBackend: unknown option "prefered"; did you mean "prefer"\?/],
      [{ prefer: 'cpu' }, /^selectBackend: prefer is "cpu"; expected a list of backends/],
      [{ wasmPaths: 3 }, /^selectBackend: wasmPaths is 3; expected a URL prefix string/],
      [{ startTimeout: '5s' }, /^selectBackend: startTimeout is "5s"; expected an integer >= 1/],
      [{ startTimeout: 0 }, /^selectBackend: startTimeout is 0; expected an integer >= 1/],
      [
        { timeout: 5000 },
        /^selectBackend: unknown option "timeout": use startTimeout: the milliseconds each backend may take to start/,
      ],
    ];
    for (const [options, message] of cases) {
      await expect(selectBackend({ prefer: ['cpu'], ...options } as never)).rejects.toThrow(
        message,
      );
    }
    expect(tf.getBackend()).toBe(backend);
    expect(tf.getKernel('BatchMatMul', 'cpu')).toBe(kernel);
  });
});

describe('selectBackend in a fresh Node process', () => {
  it('without a usable WebGPU adapter picks wasm, says why webgpu was skipped, and exits', async () => {
    const r = await runChild([], { VK_ICD_FILENAMES: '/nonexistent.json' });
    expect(r.backend).toBe('wasm');
    expect(r.attempts[0]).toMatchObject({ backend: 'webgpu', chosen: false });
    expect(r.attempts[0]!.reason).toMatch(/found no adapter|not installed/);
    expect(r.attempts[1]).toEqual({ backend: 'wasm', chosen: true, reason: 'started and checked' });
  });

  it('follows DENSELAB_BACKEND', async () => {
    const r = await runChild([], { DENSELAB_BACKEND: 'cpu' });
    expect(r.backend).toBe('cpu');
    expect(r.forcedBy).toBe('DENSELAB_BACKEND=cpu');
    expect(r.attempts).toHaveLength(1);
  });

  // SwiftShader comes with Debian's chromium package, which CI installs: there these run, and
  // fail if it is missing. Elsewhere they run when it is there.
  const withSwiftShader = runsWith(
    'selectBackend on SwiftShader',
    "libvulkan1 and Debian's chromium (SwiftShader)",
    hasSwiftShader,
  );
  const vk = { VK_ICD_FILENAMES: SWIFTSHADER };

  it.runIf(withSwiftShader)(
    'skips the SwiftShader adapter by default, naming it, and picks wasm',
    async () => {
      const r = await runChild([], vk);
      expect(r.backend).toBe('wasm');
      expect(r.attempts[0]!.reason).toMatch(
        /^software adapter skipped \(.*swiftshader.*\(software\)\): slower than wasm on a CPU; pass allowSoftwareAdapter/i,
      );
      expect(r.attempts[0]!.adapter).toMatchObject({ software: true });
    },
  );

  it.runIf(withSwiftShader)(
    'with software allowed, trains on WebGPU with the same numbers as the cpu backend, and exits by itself',
    async () => {
      const r = await runChild(['train-software'], vk);
      expect(r.backend).toBe('webgpu');
      expect(r.attempts[0]).toMatchObject({ backend: 'webgpu', chosen: true });
      expect(r.losses).toHaveLength(3);
      // On WebGPU fitClassifier timed the engine, its WebGPU device and tfjs and trained on the
      // fastest; either way the numbers are the cpu run's (on the engine).
      expect(r.reason).toMatch(
        /^timed \d+ steps of batch 8 before training: the dense engine [\d.]+ ms a step, the engine's WebGPU device [\d.]+ ms, tfjs' webgpu backend [\d.]+ ms, so /,
      );
      expect(r.engine).toBe(
        /so (the engine|the engine's WebGPU device) trains/.test(r.reason!) ? 'dense' : 'tfjs',
      );
      // float32 on two backends: sums run in a different order; 1e-4 relative is ample.
      r.losses!.forEach((loss, i) => {
        expect(Math.abs(loss - r.cpuLosses![i]!) / r.cpuLosses![i]!).toBeLessThan(1e-4);
      });
    },
  );

  it.runIf(withSwiftShader)('works from the CommonJS build too, and exits by itself', async () => {
    const dist = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url));
    const script = [
      `const d = require(${JSON.stringify(dist)});`,
      "const tf = require('@tensorflow/tfjs-core');",
      'd.selectBackend({ allowSoftwareAdapter: true }).then(async (s) => {',
      '  const v = await tf.square(tf.tensor1d([1, 2, 3])).data();',
      '  d.releaseBackend();',
      '  process.stdout.write(JSON.stringify({ backend: s.backend, v: Array.from(v) }));',
      '});',
    ].join('\n');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', script],
        { env: { ...process.env, ...vk }, timeout: 60_000, killSignal: 'SIGKILL' },
        (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)),
      );
    });
    expect(JSON.parse(stdout)).toEqual({ backend: 'webgpu', v: [1, 4, 9] });
  });
});
