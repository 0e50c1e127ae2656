import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src';
import { expectNoLeak, expectThrowsClean } from '../helpers';

describe('normalize', () => {
  it("divides by the data's maximum, like the notes' x / x.max()", () => {
    const out = expectNoLeak(() => normalize([0, 1, 2, 4]));
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([4]);
    expect(Array.from(out.dataSync())).toEqual([0, 0.25, 0.5, 1]);
    out.dispose();
  });

  it('divides by a given max, keeping the shape of an NdArray', () => {
    const data = new Uint8Array([0, 51, 102, 255, 0, 0]);
    const out = expectNoLeak(() => normalize({ data, shape: [1, 2, 3] }, { max: 255 }));
    expect(out.shape).toEqual([1, 2, 3]);
    const got = Array.from(out.dataSync());
    [0, 0.2, 0.4, 1, 0, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 7));
    out.dispose();
  });

  it('works on tensors of int32 and float32 with the same result as on arrays', () => {
    const values = [3, 0, 7, 14, 1];
    const t = tf.tensor2d(values, [1, 5], 'int32');
    const fromTensor = expectNoLeak(() => normalize(t));
    const fromArray = normalize(values);
    expect(fromTensor.shape).toEqual([1, 5]);
    expect(Array.from(fromTensor.dataSync())).toEqual(Array.from(fromArray.dataSync()));
    expect(Array.from(fromTensor.dataSync())).toEqual([3 / 14, 0, 0.5, 1, 1 / 14].map(Math.fround));
    const f = tf.tensor1d([0.5, 2]);
    const byMax = normalize(f, { max: 4 });
    expect(Array.from(byMax.dataSync())).toEqual([0.125, 0.5]);
    tf.dispose([t, fromTensor, fromArray, f, byMax]);
  });

  it('on wasm, writes into the tensor it returns: the same bits as on cpu, one tensor made', async () => {
    const data = Uint8Array.from({ length: 3 * 1000 + 1 }, (_, i) => (i * 37) % 256);
    const onCpu = normalize({ data, shape: [data.length] });
    const want = Array.from(onCpu.dataSync());
    onCpu.dispose();
    await tf.setBackend('wasm');
    try {
      const out = expectNoLeak(() => normalize({ data, shape: [data.length] }));
      expect(Array.from(out.dataSync())).toEqual(want);
      // A float32 tensor on wasm (checked and divided with no cast of it to its own dtype).
      const again = expectNoLeak(() => normalize(out, { max: 2 }));
      expect(again.dataSync()[1]).toBe(Math.fround(want[1]! / 2));
      tf.dispose([out, again]);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('accepts typed arrays', () => {
    const out = normalize(new Float64Array([2, 8]));
    expect(Array.from(out.dataSync())).toEqual([0.25, 1]);
    out.dispose();
  });

  it('names the first negative, NaN or infinite value and its index', () => {
    expectThrowsClean(
      () => normalize([1, -2, -3]),
      /^normalize: x\[1\] is -2; expected values >= 0/,
      RangeError,
    );
    expectThrowsClean(
      () => normalize([1, 2, NaN]),
      /^normalize: x\[2\] is NaN; expected finite values >= 0/,
      RangeError,
    );
    expectThrowsClean(() => normalize([Infinity]), /x\[0\] is Infinity/, RangeError);
    const t = tf.tensor1d([0, 5, -1, NaN]);
    expectThrowsClean(() => normalize(t), /x\[2\] is -1/, RangeError);
    expect(t.isDisposed).toBe(false);
    const inf = tf.tensor1d([0, Infinity]);
    expectThrowsClean(() => normalize(inf), /x\[1\] is Infinity/, RangeError);
    tf.dispose([t, inf]);
  });

  it('rejects a maximum of 0, empty input and values above max', () => {
    expectThrowsClean(() => normalize([0, 0, 0]), /^normalize: the maximum of x is 0/, RangeError);
    const zeros = tf.zeros([2, 2]);
    expectThrowsClean(() => normalize(zeros), /the maximum of x is 0/, RangeError);
    zeros.dispose();
    expectThrowsClean(() => normalize([]), /^normalize: x is empty/, RangeError);
    const empty = tf.zeros([0, 3]);
    expectThrowsClean(() => normalize(empty), /x is empty \(shape \[0, 3\]\)/, RangeError);
    empty.dispose();
    expectThrowsClean(
      () => normalize([1, 300], { max: 255 }),
      /x\[1\] is 300, above max 255/,
      RangeError,
    );
    const t = tf.tensor1d([1, 300]);
    expectThrowsClean(() => normalize(t, { max: 255 }), /x\[1\] is 300, above max 255/, RangeError);
    t.dispose();
  });

  it('rejects a bad max option and bad input kinds', () => {
    for (const max of [0, -1, NaN, Infinity]) {
      expectThrowsClean(
        () => normalize([1], { max }),
        /^normalize: max is .*; expected a finite number > 0/,
        RangeError,
      );
    }
    expectThrowsClean(
      () => normalize([1], { max: '255' as never }),
      /^normalize: max is "255"; expected a finite number > 0/,
      TypeError,
    );
    expectThrowsClean(
      () => normalize('abc' as never),
      /^normalize: x is "abc"; expected a tensor/,
      TypeError,
    );
    expectThrowsClean(
      () => normalize([1, '2'] as never),
      /^normalize: x\[1\] is "2"; expected a number/,
      TypeError,
    );
  });
});
