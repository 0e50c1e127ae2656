import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ProgressLogger, toCategorical } from '../../src';
import {
  formatEta,
  formatMetrics,
  formatTimePer,
  progressBar,
  stepCount,
} from '../../src/progress/format';
import { kerasLine } from '../helpers';

describe('Keras progress bar pieces', () => {
  it('draws the bar as keras.utils.Progbar does', () => {
    expect(progressBar(0, 1875)).toBe(`[${'.'.repeat(30)}]`);
    expect(progressBar(32, 1875)).toBe(`[${'.'.repeat(30)}]`);
    expect(progressBar(63, 1875)).toBe(`[>${'.'.repeat(29)}]`);
    expect(progressBar(938, 1875)).toBe(`[${'='.repeat(14)}>${'.'.repeat(15)}]`);
    expect(progressBar(1875, 1875)).toBe(`[${'='.repeat(30)}]`);
    expect(stepCount(32, 1875)).toBe('  32/1875');
  });

  it('formats times and values as Keras', () => {
    expect(formatEta(5.4)).toBe('5s');
    expect(formatEta(62)).toBe('1:02');
    expect(formatEta(3723)).toBe('1:02:03');
    expect(formatTimePer(0.0021, 'step')).toBe('2ms/step');
    expect(formatTimePer(1.4, 'step')).toBe('1s/step');
    expect(formatTimePer(0.00085, 'step')).toBe('850us/step');
    // Keras' _format_time: an epoch under a second in ms, not '0s'; exactly 0 as '0s'.
    expect(formatTimePer(0.535, 'epoch')).toBe('535ms/epoch');
    expect(formatTimePer(4.2, 'epoch')).toBe('4s/epoch');
    expect(formatTimePer(0, 'epoch')).toBe('0s/epoch');
    expect(formatMetrics({ loss: 0.19331, accuracy: 0.94264 })).toBe(
      ' - loss: 0.1933 - accuracy: 0.9426',
    );
    expect(formatMetrics({ loss: 0.00012345 })).toBe(' - loss: 1.2345e-04');
    expect(formatMetrics({ loss: 0 })).toBe(' - loss: 0.0000e+00');
  });
});

describe('ProgressLogger', () => {
  it("prints the notes' log line from a fake clock", () => {
    const lines: string[] = [];
    let t = 0;
    const logger = new ProgressLogger({ sink: { writeLine: (l) => lines.push(l) }, now: () => t });
    logger.trainBegin(5, 1875);
    logger.epochBegin(0);
    t = 4100;
    logger.epochEnd({ loss: 0.1933, accuracy: 0.9426, val_loss: 0.1238, val_accuracy: 0.9661 });
    expect(lines).toEqual([
      'Epoch 1/5',
      '1875/1875 [==============================] - 4s 2ms/step - loss: 0.1933 - accuracy: 0.9426 - val_loss: 0.1238 - val_accuracy: 0.9661',
    ]);
  });

  it('redraws the live bar at most once per interval, with an ETA', () => {
    const updates: string[] = [];
    let t = 0;
    const logger = new ProgressLogger({
      intervalMs: 50,
      now: () => t,
      sink: { writeLine: () => undefined, update: (l) => updates.push(l) },
    });
    logger.trainBegin(1, 100);
    logger.epochBegin(0);
    for (let b = 1; b <= 99; b++) {
      t += 10; // 10 ms per batch
      logger.batchEnd(b, { loss: 1 / b });
    }
    // 990 ms of batches, one redraw per 50 ms at most: 20 redraws.
    expect(updates).toHaveLength(20);
    expect(updates[0]).toBe(`  1/100 [${'.'.repeat(30)}] - ETA: 1s - loss: 1.0000`);
    expect(updates.at(-1)).toMatch(/^ 96\/100 \[=+>\.+\] - ETA: 0s - loss: 0\.0104$/);
  });

  it('stays silent at verbose 0 and rejects bad options', () => {
    const lines: string[] = [];
    const logger = new ProgressLogger({
      verbose: 0,
      sink: { writeLine: (l) => lines.push(l), update: (l) => lines.push(l) },
    });
    logger.trainBegin(1, 1);
    logger.epochBegin(0);
    logger.batchEnd(1, { loss: 1 });
    logger.epochEnd({ loss: 1 });
    expect(lines).toEqual([]);
    expect(() => new ProgressLogger({ verbose: 5 as never })).toThrow(
      /^ProgressLogger: verbose is 5; expected one of 0, 1 or 2/,
    );
    expect(() => new ProgressLogger({ sink: console.log as never })).toThrow(
      /^ProgressLogger: sink is .*; expected a sink \{ writeLine\(line\), update\?\(line\) \}/,
    );
    expect(() => new ProgressLogger({ intervalMs: -1 })).toThrow(
      /^ProgressLogger: intervalMs is -1/,
    );
    // The 0.1 name still works, alone.
    expect(() => new ProgressLogger({ interval: 10 })).not.toThrow();
    expect(() => new ProgressLogger({ interval: 10, intervalMs: 10 })).toThrow(
      /^ProgressLogger: interval is the old name of intervalMs; pass intervalMs only$/,
    );
  });

  it('works as a callback of a plain tfjs model.fit, naming acc accuracy', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })],
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const x = tf.randomUniform([20, 3], 0, 1, 'float32', 1);
    const y = toCategorical(
      Array.from({ length: 20 }, (_, i) => i % 2),
      2,
    );
    const lines: string[] = [];
    const logger = new ProgressLogger({ verbose: 1, sink: { writeLine: (l) => lines.push(l) } });
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      validationData: [x, y],
      verbose: 0,
      callbacks: [logger.callback()],
    });
    expect(lines.filter((l) => l.startsWith('Epoch'))).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    for (const l of lines.filter((v) => !v.startsWith('Epoch'))) {
      expect(l).toMatch(
        kerasLine(
          String.raw`^3/3 \[={30}\] - \d+s \d+(ms|us|s)/step - loss: V - accuracy: V - val_loss: V - val_accuracy: V$`,
        ),
      );
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});
