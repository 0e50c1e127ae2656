/**
 * The browser example: denselab used exactly as an app uses it (imported by package name).
 * Page options (query string): software=1 allows a software WebGPU adapter; autorun=1 trains
 * and runs lesson 2 on load; train, test and epochs size the MNIST run.
 */
import * as tf from '@tensorflow/tfjs-core';
// WebGL, for browsers without WebGPU: an app that wants it imports it (selectBackend does not).
import '@tensorflow/tfjs-backend-webgl';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  buildDenseClassifier,
  compareOptimizers,
  fitClassifier,
  fitLinear,
  flattenImages,
  loadMnist,
  loadModel,
  normalize,
  OPTIMIZER_NAMES,
  polyfitBaseline,
  predictClasses,
  ProgressLogger,
  selectBackend,
  toCategorical,
} from 'denselab';
import { barChart, curvesChart, draw, epochChart, fitChart } from './charts';

const params = new URLSearchParams(location.search);
const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

/** Shows an error at the top of the page, where the user is looking, and scrolls to it. */
function showError(err: unknown): void {
  $('error').textContent = `Error: ${err instanceof Error ? err.message : String(err)}`;
  $('error').scrollIntoView({ block: 'nearest' });
}
window.addEventListener('error', (e) => showError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => showError(e.reason));

let model: tfl.LayersModel | undefined;

// --- Backend -------------------------------------------------------------------------------
async function chooseBackend(): Promise<void> {
  // No wasmPaths: Vite finds tfjs' wasm binary through denselab's package by itself.
  const selection = await selectBackend({ allowSoftwareAdapter: params.get('software') === '1' });
  $('backend').textContent =
    `Using ${selection.backend}${selection.adapter ? ` (${selection.adapter.vendor} ${selection.adapter.architecture})` : ''}`;
  $('backend').dataset.backend = selection.backend;
  $('attempts').replaceChildren(
    ...selection.attempts.map((a) => {
      const li = document.createElement('li');
      li.textContent = `${a.backend}: ${a.chosen ? 'chosen' : 'skipped'}, ${a.reason}`;
      li.dataset.backend = a.backend;
      return li;
    }),
  );
}

// --- Experiment 1 --------------------------------------------------------------------------
/** Records the running averages the bar shows, for the live charts. */
class PageLogger extends ProgressLogger {
  readonly running: { loss: number[]; accuracy: number[] } = { loss: [], accuracy: [] };
  override batchEnd(seen: number, averages: Readonly<Record<string, number>>): void {
    super.batchEnd(seen, averages);
    if (averages.loss !== undefined) this.running.loss.push(averages.loss);
    if (averages.accuracy !== undefined) this.running.accuracy.push(averages.accuracy);
  }
}

async function trainMnist(): Promise<void> {
  const trainLimit = Number(params.get('train') ?? 3000);
  const testLimit = Number(params.get('test') ?? 500);
  const epochs = Number(params.get('epochs') ?? 2);
  $('mnist-data').textContent = 'MNIST subset: loading…';
  const { train, test } = await loadMnist({
    source: new URL('mnist/', location.href).href,
    trainLimit,
    testLimit,
  });
  $('mnist-data').textContent =
    `MNIST subset: ${train.labels.length} training, ${test.labels.length} validation images`;
  // normalize the uint8 arrays first (in JavaScript), then flatten on the backend: no tensor
  // is read back synchronously, which the WebGPU backend cannot do.
  const x = tf.tidy(() => flattenImages(normalize(train.images)));
  const y = toCategorical(train.labels, 10);
  const xv = tf.tidy(() => flattenImages(normalize(test.images)));
  const yv = toCategorical(test.labels, 10);
  model?.dispose();
  model = buildDenseClassifier({ seed: 1 });
  const log = $('log');
  log.textContent = '';
  const logger = new PageLogger({
    intervalMs: 100,
    sink: {
      writeLine: (line) => {
        log.textContent += `${line}\n`;
        const m = /^\s*(\d+)\/(\d+)/.exec(line);
        if (m) $('progress-bar').style.width = '100%';
      },
      update: (line) => {
        const m = /^\s*(\d+)\/(\d+)/.exec(line);
        if (m) $('progress-bar').style.width = `${(100 * Number(m[1])) / Number(m[2])}%`;
        $('progress-bar').title = line;
        void draw(
          'chart-loss',
          epochChart('Training loss (running average)', { loss: logger.running.loss }, 'loss'),
        );
      },
    },
  });
  const history = {
    loss: [] as number[],
    val_loss: [] as number[],
    accuracy: [] as number[],
    val_accuracy: [] as number[],
  };
  // The tests watch the page's heartbeat while this is set, from this time on.
  document.body.dataset.trainingSince = String(performance.now());
  document.body.dataset.training = '1';
  await fitClassifier(
    model,
    { x, y },
    {
      epochs,
      seed: 1,
      logger,
      validationData: { x: xv, y: yv },
      callbacks: {
        onEpochEnd: async (_epoch, logs) => {
          history.loss.push(logs.loss);
          history.accuracy.push(logs.accuracy);
          history.val_loss.push(logs.val_loss ?? NaN);
          history.val_accuracy.push(logs.val_accuracy ?? NaN);
          await draw(
            'chart-loss',
            epochChart(
              'Loss per epoch',
              { training: history.loss, validation: history.val_loss },
              'loss',
            ),
          );
          await draw(
            'chart-accuracy',
            epochChart(
              'Accuracy per epoch',
              { training: history.accuracy, validation: history.val_accuracy },
              'accuracy',
            ),
          );
        },
      },
    },
  );
  delete document.body.dataset.training;
  tf.dispose([x, y, xv, yv]);
  $('mnist-section').dataset.valAccuracy = String(history.val_accuracy.at(-1));
  $('prediction').textContent = 'Draw a digit.';
}

async function loadSavedModel(): Promise<void> {
  model?.dispose();
  model = await loadModel(new URL('model/model.json', location.href).href);
  $('log').textContent = 'Loaded the model saved by npm run example:mnist-dense.\n';
  $('prediction').textContent = 'Draw a digit.';
}

// --- Drawing -------------------------------------------------------------------------------
const canvas = $('canvas') as HTMLCanvasElement;
const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
function clearCanvas(): void {
  ctx.fillStyle = 'black';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}
clearCanvas();
let drawing = false;
canvas.addEventListener('pointerdown', (e) => {
  drawing = true;
  ctx.strokeStyle = 'white';
  ctx.lineWidth = 22;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(e.offsetX, e.offsetY);
});
canvas.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  ctx.lineTo(e.offsetX, e.offsetY);
  ctx.stroke();
});
canvas.addEventListener('pointerup', () => {
  drawing = false;
  void predictDrawing().catch(showError);
});
$('clear').addEventListener('click', () => {
  clearCanvas();
  $('prediction').textContent = 'Draw a digit.';
});

/** The drawing as MNIST sees digits: the ink's box scaled into 20x20, centred in 28x28. */
function drawingAsMnist(): Float32Array | undefined {
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((data[(y * width + x) * 4] ?? 0) > 32) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  const s = small.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  s.fillStyle = 'black';
  s.fillRect(0, 0, 28, 28);
  const scale = 20 / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const w = (x1 - x0 + 1) * scale;
  const h = (y1 - y0 + 1) * scale;
  s.drawImage(canvas, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - w) / 2, (28 - h) / 2, w, h);
  const pixels = s.getImageData(0, 0, 28, 28).data;
  return Float32Array.from({ length: 784 }, (_, i) => (pixels[i * 4] ?? 0) / 255);
}

async function predictDrawing(): Promise<void> {
  if (model === undefined) {
    $('prediction').textContent = 'Train (or load) the model first.';
    return;
  }
  const input = drawingAsMnist();
  if (input === undefined) return;
  const x = tf.tensor2d(input, [1, 784]);
  const { classes, probabilities } = await predictClasses(model, x);
  x.dispose();
  const digit = classes[0] ?? 0;
  $('prediction').textContent =
    `Prediction: ${digit} (${(100 * (probabilities[digit] ?? 0)).toFixed(1)}%)`;
  $('prediction').dataset.digit = String(digit);
  await draw('chart-probabilities', barChart('Probabilities', Array.from(probabilities)));
}

// --- Lesson 2 ------------------------------------------------------------------------------
async function runLesson2(): Promise<void> {
  const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const y = [10, 20, 25, 30, 40, 45, 40, 50, 60, 55];
  const status = $('lesson2-status');
  const seed = 42;
  const lines: { name: string; m: number; b: number }[] = [];
  const poly = polyfitBaseline(x, y);
  const [pm = NaN, pb = NaN] = poly.coefficients;
  lines.push({ name: `polyfit (loss ${poly.loss.toFixed(2)})`, m: pm, b: pb });
  await draw('chart-fit', fitChart(x, y, lines));
  const sgd = await fitLinear(x, y, { seed });
  lines.push({ name: `SGD, 500 epochs (loss ${sgd.loss.toFixed(2)})`, m: sgd.m, b: sgd.b });
  await draw('chart-fit', fitChart(x, y, lines));
  const rms = await fitLinear(x, y, { optimizer: 'rmsprop', epochs: 10_000, seed });
  lines.push({ name: `RMSprop, 10,000 epochs (loss ${rms.loss.toFixed(2)})`, m: rms.m, b: rms.b });
  await draw('chart-fit', fitChart(x, y, lines));
  const curves: Record<string, number[]> = {};
  for (const name of OPTIMIZER_NAMES) {
    status.textContent = `comparing optimizers: ${name}…`;
    const run = await compareOptimizers(x, y, { optimizers: [name], epochs: 10_000, seed });
    curves[name] = [...(run.runs[0]?.history.loss ?? [])];
    await draw('chart-optimizers', curvesChart(curves));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  status.textContent = `done: SGD loss ${sgd.loss.toFixed(4)}, RMSprop ${rms.loss.toFixed(4)}, polyfit ${poly.loss.toFixed(4)}`;
  $('lesson2-section').dataset.done = '1';
}

// --- Wiring --------------------------------------------------------------------------------
const guard = (fn: () => Promise<void>) => (): void => void fn().catch(showError);
$('train').addEventListener('click', guard(trainMnist));
$('load-model').addEventListener('click', guard(loadSavedModel));
$('run-lesson2').addEventListener('click', guard(runLesson2));

/** Enables "Load the saved model" only when prepare.ts found one to serve. */
async function checkSavedModel(): Promise<void> {
  const button = $('load-model') as HTMLButtonElement;
  const response = await fetch(new URL('prepared.json', location.href));
  const prepared = response.ok ? ((await response.json()) as { model?: boolean }) : {};
  button.disabled = prepared.model !== true;
  button.title = button.disabled
    ? 'No saved model yet: run npm run example:mnist-dense, then start this page again'
    : 'The model npm run example:mnist-dense saved';
}

async function start(): Promise<void> {
  await checkSavedModel();
  await chooseBackend();
  document.body.dataset.ready = '1';
  if (params.get('autorun') === '1') {
    await runLesson2();
    await trainMnist();
  }
  document.body.dataset.done = '1';
}
void start().catch((err: unknown) => {
  showError(err);
  document.body.dataset.done = '1';
});
