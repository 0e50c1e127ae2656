// Runs the README's snippets as a user would: each ```js block that starts with a file name
// comment (`// quickstart.mjs`) is written to the current folder (a fresh project with the
// packed tarball installed, see consumer.sh) and run with `node`. What each `console.log(...);
// // comment` line printed must match its comment (spaces and quotes aside).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const readme = readFileSync(process.argv[2], 'utf8');
const blocks = [...readme.matchAll(/```js\n\/\/ ([\w-]+\.mjs)\n([\s\S]*?)```/g)];
if (blocks.length < 2)
  throw new Error(`expected the README's two snippets, found ${blocks.length}`);
const canonical = (s) => s.replace(/['"]/g, '').replace(/\s+/g, '');
// Each snippet with node, and the first also as TypeScript the README's way (`npx tsx
// quickstart.mts`) in a folder whose package.json is what `npm init -y` writes (CommonJS).
mkdirSync('fresh', { recursive: true });
writeFileSync('fresh/package.json', JSON.stringify({ name: 'fresh', type: 'commonjs' }));
const runs = blocks.map(([, name, code]) => [name, code, process.execPath, [name]]);
const [, tsName, tsCode] = blocks[0];
const tsFile = `fresh/${tsName.replace(/\.mjs$/, '.mts')}`;
runs.push([tsFile, tsCode, 'npx', ['tsx', tsFile]]);
for (const [name, code, cmd, args] of runs) {
  writeFileSync(name, code);
  const out = execFileSync(cmd, args, { encoding: 'utf8', timeout: 300_000 });
  const expected = code
    .split('\n')
    .filter((line) => /console\.log\(.*\);\s*\/\/ /.test(line))
    .map((line) => line.slice(line.indexOf('// ') + 3));
  // The logs the snippet asked for are its last lines (the training log may come before).
  const printed = out.trimEnd().split('\n').slice(-expected.length);
  expected.forEach((want, i) => {
    if (canonical(printed[i] ?? '') !== canonical(want)) {
      throw new Error(`${name}: printed ${JSON.stringify(printed[i])}, the README says ${want}`);
    }
  });
  console.log(`README ${name}: ran, printed what the README says`);
}
