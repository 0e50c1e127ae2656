/**
 * After denselab starts tfjs' wasm backend, a user's uncaught exception or unhandled rejection
 * must end the process as it would without denselab: the same exit code (1 in Node), the report
 * starting at the user's code, not at tfjs' Emscripten handler (exit code 7,
 * `tf-backend-wasm.node.js ... throw ex;`). Real child processes, against the built package;
 * test/package/runtimes.sh runs the same script under Node 22, 24, 26, Bun and Deno.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { restoreProcessHandlers } from '../../src/backend/processHandlers';
import { emscriptenProcessListeners } from '../../src/internals/tfjsInternals';

const repo = resolve(import.meta.dirname, '../..');

/** The script, run in place: inside the repository `denselab` resolves to its build. */
function run(
  use: 'denselab' | 'plain',
  how: 'throw' | 'reject',
): { code: number | null; report: string } {
  const r = spawnSync(process.execPath, ['test/package/project/uncaught.mjs', use, how], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, report: r.stderr };
}

describe("the process stays the user's after selectBackend()", () => {
  it.each(['throw', 'reject'] as const)(
    "an uncaught %s exits as without denselab, reported at the user's code",
    (how) => {
      const plain = run('plain', how);
      const withDenselab = run('denselab', how);
      expect(plain.code).toBe(1);
      expect(withDenselab.code).toBe(plain.code);
      const firstLine = withDenselab.report.trimStart().split('\n')[0];
      expect(firstLine).toMatch(/uncaught\.mjs:\d+$/);
      expect(withDenselab.report).not.toMatch(/tf-backend-wasm/);
      expect(withDenselab.report).toMatch(
        how === 'throw' ? /the user error/ : /the user rejection/,
      );
    },
  );
});

describe('tfjs-backend-wasm still installs the handlers denselab removes', () => {
  it("finds Emscripten's two listeners after the wasm backend starts, and removes exactly them", async () => {
    const before = process.listeners('uncaughtException').length;
    await tf.setBackend('wasm');
    await tf.ready();
    const found = emscriptenProcessListeners()
      .map((l) => l.event)
      .sort();
    expect(found).toEqual(['uncaughtException', 'unhandledRejection']);
    expect(restoreProcessHandlers()).toBe(2);
    expect(emscriptenProcessListeners()).toEqual([]);
    expect(process.listeners('uncaughtException').length).toBeLessThanOrEqual(before);
    await tf.setBackend('cpu');
  });
});
