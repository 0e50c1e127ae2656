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
    // The browser's Platform, and Node's nowhere (tsup put browser.ts in node.ts' place).
    expect(code).toContain('name: "browser"');
    expect(code).not.toContain('name: "node"');
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

describe("the browser build's copy of tfjs' wasm binary", () => {
  it('sits beside dist/browser.js, byte for byte the installed tfjs-backend-wasm, stamped with its version', () => {
    const carried = readFileSync(
      new URL('../../dist/tfjs-backend-wasm-simd.wasm', import.meta.url),
    );
    const installed = readFileSync(
      new URL(
        '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
        import.meta.url,
      ),
    );
    expect(carried.equals(installed)).toBe(true);
    const { version } = JSON.parse(
      readFileSync(
        new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string };
    const code = dist('browser.js');
    // The pattern bundlers follow, and the version the binary must match at run time.
    expect(code).toContain('new URL("./tfjs-backend-wasm-simd.wasm", import.meta.url)');
    expect(code).toContain(`version: ${JSON.stringify(version)}`);
  });
});
