import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import { DenseEngine } from '../../src/engine/denseEngine';
import { hasRelaxedSimd } from '../../src/wasm/encoder';
import { OPTIMIZER_SPECS } from '../fixtures/optimizerSpecs';

/** Keras' default optimizer: RMSprop, no momentum, not centered. */
const KERAS_RMSPROP = OPTIMIZER_SPECS.find((o) => o.kind === 'rmsprop' && !o.centered)!;

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Bytes allocated per call of `run` by denselab's own source files (tfjs, vitest and the
 * inspector left out), from V8's sampling heap profiler with objects a GC has already
 * collected counted too.
 */
async function bytesPerCall(run: () => void, calls: number): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 32,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let c = 0; c < calls; c++) run();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
      profile: { head: ProfileNode };
    };
    let bytes = 0;
    const walk = (n: ProfileNode): void => {
      if (/\/src\/(engine|wasm|rules)\//.test(n.callFrame.url)) bytes += n.selfSize;
      n.children.forEach(walk);
    };
    walk(profile.head);
    return bytes / calls;
  } finally {
    session.disconnect();
  }
}

describe("the dense engine's step", () => {
  for (const threads of [1, 2]) {
    it(`allocates nothing a step with RMSprop (${threads} thread${threads === 1 ? '' : 's'})`, async () => {
      const rows = 640;
      const { engine } = await DenseEngine.create({
        layers: [
          { inputs: 784, units: 64, activation: 'relu', bias: true },
          { inputs: 64, units: 10, activation: 'softmax', bias: true },
        ],
        loss: 'categorical',
        optimizer: KERAS_RMSPROP,
        maxBatch: 32,
        rows: [rows],
        threads,
        fma: hasRelaxedSimd(),
      });
      try {
        const x = Float32Array.from({ length: rows * 784 }, (_, i) => (i % 251) / 251);
        const y = new Float32Array(rows * 10);
        for (let r = 0; r < rows; r++) y[r * 10 + (r % 10)] = 1;
        engine.setData(0, x, y);
        const order = Int32Array.from({ length: rows }, (_, i) => (i * 7) % rows);
        let s = 0;
        const step = (): void => void engine.step(0, order, (s++ % 20) * 32, 32);
        for (let w = 0; w < 2000; w++) step(); // plans made, code optimized
        // Before this change a step made about 2.9 KB (closures, scopes, iterators, a boxed
        // number per row); the bound leaves room for the profiler's sampling noise.
        expect(await bytesPerCall(step, 2000)).toBeLessThan(100);
      } finally {
        engine.dispose();
      }
    });
  }
});
