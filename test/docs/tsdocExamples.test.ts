import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Every TSDoc @example in src/ is a program: it is written to a file and run here, so that the
// API docs never show code that does not work. Lines such as `console.log(x); // [3, 784]` are
// also checked: what was printed must match the comment after it (as for the notebook entry's
// `await showTable(...); // ...`, which print their text form outside a notebook).

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, '.tmp', 'tsdoc-examples');

interface Example {
  file: string;
  index: number;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function examplesOf(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const found: Example[] = [];
  const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const code = (m[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .join('\n');
    found.push({ file: relative(root, file), index: found.length, code });
  }
  return found;
}

const files = sourceFiles(join(root, 'src'));
/**
 * The README's snippets run too (each ```js block that starts with its file name), from a
 * temporary folder since they write files there; test/package/readme-snippets.mjs runs them
 * again with Node against the packed package.
 */
function readmeSnippets(): Example[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...text.matchAll(/```js\n\/\/ ([\w-]+)\.mjs\n([\s\S]*?)```/g)];
  expect(blocks.map((b) => b[1])).toEqual(['quickstart', 'train-save-load']);
  return blocks.map((b, index) => ({ file: 'README.md', index, code: b[2] ?? '' }));
}
const examples = [...files.flatMap(examplesOf), ...readmeSnippets()];

/** `[5, 0]`, `'uint8'`, `uint8 [2] [7, 3]`: compares printed text with the comment loosely. */
function canonical(s: string): string {
  return s.replace(/['"]/g, '').replace(/\s+/g, '');
}

describe('TSDoc examples', () => {
  mkdirSync(outDir, { recursive: true });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('every export is documented in a category; functions, classes and constants with an example', async () => {
    // Each name src/index.ts exports must be declared somewhere in src/ under a doc comment
    // with a typedoc @category. Functions, classes and constants carry a runnable @example;
    // interfaces and types do not (their fields are documented, and the function that takes
    // or returns them shows them in use: an example that restates a field teaches nothing).
    const api = Object.keys(await import('../../src/index'));
    const index = readFileSync(join(root, 'src', 'index.ts'), 'utf8');
    const typeNames = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((n) => n.replace(/^\s*type\s+/, '').trim())
        .filter((n) => n !== ''),
    );
    const sources = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const problems = [...new Set([...api, ...typeNames])].flatMap((name) => {
      const decl = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:declare )?(?:async )?(function|class|const|interface|type) ${name}\\b`,
      ).exec(sources);
      if (decl === null) return [`${name}: no doc comment`];
      const [, doc = '', kind] = decl;
      const wantsExample = kind === 'function' || kind === 'class' || kind === 'const';
      return [
        ...(/@category (Data|Model|Regression|Optimizers|Backend|IO|Errors)\n/.test(doc)
          ? []
          : [`${name}: no known @category`]),
        ...(wantsExample === doc.includes('@example')
          ? []
          : [`${name}: ${wantsExample ? 'no @example' : 'an @example on a type'}`]),
      ];
    });
    expect(problems).toEqual([]);
    expect(api.length).toBeGreaterThan(25);
  });

  for (const example of examples) {
    it(`${example.file} #${example.index + 1} runs and prints what its comments say`, async () => {
      const path = join(outDir, `${example.file.replace(/[/\\.]/g, '_')}_${example.index}.ts`);
      writeFileSync(path, example.code);
      const printed: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
      const before = tf.memory().numTensors;
      const cwd = process.cwd();
      const scratch = join(outDir, `cwd-${example.index}`);
      mkdirSync(scratch, { recursive: true });
      if (example.file === 'README.md') process.chdir(scratch);
      try {
        await import(path);
      } finally {
        process.chdir(cwd);
        spy.mockRestore();
      }
      const expected = example.code
        .split('\n')
        .filter((line) => /(console\.log|await show\w*)\(.*\);\s*\/\/ /.test(line))
        .map((line) => line.slice(line.indexOf('// ') + 3));
      expect(printed.length).toBe(expected.length);
      expected.forEach((comment, i) => {
        if (/^about /.test(comment)) return; // approximate values are described, not matched
        expect(canonical(printed[i] ?? '')).toBe(canonical(comment));
      });
      // Examples clean up after themselves, as the docs teach.
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
