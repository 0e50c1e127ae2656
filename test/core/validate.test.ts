import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  arrayOf,
  boolean,
  checkOptions,
  closest,
  either,
  finite,
  func,
  integer,
  nested,
  nonEmptyString,
  oneOf,
  renamed,
  withMethods,
  type Check,
  type OptionSpec,
} from '../../src/core/validate';

/** Runs `f` and returns what it threw (failing the test when it returns). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

const SPEC = {
  epochs: integer({ min: 1 }),
  batchSize: integer({ min: 1 }),
  learningRate: finite({ min: 0, exclusiveMin: true }),
  shuffle: boolean,
  verbose: oneOf([0, 1, 2] as const),
  engine: oneOf(['auto', 'dense', 'tfjs'] as const),
} satisfies OptionSpec;
const KNOWN = Object.keys(SPEC);

/** An identifier-like key that is none of the known ones. */
const unknownKey = fc
  .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/)
  .filter((k) => !KNOWN.includes(k) && !(k in Object.prototype));

/** Any value of one of the JavaScript types options are given as. */
const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

describe('checkOptions (property)', () => {
  it('rejects every unknown key with a TypeError naming the function, the key and the known keys', () => {
    fc.assert(
      fc.property(unknownKey, anyValue, (key, value) => {
        const err = thrown(() => checkOptions('fitClassifier', { epochs: 2, [key]: value }, SPEC));
        expect(err).toBeInstanceOf(TypeError);
        expect(err.message.startsWith('fitClassifier: unknown option ')).toBe(true);
        expect(err.message).toContain(JSON.stringify(key));
        expect(err.message).toMatch(/[.?] Known options: /);
        expect(err.message.endsWith(`Known options: ${KNOWN.join(', ')}.`)).toBe(true);
      }),
    );
  });

  it('suggests the known key for any one-letter slip (dropped, doubled, swapped, changed, case)', () => {
    const slip = fc
      .constantFrom(...KNOWN)
      .chain((key) =>
        fc.tuple(
          fc.constant(key),
          fc.integer({ min: 0, max: key.length - 1 }),
          fc.constantFrom('drop', 'double', 'swap', 'change', 'case'),
        ),
      );
    fc.assert(
      fc.property(slip, ([key, i, kind]) => {
        const c = key[i] as string;
        const typo =
          kind === 'drop'
            ? key.slice(0, i) + key.slice(i + 1)
            : kind === 'double'
              ? key.slice(0, i) + c + key.slice(i)
              : kind === 'swap' && i + 1 < key.length
                ? key.slice(0, i) + (key[i + 1] as string) + c + key.slice(i + 2)
                : kind === 'case'
                  ? key.toUpperCase()
                  : key.slice(0, i) + (c === 'q' ? 'z' : 'q') + key.slice(i + 1);
        fc.pre(typo !== key && !KNOWN.includes(typo));
        const err = thrown(() => checkOptions('fitClassifier', { [typo]: 1 }, SPEC));
        expect(err).toBeInstanceOf(TypeError);
        expect(err.message).toContain(`did you mean ${JSON.stringify(key)}?`);
      }),
    );
  });

  it('suggests the known key the typed one starts or is started by, and nothing for a key unlike any', () => {
    expect(closest('batch', KNOWN)).toBe('batchSize');
    expect(closest('epochsCount', KNOWN)).toBe('epochs');
    expect(closest('lr', KNOWN)).toBeUndefined();
    // Keys made only of letters that no known key has are like none of them.
    fc.assert(
      fc.property(fc.stringMatching(/^[djkmqwxy]{1,12}$/), (key) => {
        expect(closest(key, KNOWN)).toBeUndefined();
      }),
    );
  });

  it('treats null, undefined and keys set to undefined as no options', () => {
    expect(checkOptions('f', null, SPEC)).toEqual({});
    expect(checkOptions('f', undefined, SPEC)).toEqual({});
    expect(checkOptions('f', { epochs: undefined }, SPEC)).toEqual({});
  });

  it('rejects anything but a plain object as options, with a TypeError showing an example', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer())),
        (options) => {
          const err = thrown(() => checkOptions('fitLinear', options, SPEC));
          expect(err).toBeInstanceOf(TypeError);
          expect(err.message).toMatch(/^fitLinear: options is .*; expected an options object/);
        },
      ),
    );
  });

  it('gives back exactly the valid options it was given', () => {
    const valid = fc.record(
      {
        epochs: fc.integer({ min: 1, max: 1e6 }),
        batchSize: fc.integer({ min: 1, max: 4096 }),
        learningRate: fc.double({ min: 1e-9, max: 10, noNaN: true }),
        shuffle: fc.boolean(),
        verbose: fc.constantFrom(0 as const, 1 as const, 2 as const),
        engine: fc.constantFrom('auto' as const, 'dense' as const, 'tfjs' as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(valid, (options) => {
        expect(checkOptions('f', options, SPEC)).toEqual(options);
      }),
    );
  });

  it('a wrong type is a TypeError, a bad value of the right type a RangeError, both naming the option and value', () => {
    const cases = fc.oneof(
      fc.tuple(fc.constant('epochs'), fc.oneof(fc.string(), fc.boolean()), fc.constant(TypeError)),
      fc.tuple(
        fc.constant('epochs'),
        fc.oneof(
          fc.integer({ max: 0 }),
          fc.double({ min: 1.01, max: 100, noInteger: true }),
          fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53),
        ),
        fc.constant(RangeError),
      ),
      fc.tuple(
        fc.constant('learningRate'),
        fc.oneof(fc.double({ max: 0 }), fc.constantFrom(NaN, Infinity)),
        fc.constant(RangeError),
      ),
      fc.tuple(fc.constant('shuffle'), fc.oneof(fc.integer(), fc.string()), fc.constant(TypeError)),
      fc.tuple(
        fc.constant('verbose'),
        fc.integer().filter((v) => v < 0 || v > 2),
        fc.constant(RangeError),
      ),
      fc.tuple(
        fc.constant('engine'),
        fc.string().filter((s) => !['auto', 'dense', 'tfjs'].includes(s)),
        fc.constant(RangeError),
      ),
    );
    fc.assert(
      fc.property(cases, ([key, value, type]) => {
        const err = thrown(() => checkOptions('fitClassifier', { [key]: value }, SPEC));
        expect(err).toBeInstanceOf(type);
        expect(err.message.startsWith(`fitClassifier: ${key} is `)).toBe(true);
        expect(err.message).toContain('; expected ');
      }),
    );
  });
});

describe('the vocabulary', () => {
  it('names nested paths and array items', () => {
    const spec = { validation: nested({ split: finite({ min: 0, max: 1 }) }) };
    expect(thrown(() => checkOptions('f', { validation: { split: 2 } }, spec)).message).toBe(
      'f: validation.split is 2; expected a finite number in [0, 1]',
    );
    expect(thrown(() => checkOptions('f', { validation: { spilt: 0.1 } }, spec)).message).toMatch(
      /^f: validation has an unknown key "spilt"; did you mean "split"\?/,
    );
    const units = { hiddenUnits: arrayOf(integer({ min: 1 }), { min: 1 }) };
    const err = thrown(() => checkOptions('buildDenseClassifier', { hiddenUnits: [4, 0] }, units));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('buildDenseClassifier: hiddenUnits[1] is 0; expected an integer >= 1');
  });

  it('a renamed option under both names is a TypeError; either name alone is read', () => {
    const both = () =>
      renamed('f', { name: 'intervalMs', value: 1 }, { name: 'interval', value: 2 });
    expect(thrown(both)).toBeInstanceOf(TypeError);
    expect(renamed('f', { name: 'a', value: undefined }, { name: 'b', value: 3 })).toBe(3);
    expect(renamed('f', { name: 'a', value: 4 }, { name: 'b', value: undefined })).toBe(4);
  });
});

describe('message form (every rule of the vocabulary)', () => {
  /** The words a message must never end on: a sentence cut off in the middle. */
  const DANGLING = /\b(of|a|an|the|with|and|or|to|in|such as|like|length|expected|is)$/;
  const rules: [name: string, check: Check<unknown>, bad: unknown[]][] = [
    ['finite', finite(), ['1', NaN, Infinity, null, [1], tf.scalar(1)]],
    ['finite with bounds', finite({ min: 0, max: 1, exclusiveMin: true }), [0, 2, -1]],
    ['integer', integer({ min: 1 }), [0, 1.5, '3', true, new Float32Array(2)]],
    ['integer in a range', integer({ min: 1, max: 64 }), [65, 0]],
    ['boolean', boolean, ['yes', 1, null, {}]],
    ['oneOf', oneOf(['auto', 'tfjs']), ['fast', 1, undefined]],
    ['oneOf of two numbers', oneOf([0, 1]), [2, '1']],
    ['nonEmptyString', nonEmptyString, ['', 5]],
    ['func', func('a function'), [1, 'f', {}]],
    ['withMethods', withMethods('a sink with write()', 'write'), [{}, 'x', null]],
    [
      'arrayOf (no bounds)',
      arrayOf(integer({ min: 1 }), {}, 'an array of layer sizes'),
      [512, 'x', [0], [1.5]],
    ],
    ['arrayOf (bounded)', arrayOf(integer(), { min: 1, max: 3 }), [[], [1, 2, 3, 4], 7]],
    ['either', either(integer(), boolean, 'an integer or a boolean'), ['x', null]],
    ['nested', nested({ m: finite() }), [5, { m: 'x' }, { q: 1 }, [1]]],
    [
      'options',
      (fn, path, v) => checkOptions(fn, v, { epochs: integer() }, path, { lr: 'use learningRate' }),
      [{ lr: 1 }, { epoch: 1 }, { zzzz: 1 }, [1], 'x', tf.zeros([2, 2]), new Uint8Array(3)],
    ],
  ];
  it.each(rules)(
    '%s: function, path, value, expectation; a whole sentence',
    (_name, check, bad) => {
      for (const value of bad) {
        const err = thrown(() => check('someFunction', 'options.path', value));
        expect(err).toSatisfy((e: Error) => e instanceof TypeError || e instanceof RangeError);
        const m = err.message;
        expect(m.startsWith('someFunction: ')).toBe(true);
        expect(m).toMatch(/options\.path/);
        expect(m).toMatch(/ is |has an unknown key|unknown option/);
        expect(m).toMatch(/; expected |[.?] Known (options|keys): /);
        expect(m.trimEnd()).not.toMatch(DANGLING);
        expect(m).not.toMatch(/\w Known/); // a list is never run into the sentence before it
        expect(m).not.toMatch(/\bObject\b|\[object /);
      }
      tf.disposeVariables();
    },
  );

  it('renamed: both names given is one sentence naming both', () => {
    const err = thrown(() =>
      renamed('someFunction', { name: 'learningRate', value: 1 }, { name: 'lr', value: 2 }),
    );
    expect(err.message).toBe(
      'someFunction: lr is the old name of learningRate; pass learningRate only',
    );
  });
});
