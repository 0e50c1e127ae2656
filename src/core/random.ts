/**
 * A small seeded random number generator (mulberry32 over a splitmix-style hash of the seed):
 * uniform floats in [0, 1). Without a seed it is Math.random. Used for initial weights and
 * shuffles that must repeat bit for bit from a seed, on every backend and without one.
 */
export function createRng(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  // Mix all bits of the float64 seed into a 32-bit state, so 1, 1.5 and 2**40 differ.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed);
  let state = Math.imul(view.getUint32(0) ^ 0x9e3779b9, 0x85ebca6b) ^ view.getUint32(4);
  state = Math.imul(state ^ (state >>> 16), 0xc2b2ae35) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
