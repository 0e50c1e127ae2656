/**
 * The jax-js peer of bench/mnist.ts: the notes' model (784-512-512-10, relu, softmax
 * cross-entropy) trained with RMSprop (Keras' settings) as a jax-js user writes it: one jitted
 * step of `valueAndGrad` and the update, on jax-js' wasm device, over the same batches.
 */
import { init, jit, nn, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';

type Params = {
  w1: np.Array;
  b1: np.Array;
  w2: np.Array;
  b2: np.Array;
  w3: np.Array;
  b3: np.Array;
};

function lossFn(p: Params, x: np.Array, y: np.Array): np.Array {
  const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
  const logits = np.matmul(h2, p.w3).add(p.b3);
  return nn
    .logSoftmax(logits, -1)
    .mul(y)
    .sum()
    .mul(-1 / 32);
}

const LR = 0.001;
const RHO = 0.9;
const EPS = 1e-7;

const step = jit((p: Params, ms: Params, x: np.Array, y: np.Array) => {
  const [loss, g] = valueAndGrad(lossFn)(tree.ref(p), x, y);
  const keys = Object.keys(p) as (keyof Params)[];
  const nextP = {} as Params;
  const nextMs = {} as Params;
  for (const k of keys) {
    const gk = g[k];
    const m = ms[k].mul(RHO).add(gk.ref.mul(gk.ref).mul(1 - RHO));
    nextP[k] = p[k].sub(gk.mul(LR).div(np.sqrt(m.ref.add(EPS))));
    nextMs[k] = m;
  }
  return { loss, p: nextP, ms: nextMs };
});

/** A jax-js trainer over `x` (float32 [N, 784], in [0, 1]) and one-hot `y` (float32 [N, 10]). */
export async function jaxTrainer(
  x: Float32Array,
  y: Float32Array,
): Promise<{ run(first: number, count: number): Promise<number> }> {
  await init('wasm');
  const key = random.key(1);
  const [k1, k2, k3] = random.split(key, 3) as unknown as [np.Array, np.Array, np.Array];
  const glorot = (k: np.Array, fanIn: number, fanOut: number): np.Array =>
    random.uniform(k, [fanIn, fanOut], {
      minval: -Math.sqrt(6 / (fanIn + fanOut)),
      maxval: Math.sqrt(6 / (fanIn + fanOut)),
    });
  let p: Params = {
    w1: glorot(k1, 784, 512),
    b1: np.zeros([512]),
    w2: glorot(k2, 512, 512),
    b2: np.zeros([512]),
    w3: glorot(k3, 512, 10),
    b3: np.zeros([10]),
  };
  let ms: Params = {
    w1: np.zeros([784, 512]),
    b1: np.zeros([512]),
    w2: np.zeros([512, 512]),
    b2: np.zeros([512]),
    w3: np.zeros([512, 10]),
    b3: np.zeros([10]),
  };
  return {
    /** Trains on batches first .. first + count - 1; returns the last loss. */
    async run(first, count) {
      let loss: np.Array | undefined;
      for (let b = first; b < first + count; b++) {
        const xb = np.array(x.subarray(b * 32 * 784, (b + 1) * 32 * 784)).reshape([32, 784]);
        const yb = np.array(y.subarray(b * 32 * 10, (b + 1) * 32 * 10)).reshape([32, 10]);
        loss?.dispose();
        const out = step(p, ms, xb, yb);
        p = out.p;
        ms = out.ms;
        loss = out.loss;
      }
      const values = (await (loss as np.Array).data()) as unknown as Float32Array;
      return values[0] as number;
    },
  };
}
