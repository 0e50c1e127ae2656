// After `typedoc`: every link from the README and the guides into the published reference
// (https://denselab.github.io/denselab/...) must name a page typedoc just wrote to docs-site/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = 'https://denselab.github.io/denselab/';
const files = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];
const broken = [];
let count = 0;
for (const file of files) {
  for (const [, page] of readFileSync(file, 'utf8').matchAll(
    /https:\/\/denselab\.github\.io\/denselab\/([^)\s#]*)/g,
  )) {
    count++;
    const target = join('docs-site', page === '' ? 'index.html' : page);
    if (!existsSync(target)) broken.push(`${file}: ${BASE}${page} (no ${target})`);
  }
}
if (broken.length > 0) {
  console.error(`links into the reference that typedoc did not write:\n${broken.join('\n')}`);
  process.exit(1);
}
console.log(`${count} links into the reference, all to pages typedoc wrote`);
