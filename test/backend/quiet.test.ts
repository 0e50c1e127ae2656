// denselab prints nothing it was not asked to print: a script's output is exactly its own.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const index = new URL('../../src/index.ts', import.meta.url).pathname;

/** Runs a script, returning stdout and stderr separately. */
function runBoth(body: string): { stdout: string; stderr: string } {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import * as d from ${JSON.stringify(index)};
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, DENSELAB_BACKEND: '' },
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

  it("probing WebGPU through Dawn prints no XDG_RUNTIME_DIR error (only Dawn's own driver notes, explained in the backends guide)", () => {
    const { stdout, stderr } = runBoth(`
      const s = await d.selectBackend();
      console.log(s.backend);
    `);
    expect(stdout.trim()).toMatch(/^(wasm|webgpu)$/);
    expect(stderr).not.toMatch(/XDG_RUNTIME_DIR|Hi, looks like/);
    // Whatever remains comes from Dawn's Vulkan adapter discovery, line by line.
    for (const line of stderr.split('\n').filter((l) => l.trim() !== '')) {
      expect(line).toMatch(/^(Warning: |\s+- While |\s+at \w+ \()/);
    }
  });
});
