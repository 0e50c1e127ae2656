import { describe, expect, it } from 'vitest';
import {
  encodeModule,
  hasWasmSimd,
  I32,
  instantiateOn,
  op,
  sleb,
  uleb,
} from '../../src/wasm/encoder';

describe('the WebAssembly encoder', () => {
  it('writes LEB128 as the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('encodes a module that validates, instantiates on a given memory and runs', () => {
    // addTo(p): memory[p] += memory[p + 4], as float32
    const bytes = encodeModule(
      [
        {
          name: 'addTo',
          params: [I32],
          locals: [],
          // prettier-ignore
          body: [op.get(0), op.get(0), op.f32Load, op.get(0), op.i32(4), op.i32Add, op.f32Load, op.f32Add, op.f32Store],
        },
      ],
      false,
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { addTo } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
      .exports as { addTo: (p: number) => void };
    const f32 = new Float32Array(memory.buffer);
    f32.set([1.5, 2.25], 10);
    addTo(40);
    expect(f32[10]).toBe(3.75);
  });

  it('declares a shared memory import when asked', () => {
    const bytes = encodeModule([{ name: 'f', params: [], locals: [], body: [] }], true);
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: shared } }),
    ).not.toThrow();
    const plain = new WebAssembly.Memory({ initial: 1 });
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: plain } }),
    ).toThrow();
    // instantiateOn declares whichever the memory it is given needs.
    const f = { name: 'f', params: [], locals: [], body: [] };
    expect(typeof instantiateOn([f], shared)['f']).toBe('function');
    expect(typeof instantiateOn([f], plain)['f']).toBe('function');
  });

  it('finds WebAssembly SIMD in Node 20, so the kernels install here', () => {
    expect(hasWasmSimd()).toBe(true);
  });
});
