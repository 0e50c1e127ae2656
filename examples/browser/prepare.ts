/**
 * Puts what the browser app serves into examples/browser/public/ (generated, not committed):
 * a gzipped MNIST subset as IDX files, the model saved by `npm run example:mnist-dense` when
 * there is one, and prepared.json, which says whether there is. (tfjs' wasm binary comes
 * through denselab's package: Vite finds it.)
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, writeIdx } from 'denselab';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const pub = join(here, 'public');
rmSync(pub, { recursive: true, force: true });
mkdirSync(join(pub, 'mnist'), { recursive: true });

const { train, test } = await loadMnist({ trainLimit: 5000, testLimit: 1000 });
const files: [string, Parameters<typeof writeIdx>[0]][] = [
  ['train-images-idx3-ubyte.gz', train.images],
  ['train-labels-idx1-ubyte.gz', train.labels],
  ['t10k-images-idx3-ubyte.gz', test.images],
  ['t10k-labels-idx1-ubyte.gz', test.labels],
];
for (const [name, array] of files)
  writeFileSync(join(pub, 'mnist', name), writeIdx(array, { gzip: true }));

// The model `npm run example:mnist-dense` saved, or another folder named by DENSELAB_BROWSER_MODEL.
const model = process.env.DENSELAB_BROWSER_MODEL ?? join(repo, 'out', 'mnist-dense', 'model');
const hasModel = existsSync(join(model, 'model.json'));
if (hasModel) cpSync(model, join(pub, 'model'), { recursive: true });
// What the page may offer, so that it never asks for a file that is not there.
writeFileSync(join(pub, 'prepared.json'), JSON.stringify({ model: hasModel }));
console.log(
  `prepared ${pub}: MNIST 5,000 + 1,000 images${hasModel ? ', the saved model' : ' (no saved model yet: run npm run example:mnist-dense)'}`,
);
