// denselab prints nothing it was not asked to print: a script's output is exactly its own.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runsWith } from '../helpers';

const index = new URL('../../src/index.ts', import.meta.url).pathname;

/** Runs a script, returning stdout and stderr separately. */
function runBoth(
  body: string,
  env: Record<string, string> = {},
  wrap: string[] = [],
): { stdout: string; stderr: string } {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import * as d from ${JSON.stringify(index)};
    ${body}
  `;
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  const [cmd, ...args] = [...wrap, ...node] as [string, ...string[]];
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, DENSELAB_BACKEND: '', ...env },
  });
  if (r.status !== 0) throw new Error(`script failed: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

const TRAIN = `
  const x = tf.tensor2d(Array.from({ length: 32 }, (_, i) => (i % 7) / 7), [8, 4]);
  const y = d.toCategorical([0, 1, 2, 0, 1, 2, 0, 1], 3);
  const model = d.buildDenseClassifier({ inputSize: 4, hiddenUnits: [4], numClasses: 3, seed: 1 });
  await d.fitClassifier(model, { x, y }, { epochs: 2, verbose: 0 });
  await d.fitLinear([0, 1, 2], [1, 3, 5], { engine: 'tfjs' });
  d.polyfitBaseline([0, 1, 2], [1, 3, 5]);
`;

describe('quiet by default', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`on ${backend}: selectBackend, training, fitting print nothing (no tfjs-node advert)`, () => {
      const { stdout, stderr } = runBoth(`
        console.log('start');
        const s = await d.selectBackend({ prefer: ['${backend}'] });
        console.log(s.backend);
        ${TRAIN}
        console.log('done');
      `);
      expect(stdout).toBe(`start\n${backend}\ndone\n`);
      expect(stderr).toBe('');
    });
  }
});

// Dawn's adapter search, on three kinds of machine, hidden from or shown to the test process.
const LOADER = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const canHide = spawnSync('unshare', ['-m', 'true']).status === 0;
interface Machine {
  name: string;
  needs: string | undefined;
  wrap: string[];
  env: Record<string, string>;
  software: boolean;
  backend: string;
  reason: RegExp;
}

const machines: Machine[] = [
  {
    name: '(a) without a Vulkan loader',
    needs: existsSync(LOADER) && !canHide ? 'unshare -m (root), to hide the loader' : undefined,
    // A mount namespace lays /dev/null over the loader for the script alone.
    wrap: existsSync(LOADER)
      ? [
          'unshare',
          '-m',
          'sh',
          '-c',
          'mount --bind /dev/null "$0" && shift && exec "$@"',
          realpathSync(LOADER),
          'x',
        ]
      : [],
    env: {},
    software: false,
    backend: 'wasm',
    reason: /found no adapter \(no Vulkan loader on this machine/,
  },
  {
    name: "(b) with the machine's drivers (Mesa's lavapipe, with Debian's chromium)",
    needs: existsSync(LOADER) ? undefined : 'libvulkan1 (the Vulkan loader)',
    wrap: [],
    env: {},
    software: false,
    backend: 'wasm',
    reason: /found no adapter|software adapter skipped/,
  },
  {
    name: '(c) with SwiftShader allowed',
    needs:
      existsSync(LOADER) && existsSync(SWIFTSHADER)
        ? undefined
        : "libvulkan1 and Debian's chromium (SwiftShader)",
    wrap: [],
    env: { VK_ICD_FILENAMES: SWIFTSHADER },
    software: true,
    backend: 'webgpu',
    reason: /adapter google swiftshader/,
  },
];

describe('quiet on every machine: selectBackend, its WebGPU search and training print nothing', () => {
  for (const m of machines) {
    const runs = m.needs === undefined || runsWith(`quiet ${m.name}`, m.needs, false);
    it.runIf(runs)(m.name, () => {
      const { stdout, stderr } = runBoth(
        `
        const s = await d.selectBackend({ allowSoftwareAdapter: ${m.software} });
        ${TRAIN}
        d.releaseBackend();
        console.log(JSON.stringify({ backend: s.backend, webgpu: s.attempts[0].reason }));
      `,
        m.env,
        m.wrap,
      );
      const r = JSON.parse(stdout) as { backend: string; webgpu: string };
      expect(r.backend).toBe(m.backend);
      expect(r.webgpu).toMatch(m.reason);
      expect(stderr).toBe('');
    });
  }
});
