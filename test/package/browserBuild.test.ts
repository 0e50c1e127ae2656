// The package's "browser" build (dist/browser.js, built by npm test's pretest) carries no
// Node-only import, so browser bundlers never see one; Node builds keep theirs.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dist = (f: string): string =>
  readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');

describe('the browser build', () => {
  it('has no node: import and no import of the webgpu (Dawn) package', () => {
    const code = dist('browser.js');
    expect(code).not.toMatch(/node:/);
    expect(code).not.toMatch(/from ["']webgpu["']|import\(["']webgpu["']\)/);
    expect(code).toContain('platform = "browser"');
  });

  it('is what package.json serves under the browser condition, with the same types', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      exports: Record<string, Record<string, { types: string; default: string }>>;
    };
    expect(Object.keys(pkg.exports['.']!)[0]).toBe('browser');
    expect(pkg.exports['.']!.browser).toEqual({
      types: './dist/index.d.ts',
      default: './dist/browser.js',
    });
    // Node's build reads folders and starts workers (in a chunk it imports when it needs it).
    const node = readdirSync(new URL('../../dist/', import.meta.url)).filter(
      (f) => f.endsWith('.js') && f !== 'browser.js',
    );
    expect(node.some((f) => /from "node:/.test(dist(f)))).toBe(true);
  });
});
