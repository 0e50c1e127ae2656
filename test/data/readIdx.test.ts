import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { IdxFormatError, readIdx, writeIdx } from '../../src';

const header = (type: number, dims: number[]): number[] => [
  0,
  0,
  type,
  dims.length,
  ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]),
];

function expectIdxError(bytes: Uint8Array, code: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    readIdx(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(IdxFormatError);
  expect((caught as IdxFormatError).code).toBe(code);
  expect((caught as Error).message).toMatch(pattern);
}

describe('readIdx', () => {
  it('reads a uint8 file without copying', () => {
    const bytes = new Uint8Array([...header(0x08, [2, 3]), 1, 2, 3, 4, 5, 255]);
    const out = readIdx(bytes);
    expect(out.dtype).toBe('uint8');
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(out.data.buffer).toBe(bytes.buffer);
  });

  it('reads every element type big-endian, with exact values', () => {
    const cases: [number, number[], number[]][] = [
      [0x09, [0xff, 0x80, 0x7f], [-1, -128, 127]],
      [0x0b, [0x01, 0x02, 0xff, 0xfe], [258, -2]],
      [0x0c, [0x00, 0x01, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00], [65536, -2147483648]],
      [0x0d, [0x3f, 0xc0, 0x00, 0x00], [1.5]],
      [0x0e, [0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], [-Math.PI]],
    ];
    const dtypes = ['int8', 'int16', 'int32', 'float32', 'float64'];
    cases.forEach(([type, payload, expected], i) => {
      const out = readIdx(new Uint8Array([...header(type, [expected.length]), ...payload]));
      expect(out.dtype).toBe(dtypes[i]);
      expect(Array.from(out.data)).toEqual(expected);
    });
  });

  it('reads from an unaligned view and from an ArrayBuffer', () => {
    const file = [...header(0x0c, [1]), 0, 0, 1, 0];
    const padded = new Uint8Array([9, ...file]);
    expect(Array.from(readIdx(padded.subarray(1)).data)).toEqual([256]);
    expect(Array.from(readIdx(new Uint8Array(file).buffer).data)).toEqual([256]);
  });

  it('inflates gzip to the same result', () => {
    const plain = new Uint8Array([...header(0x0b, [2]), 0, 5, 1, 0]);
    const out = readIdx(gzipSync(plain));
    expect(out.dtype).toBe('int16');
    expect(Array.from(out.data)).toEqual([5, 256]);
  });

  it('allows empty arrays', () => {
    const out = readIdx(new Uint8Array(header(0x0d, [0, 28])));
    expect(out.shape).toEqual([0, 28]);
    expect(out.data.length).toBe(0);
  });

  it('reports each documented error with what it found', () => {
    expectIdxError(new Uint8Array([0, 0, 8]), 'truncated', /needs at least 4 bytes, got 3/);
    expectIdxError(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), 'bad-magic', /0x01 0x00/);
    expectIdxError(
      new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]),
      'unknown-type',
      /type byte 0x0A is not an IDX type/,
    );
    expectIdxError(new Uint8Array([0, 0, 8, 0]), 'bad-shape', /0 dimensions/);
    expectIdxError(
      new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1]),
      'truncated',
      /2 dimensions and needs 12 bytes, got 8/,
    );
    expectIdxError(
      new Uint8Array([...header(0x0c, [2]), 0, 0, 0, 1]),
      'truncated',
      /shape \[2\] of int32 needs 16 bytes, got 12/,
    );
    expectIdxError(
      new Uint8Array([...header(0x08, [1]), 7, 7]),
      'oversized',
      /needs 9 bytes, got 10 \(1 extra\)/,
    );
    expectIdxError(
      new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]),
      'bad-gzip',
      /does not inflate|truncated/,
    );
  });

  it('rejects inputs that are not bytes', () => {
    expect(() => readIdx([0, 0, 8, 1] as never)).toThrow(
      /^readIdx: expected a Uint8Array or ArrayBuffer, got \[0, 0, 8, 1\]/,
    );
    expect(() => readIdx('abc' as never)).toThrow(TypeError);
  });
});

// Random arrays of every IDX type, as typed arrays with their shape.
const arrays = fc
  .tuple(
    fc.constantFrom('uint8', 'int8', 'int16', 'int32', 'float32', 'float64'),
    fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
  )
  .chain(([dtype, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values: fc.Arbitrary<number> = {
      uint8: fc.integer({ min: 0, max: 255 }),
      int8: fc.integer({ min: -128, max: 127 }),
      int16: fc.integer({ min: -32768, max: 32767 }),
      int32: fc.integer(),
      float32: fc.float(),
      float64: fc.double(),
    }[dtype];
    const ctor = {
      uint8: Uint8Array,
      int8: Int8Array,
      int16: Int16Array,
      int32: Int32Array,
      float32: Float32Array,
      float64: Float64Array,
    }[dtype];
    return fc
      .array(values, { minLength: n, maxLength: n })
      .map((v) => ({ dtype, shape, data: ctor.from(v) }));
  });

describe('readIdx and writeIdx (properties)', () => {
  it('read(write(x)) gives x back for random shapes and types, gzipped or not', () => {
    fc.assert(
      fc.property(arrays, fc.boolean(), (arr, gzip) => {
        const back = readIdx(writeIdx(arr, { gzip }));
        expect(back.dtype).toBe(arr.dtype);
        expect(back.shape).toEqual(arr.shape);
        expect(back.data.constructor).toBe(arr.data.constructor);
        // Object.is per element: NaN, -0 and infinities survive.
        expect(Array.from(back.data)).toEqual(Array.from(arr.data));
      }),
      { numRuns: 300 },
    );
  });

  it('random corruptions give a documented IdxFormatError or a valid array, never another exception', () => {
    const corruptions = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('append' as const),
        extra: fc.uint8Array({ minLength: 1, maxLength: 16 }),
      }),
    );
    fc.assert(
      fc.property(
        arrays,
        fc.boolean(),
        fc.array(corruptions, { minLength: 1, maxLength: 3 }),
        (arr, gzip, edits) => {
          let bytes = writeIdx(arr, { gzip });
          for (const edit of edits) {
            if (edit.kind === 'flip' && bytes.length > 0) {
              bytes = bytes.slice();
              bytes[edit.at % bytes.length] = edit.value;
            } else if (edit.kind === 'cut') {
              bytes = bytes.slice(0, edit.at % (bytes.length + 1));
            } else if (edit.kind === 'append') {
              bytes = new Uint8Array([...bytes, ...edit.extra]);
            }
          }
          try {
            const out = readIdx(bytes);
            expect(out.data.length).toBe(out.shape.reduce((a, b) => a * b, 1));
            // gzip is checksummed: what reads is what was written.
            if (gzip) expect(Array.from(out.data)).toEqual(Array.from(arr.data));
          } catch (err) {
            expect(err).toBeInstanceOf(IdxFormatError);
            expect([
              'bad-gzip',
              'bad-magic',
              'unknown-type',
              'bad-shape',
              'truncated',
              'oversized',
            ]).toContain((err as IdxFormatError).code);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('readIdx on gzip it cannot trust', () => {
  const idx = writeIdx({
    data: Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256),
    shape: [10, 20],
  });

  it('checks every member against its CRC32: no single-byte flip reads as other data', () => {
    const gz = gzipSync(idx);
    for (let at = 0; at < gz.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = gz.slice();
        bad[at] = bad[at]! ^ mask;
        let out: ReturnType<typeof readIdx> | undefined;
        try {
          out = readIdx(bad);
        } catch (err) {
          expect(err).toBeInstanceOf(IdxFormatError);
          continue;
        }
        // A flip that changes nothing (the header's time, an unused bit) may read: the same data.
        expect(Array.from(out.data)).toEqual(Array.from(idx.subarray(12)));
      }
    }
  });

  it('reads concatenated members as one stream, as gzip -d does, and rejects data after the last', () => {
    const two = new Uint8Array([...gzipSync(idx.subarray(0, 50)), ...gzipSync(idx.subarray(50))]);
    expect(Array.from(readIdx(two).data)).toEqual(Array.from(idx.subarray(12)));
    expectIdxError(
      new Uint8Array([...gzipSync(idx), 0, 0, 0, 0]),
      'bad-gzip',
      /CRC32 and length do not match|does not inflate/,
    );
    expectIdxError(
      new Uint8Array([...gzipSync(idx), 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]),
      'bad-gzip',
      /does not inflate/,
    );
  });

  it('never inflates past what the header needs: a trailer claiming 4 GiB, a 50 MB bomb', () => {
    const before = process.memoryUsage().arrayBuffers;
    // 31 bytes: an empty member whose trailer claims 4 GiB of output.
    const lying = gzipSync(new Uint8Array(0));
    lying.set([0xff, 0xff, 0xff, 0xff], lying.length - 4);
    expectIdxError(lying, 'bad-gzip', /CRC32 and length do not match/);
    // A header for 10 bytes, then 50 MB of zeros (about 50 kB compressed).
    let zeros: Uint8Array | undefined = new Uint8Array(50 * 1024 * 1024);
    zeros.set(header(0x08, [10]));
    const bomb = gzipSync(zeros);
    zeros = undefined;
    const peak = process.memoryUsage().arrayBuffers;
    expectIdxError(bomb, 'oversized', /inflates to more than the 18 bytes its header describes/);
    expect(process.memoryUsage().arrayBuffers - peak).toBeLessThan(40 * 1024 * 1024);
    expect(before).toBeGreaterThan(0);
  });
});

describe('writeIdx', () => {
  it('rejects data, shapes and mismatches it cannot write', () => {
    expect(() => writeIdx({ data: new Uint16Array(2) as never, shape: [2] })).toThrow(
      /^writeIdx: array.data is a Uint16Array of 2 values; expected a Uint8Array, /,
    );
    expect(() => writeIdx({ data: new Uint8Array(2), shape: [] })).toThrow(
      /^writeIdx: array.shape has 0 dimensions; expected 1 to 255/,
    );
    expect(() => writeIdx({ data: new Uint8Array(2), shape: [3] })).toThrow(
      /^writeIdx: array.shape \[3\] holds 3 values but array.data has 2/,
    );
    expect(() => writeIdx({ data: new Uint8Array(2), shape: [-2] })).toThrow(
      /^writeIdx: array.shape\[0\] is -2/,
    );
    expect(() =>
      writeIdx({ data: new Uint8Array(2), shape: [2] }, { gzip: 'yes' as never }),
    ).toThrow(/^writeIdx: gzip is "yes"; expected true or false/);
    expect(() => writeIdx({ data: new Uint8Array(2), shape: [2] }, { zip: true } as never)).toThrow(
      /^writeIdx: unknown option "zip"; did you mean "gzip"\?/,
    );
  });
});
