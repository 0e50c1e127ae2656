import * as tfl from '@tensorflow/tfjs-layers';
import { checkOptions, finite, func, oneOf, renamed, withMethods } from '../core/validate';
import { inDenoJupyter } from '../core/env';
import { formatEta, formatMetrics, formatTimePer, progressBar, stepCount } from './format';

/**
 * Where progress goes. `writeLine` gets finished lines; `update`, when present, redraws the
 * current line in place (a terminal). Browsers and tests pass their own.
 *
 * @category Model
 */
export interface ProgressSink {
  /** Writes one finished line (no trailing newline in `line`). */
  writeLine(line: string): void;
  /** Redraws the unfinished current line; omit it where output cannot be redrawn. */
  update?(line: string): void;
}

/**
 * Keras' verbosity: 0 silent, 1 a progress bar (one line per epoch where the output cannot be
 * redrawn), 2 one line per epoch.
 *
 * @category Model
 */
export type Verbosity = 0 | 1 | 2;

/**
 * Options of {@link ProgressLogger}.
 *
 * @category Model
 */
export interface ProgressLoggerOptions {
  /** Keras' `verbose`. Default 1. */
  verbose?: Verbosity;
  /**
   * Where lines go. Default: standard output where there is one (Node, Bun, Deno), the bar
   * redrawn in place when it is a terminal; elsewhere, and in Deno's Jupyter kernel,
   * `console.log`, one line per epoch.
   */
  sink?: ProgressSink;
  /** Milliseconds between redraws of the live bar. Default 50 (Keras' `interval=0.05` s). */
  intervalMs?: number;
  /** @deprecated Use `intervalMs` (durations are named with their unit). Removed in 0.3.0. */
  interval?: number;
  /** The clock, in milliseconds. Default `performance.now`. Tests pass a fake one. */
  now?: () => number;
}

/** The checks of {@link ProgressLoggerOptions} (fitClassifier checks its own with these). */
export const PROGRESS_LOGGER_OPTIONS = {
  verbose: oneOf<Verbosity>([0, 1, 2]),
  sink: withMethods<ProgressSink>('a sink { writeLine(line), update?(line) }', 'writeLine'),
  intervalMs: finite({ min: 0 }),
  interval: finite({ min: 0 }),
  now: func<() => number>('a clock function returning milliseconds'),
};

/**
 * Prints training progress the way Keras 2 does:
 *
 * ```text
 * Epoch 1/5
 * 1875/1875 [==============================] - 4s 2ms/step - loss: 0.1933 - accuracy: 0.9426 - val_loss: 0.1238 - val_accuracy: 0.9661
 * ```
 *
 * {@link fitClassifier} drives one itself. With a plain tfjs `model.fit`, pass
 * `logger.callback()` in `callbacks` (tfjs' own `verbose: 1` prints nothing without
 * tfjs-node); tfjs' `acc` is shown as Keras' `accuracy`.
 *
 * @category Model
 * @example
 * ```ts
 * import { ProgressLogger } from 'denselab';
 *
 * const lines: string[] = [];
 * let t = 0;
 * const logger = new ProgressLogger({ sink: { writeLine: (l) => lines.push(l) }, now: () => t });
 * logger.trainBegin(1, 1875);
 * logger.epochBegin(0);
 * t = 4000;
 * logger.batchEnd(1875, { loss: 0.1933, accuracy: 0.9426 });
 * logger.epochEnd({ loss: 0.1933, accuracy: 0.9426, val_loss: 0.1238, val_accuracy: 0.9661 });
 * console.log(lines[0]); // Epoch 1/1
 * console.log(lines[1]); // 1875/1875 [==============================] - 4s 2ms/step - loss: 0.1933 - accuracy: 0.9426 - val_loss: 0.1238 - val_accuracy: 0.9661
 * ```
 */
export class ProgressLogger {
  /** Keras' verbosity this logger prints at. */
  readonly verbose: Verbosity;
  private readonly sink: ProgressSink;
  private readonly interval: number;
  private readonly now: () => number;
  private epochs = 0;
  private steps = 0;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private seen = 0;
  private current: Record<string, number> = {};

  /**
   * @param options - verbosity, sink, redraw interval and clock
   * @throws RangeError for a verbosity other than 0, 1 or 2, or a negative interval; TypeError
   *   for options of the wrong type or unknown option keys
   */
  constructor(options: ProgressLoggerOptions = {}) {
    const o = checkOptions('ProgressLogger', options, PROGRESS_LOGGER_OPTIONS);
    this.verbose = o.verbose ?? 1;
    this.sink = o.sink ?? defaultSink();
    const ms = renamed(
      'ProgressLogger',
      { name: 'intervalMs', value: o.intervalMs },
      { name: 'interval', value: o.interval },
    );
    this.interval = ms ?? 50;
    this.now = o.now ?? (() => performance.now());
  }

  /**
   * Writes a line of its own before the epochs (how training runs, say) when `verbose` is not
   * 0.
   *
   * @param line - the text, without a newline
   */
  note(line: string): void {
    if (this.verbose > 0) this.sink.writeLine(line);
  }

  /** True when the live bar is drawn, so the trainer should report batches as they end. */
  get wantsBatches(): boolean {
    return this.verbose === 1 && this.sink.update !== undefined;
  }

  /** True when a redraw is due now (the trainer reads values back only then). */
  get drawDue(): boolean {
    return this.wantsBatches && this.now() - this.lastDraw >= this.interval;
  }

  /**
   * Starts a run of `epochs` epochs of `steps` batches each.
   *
   * @param epochs - the number of epochs
   * @param steps - batches per epoch
   */
  trainBegin(epochs: number, steps: number): void {
    this.epochs = epochs;
    this.steps = steps;
  }

  /**
   * Starts epoch `epoch` (0-based, as tfjs counts): prints `Epoch 1/5`.
   *
   * @param epoch - the epoch, 0-based
   */
  epochBegin(epoch: number): void {
    this.epochStart = this.now();
    this.lastDraw = -Infinity;
    this.seen = 0;
    this.current = {};
    if (this.verbose > 0) this.sink.writeLine(`Epoch ${epoch + 1}/${this.epochs}`);
  }

  /**
   * Reports that `seen` batches of this epoch are done, with the running averages so far;
   * redraws the bar when the interval has passed.
   *
   * @param seen - batches done in this epoch
   * @param averages - running averages of the metrics (`loss`, `accuracy`)
   */
  batchEnd(seen: number, averages: Readonly<Record<string, number>>): void {
    this.seen = seen;
    this.current = { ...averages };
    if (!this.wantsBatches || seen >= this.steps) return;
    const t = this.now();
    if (t - this.lastDraw < this.interval) return;
    this.lastDraw = t;
    const elapsed = (t - this.epochStart) / 1000;
    const eta = seen > 0 ? (elapsed / seen) * (this.steps - seen) : 0;
    this.sink.update?.(
      `${stepCount(seen, this.steps)} ${progressBar(seen, this.steps)} - ETA: ${formatEta(eta)}${formatMetrics(this.current)}`,
    );
  }

  /**
   * Ends the epoch with its final values (training averages and validation results): prints
   * the epoch's line.
   *
   * @param logs - the epoch's metrics, e.g. `{ loss, accuracy, val_loss, val_accuracy }`
   */
  epochEnd(logs: Readonly<Record<string, number>>): void {
    if (this.verbose === 0) return;
    const elapsed = (this.now() - this.epochStart) / 1000;
    const perStep = formatTimePer(elapsed / Math.max(1, this.steps), 'step');
    const seconds = `${Math.round(elapsed)}s`;
    const metrics = formatMetrics(logs);
    const count = stepCount(this.steps, this.steps);
    const line =
      this.verbose === 1
        ? `${count} ${progressBar(this.steps, this.steps)} - ${seconds} ${perStep}${metrics}`
        : `${count} - ${seconds}${metrics} - ${formatTimePer(elapsed, 'epoch')} - ${perStep}`;
    this.sink.writeLine(line);
  }

  /**
   * A tfjs-layers callback that prints this progress during a plain `model.fit`
   * (`model.fit(x, y, { callbacks: [logger.callback()] })`).
   *
   * @returns a new callback bound to this logger
   */
  callback(): tfl.Callback {
    return new KerasProgressCallback(this);
  }
}

/**
 * Renames tfjs' metric names to Keras' (`acc` to `accuracy`, `val_acc` to `val_accuracy`) and
 * puts training values before validation values, as Keras prints them.
 */
function kerasNames(logs: Readonly<Record<string, number>>): Record<string, number> {
  const entries = Object.entries(logs).map(([k, v]): [string, number] => [
    k === 'acc' ? 'accuracy' : k === 'val_acc' ? 'val_accuracy' : k,
    v,
  ]);
  const isVal = ([k]: [string, number]): boolean => k.startsWith('val_');
  return Object.fromEntries([...entries.filter((e) => !isVal(e)), ...entries.filter(isVal)]);
}

type RawLogs = Record<string, unknown>;

async function resolveLogs(logs: RawLogs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (k === 'batch' || k === 'size') continue;
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'object' && v !== null && 'data' in v) {
      const data = await (v as { data(): Promise<ArrayLike<number>> }).data();
      out[k] = data[0] as number;
    }
  }
  return kerasNames(out);
}

class KerasProgressCallback extends tfl.Callback {
  private readonly logger: ProgressLogger;
  private batches = 0;
  private sums: Record<string, number> = {};
  private samples = 0;

  constructor(logger: ProgressLogger) {
    super();
    this.logger = logger;
  }

  override async onTrainBegin(): Promise<void> {
    const p = this.params as {
      epochs?: number;
      steps?: number | null;
      samples?: number | null;
      batchSize?: number;
    };
    const steps = p.steps ?? Math.ceil((p.samples ?? 0) / (p.batchSize ?? 32));
    this.logger.trainBegin(p.epochs ?? 1, steps);
    return Promise.resolve();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.batches = 0;
    this.sums = {};
    this.samples = 0;
    this.logger.epochBegin(epoch);
    return Promise.resolve();
  }

  override async onBatchEnd(_batch: number, logs?: RawLogs): Promise<void> {
    const size = typeof logs?.size === 'number' ? logs.size : 1;
    const values = await resolveLogs(logs);
    this.batches++;
    this.samples += size;
    const averages: Record<string, number> = {};
    for (const [k, v] of Object.entries(values)) {
      this.sums[k] = (this.sums[k] ?? 0) + v * size;
      averages[k] = this.sums[k] / this.samples;
    }
    this.logger.batchEnd(this.batches, averages);
  }

  override async onEpochEnd(_epoch: number, logs?: RawLogs): Promise<void> {
    this.logger.epochEnd(await resolveLogs(logs));
  }
}

function defaultSink(): ProgressSink {
  const stdout = (
    globalThis as {
      process?: { stdout?: { isTTY?: boolean; write(s: string): boolean } };
    }
  ).process?.stdout;
  // In Deno's notebook kernel only console output reaches the cell: one line per epoch, as
  // Keras prints where it cannot redraw.
  if (stdout !== undefined && !inDenoJupyter()) {
    let live = false;
    return {
      writeLine: (line) => {
        stdout.write(`${live ? '\r\x1b[K' : ''}${line}\n`);
        live = false;
      },
      update:
        stdout.isTTY === true
          ? (line) => {
              stdout.write(`\r\x1b[K${line}`);
              live = true;
            }
          : undefined,
    };
  }
  return { writeLine: (line) => console.log(line) };
}
