// Checks what smoke.mjs printed under each runtime (test/package/runtimes.sh).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const work = process.argv[2];
const failures = [];
const ok = (cond, what) => {
  if (!cond) failures.push(what);
};
const rows = [];
for (const runtime of ['node22', 'node24', 'node26', 'bun', 'deno']) {
  const text = readFileSync(join(work, `${runtime}.json`), 'utf8')
    .trim()
    .split('\n')
    .at(-1);
  const r = JSON.parse(text);
  const at = (what) => `${runtime}: ${what}`;
  ok(r.backend === 'wasm', at(`chose ${r.backend}, expected wasm (no GPU here)`));
  ok(
    /software adapter/.test(r.webgpu ?? ''),
    at(`says it skipped the software adapter: ${r.webgpu}`),
  );
  ok(r.path.engine === 'dense', at(`trained through ${r.path.engine}: ${r.path.reason}`));
  ok(r.valAccuracy >= 0.95, at(`val_accuracy ${r.valAccuracy} after one epoch`));
  ok(r.lineLoss > 14.87 && r.lineLoss < 15.3, at(`line loss ${r.lineLoss}`));
  ok(Math.abs(r.polyMse - 14.87878787878788) < 1e-9, at(`polyfit mse ${r.polyMse}`));
  ok(r.samePredictions === true, at('the loaded model predicts what the saved one did'));
  ok(
    Math.abs(r.loadedAccuracy - r.valAccuracy) <= 0.002,
    at(`loaded accuracy ${r.loadedAccuracy}`),
  );
  ok(r.tensors === 0, at(`${r.tensors} tensors left`));
  ok(r.webgpuOnSoftware === 'works', at(`WebGPU on SwiftShader: ${r.webgpuOnSoftware}`));
  ok(
    r.gpuDevice === 'matches the wasm engine',
    at(`the engine's WebGPU device on SwiftShader: ${r.gpuDevice}`),
  );
  for (const how of ['throw', 'reject']) {
    const read = (use, ext) => readFileSync(join(work, `${runtime}-${use}-${how}.${ext}`), 'utf8');
    const plain = Number(read('plain', 'code'));
    const withDenselab = Number(read('denselab', 'code'));
    // Deno colours its report even into a file: compare the text.
    const report = read('denselab', 'err').replace(
      new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g'),
      '',
    );
    // The first line that names a script file is the user's, as without denselab.
    const firstFile = report.split('\n').find((l) => /\.(m?js|ts):\d+/.test(l)) ?? '';
    ok(
      plain !== 0 && withDenselab === plain,
      at(`uncaught ${how}: exit ${withDenselab}, ${plain} without denselab`),
    );
    ok(/uncaught\.mjs:\d+/.test(firstFile), at(`uncaught ${how}: report starts at ${firstFile}`));
    ok(!/tf-backend-wasm/.test(report), at(`uncaught ${how}: report mentions tfjs' wasm module`));
  }
  const strip = (t) => t.replace(new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g'), '');
  ok(
    strip(readFileSync(join(work, `${runtime}.err`), 'utf8')) === '',
    at('the smoke run printed to stderr'),
  );
  for (const [machine, expected] of [
    ['a', 'wasm'],
    ['b', 'wasm'],
    ['c', 'webgpu'],
  ]) {
    const err = strip(readFileSync(join(work, `${runtime}-quiet-${machine}.err`), 'utf8'));
    const out = JSON.parse(readFileSync(join(work, `${runtime}-quiet-${machine}.out`), 'utf8'));
    ok(err === '', at(`quiet (${machine}): stderr has ${JSON.stringify(err.slice(0, 300))}`));
    ok(
      out.backend === expected,
      at(`quiet (${machine}): chose ${out.backend}, expected ${expected}`),
    );
  }
  rows.push(
    `${runtime.padEnd(7)} ${r.seconds.toFixed(1).padStart(5)} s  val_accuracy ${r.valAccuracy.toFixed(4)}  ` +
      `engine ${r.path.engine} (${r.path.threads} thread${r.path.threads === 1 ? '' : 's'}${r.path.fusedMultiplyAdd ? ', FMA' : ''})  webgpu: ${r.webgpu}; the engine's WebGPU device ${r.gpuDevice}`,
  );
}
console.log(rows.join('\n'));
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
